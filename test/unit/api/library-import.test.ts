/**
 * streamfold as a library: what `import … from 'streamfold'` gives (src/index.ts, built to
 * dist/index.js and dist/index.d.ts), and the reducer's types derived from the field
 * declarations. The `@ts-expect-error` lines are checked by the typecheck: each must be an error.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  ErrorCodes,
  StreamfoldError,
  defineTopology,
  loadLanguageTopology,
  loadTopologyModule,
  type LanguageTopology,
  type Program,
  type ReducerContext,
  type StateUpdates,
} from '../../../src/index.js';
import * as library from '../../../src/index.js';
import { createStepper } from '../../../src/pipeline/program/index.js';
import { minimalSpec } from './minimal-spec.js';

type Fields = typeof minimalSpec.state.fields;

describe("import { defineTopology } from 'streamfold'", () => {
  it('exports the API, the loaders and the errors by name, and nothing that runs', () => {
    expect(Object.keys(library).sort()).toEqual([
      'ConfigError',
      'ErrorCodes',
      'StreamfoldError',
      'compileLanguageTopology',
      'defineTopology',
      'isRetriable',
      'loadLanguageTopology',
      'loadTopologyModule',
    ]);
    expect(ErrorCodes.REDUCER_FAILED).toBe('SF_REDUCER_FAILED');
    expect(new ConfigError('x', [])).toBeInstanceOf(StreamfoldError);
    expect(typeof loadLanguageTopology).toBe('function');
    expect(typeof loadTopologyModule).toBe('function');
  });

  it('defines a topology whose typed reducer the engine runs', () => {
    const topology: LanguageTopology = defineTopology({
      ...minimalSpec,
      state: {
        ...minimalSpec.state,
        reduce: ({ before, after, status }) => {
          // The declared fields, typed: scans a number or null, lastHub a string or null.
          const scans: number | null = after.scans;
          const hub: string | null = after.lastHub;
          return { scans: (scans ?? 0) + (before === undefined ? 0 : 1), lastHub: hub ?? status };
        },
      },
    });
    const program: Program = topology.program;
    const step = createStepper(program);
    const created = step(undefined, {
      key: 'p1',
      eventId: 'e1',
      time: 1,
      type: 'ParcelCreated',
      value: { id: 'p1', eventId: 'e1', time: 1, type: 'ParcelCreated' },
    });
    if (created.kind !== 'applied') throw new TypeError(created.kind);
    const scanned = step(created.state, {
      key: 'p1',
      eventId: 'e2',
      time: 2,
      type: 'ParcelScanned',
      value: { id: 'p1', eventId: 'e2', time: 2, type: 'ParcelScanned', hub: 'AMS1' },
    });
    expect(scanned).toEqual({
      kind: 'applied',
      previousStatus: 'created',
      state: {
        key: 'p1',
        status: 'created',
        fields: { scans: 1, lastHub: 'AMS1' },
        appliedEvents: 2,
        updatedAt: 2,
        eventIds: ['e1', 'e2'],
      },
    });
    expect(created.state.fields).toEqual({ scans: 0, lastHub: 'created' });
  });

  it('types the reducer after the field declarations', () => {
    const context: ReducerContext<Fields> = {
      event: {},
      before: undefined,
      after: { scans: 0, lastHub: null },
      status: 'created',
      previousStatus: 'none',
    };
    // @ts-expect-error: the status field is the machine's, not the reducer's
    void context.after.status;
    // @ts-expect-error: an undeclared field
    void context.after.scanz;
    const ok: StateUpdates<Fields> = { scans: 2, lastHub: null };
    // @ts-expect-error: a string for an integer field
    const wrongType: StateUpdates<Fields> = { scans: '2' };
    // @ts-expect-error: a field that is not declared
    const undeclared: StateUpdates<Fields> = { scanz: 2 };
    defineTopology({
      ...minimalSpec,
      // @ts-expect-error: a reducer returning an undeclared field is refused by the types too
      state: { ...minimalSpec.state, reduce: () => ({ attempts: 1 }) },
    });
    expect([ok, wrongType, undeclared]).toEqual([
      { scans: 2, lastHub: null },
      { scans: '2' },
      { scanz: 2 },
    ]);
  });

  it('the package exports dist/index.js with its declarations, and keeps the command', () => {
    const pkg = JSON.parse(
      readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown>;
    expect(pkg.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
    });
    expect(pkg.types).toBe('./dist/index.d.ts');
    expect(pkg.bin).toEqual({ streamfold: 'dist/cli/main.js' });
    expect(pkg.files).toEqual(['dist', 'topologies']);
    const build = JSON.parse(
      readFileSync(new URL('../../../tsconfig.build.json', import.meta.url), 'utf8'),
    ) as {
      compilerOptions: Record<string, unknown>;
    };
    expect(build.compilerOptions.declaration).toBe(true);
  });
});
