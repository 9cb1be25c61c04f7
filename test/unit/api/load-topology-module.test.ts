/**
 * Topology modules: `loadTopologyModule` imports a `.ts` file as Node does (types stripped) and
 * gives its default export, named after the file; what goes wrong is a ConfigError naming the
 * file; `streamfold validate` accepts a `.ts` topology and prints the same lines as for YAML.
 */
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerValidate, runValidateModule } from '../../../src/cli/commands/validate.js';
import { ConfigError } from '../../../src/errors.js';
import {
  isTopologyModule,
  loadTopologyModule,
} from '../../../src/topology/load-topology-module.js';

const parcels = fileURLToPath(new URL('../../../topologies/parcels.ts', import.meta.url));
const fixture = (name: string): string =>
  fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));
const shown = (file: string): string => file.slice(process.cwd().length + 1);

async function refusal(file: string): Promise<unknown> {
  try {
    await loadTopologyModule(file);
  } catch (error) {
    if (error instanceof ConfigError) return { message: error.message, issues: error.issues };
    throw error;
  }
  return 'loaded';
}

async function validate(file: string, json = false): Promise<{ code: number; out: string }> {
  let out = '';
  const code = await runValidateModule(file, { json }, { write: (text: string) => (out += text) });
  return { code, out };
}

describe('loadTopologyModule', () => {
  it('tells modules from YAML files by their extension', () => {
    expect(
      ['a.ts', 'a.mts', 'a.js', 'a.mjs', 'a.yaml', 'a.yml', 'a.d'].map(isTopologyModule),
    ).toEqual([true, true, true, true, false, false, false]);
  });

  it('gives the default export, named after the file it was loaded from', async () => {
    const topology = await loadTopologyModule(parcels);
    expect(topology.name).toBe('parcels');
    expect(topology.file).toBe('topologies/parcels.ts');
    expect(Object.isFrozen(topology)).toBe(true);
  });

  const refused: readonly [string, string, { path: string; expected: string; got: string }][] = [
    [
      'a missing file',
      'missing.ts',
      { path: '(file)', expected: 'a readable topology file', got: 'no such file' },
    ],
    [
      'a module without a default export',
      'no-default-export.ts',
      {
        path: '(default export)',
        expected: 'a default export of defineTopology(...)',
        got: 'nothing',
      },
    ],
    [
      'a default export that is not a topology',
      'not-a-topology.ts',
      {
        path: '(default export)',
        expected: 'a default export of defineTopology(...)',
        got: 'a mapping without kind',
      },
    ],
    [
      'a module that throws on import',
      'throws.ts',
      { path: '(module)', expected: 'a module that imports', got: 'the carrier table is missing' },
    ],
  ];

  for (const [what, name, { path, expected, got }] of refused) {
    it(`refuses ${what}, naming the file`, async () => {
      const file = fixture(name);
      const message = `expected ${expected}, got ${got}`;
      expect(await refusal(file)).toEqual({
        message: `invalid configuration (${shown(file)}):\n  ${path}: ${message}`,
        issues: [{ path, message, expected, got }],
      });
    });
  }

  it('passes on the issues of a spec defineTopology refused on import, named after the file', async () => {
    const file = fixture('refused.ts');
    const result = (await refusal(file)) as { message: string; issues: { path: string }[] };
    expect(result.message.split('\n')[0]).toBe(`invalid configuration (${shown(file)}):`);
    expect(result.issues.map((i) => i.path)).toEqual([
      'state.machine.states.0',
      'state.machine.transitions.0.to',
      'state.reduce',
    ]);
  });
});

describe('streamfold validate on a topology module', () => {
  it('prints the ok line for topologies/parcels.ts and exits 0', async () => {
    expect(await validate(parcels)).toEqual({
      code: 0,
      out: `ok: ${parcels} (topology parcels, source parcel-events, group streamfold-parcels, 6 partitions)\n`,
    });
  });

  it('--json: the summary with the outputs', async () => {
    const { code, out } = await validate(parcels, true);
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({
      ok: true,
      file: parcels,
      topology: 'parcels',
      source: 'parcel-events',
      group: 'streamfold-parcels',
      partitions: 6,
      outputs: {
        status: 'parcel-status',
        anomalies: 'parcel-anomalies',
        deadLetter: 'parcel-events-dlt',
        aggregates: 'parcel-aggregate-updates',
      },
    });
  });

  it('prints each problem as file: path: expected, got and exits 1', async () => {
    const file = fixture('no-default-export.ts');
    expect(await validate(file)).toEqual({
      code: 1,
      out: `${file}: (default export): expected a default export of defineTopology(...), got nothing\n`,
    });
  });

  describe('as registered on the program', () => {
    const exitCode = process.exitCode;
    afterEach(() => {
      process.exitCode = exitCode;
      vi.restoreAllMocks();
    });

    it('imports a .ts file instead of reading it as YAML', async () => {
      let out = '';
      vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        out += String(chunk);
        return true;
      });
      const program = new Command('streamfold').exitOverride();
      registerValidate(program);
      await program.parseAsync(['node', 'streamfold', 'validate', parcels]);
      expect({ code: process.exitCode, out }).toEqual({
        code: 0,
        out: `ok: ${parcels} (topology parcels, source parcel-events, group streamfold-parcels, 6 partitions)\n`,
      });
    });
  });
});
