/**
 * `defineTopology`: a topology of the language as a typed TypeScript object, validated and
 * compiled by the language's own compiler (src/topology/language/), so a `.ts` topology and a
 * YAML one mean the same and are refused with the same messages. The one thing the YAML cannot
 * carry, the state's `reduce` function, is taken out before compiling and put on the compiled
 * program's state (`StateShape.reduce`), where the engine and `reconcile` both call it.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../errors.js';
import type { StateReducer } from '../pipeline/program/types.js';
import { issue } from '../topology/describe-issue.js';
import { showTypedValue } from '../topology/describe-value.js';
import { compileLanguageTopology } from '../topology/language/index.js';
import type { LanguageTopology } from '../topology/language/index.js';
import type { TopologyIssue } from '../topology/types.js';
import type { DefineOptions, FieldsSpec, TopologySpec } from './types.js';

/** The name messages give a topology defined without `DefineOptions.url`. */
export const UNNAMED_MODULE = 'defineTopology';

interface Split {
  /** The spec without `state.reduce`: the language's document, for its compiler. */
  readonly doc: unknown;
  readonly reduce: StateReducer | undefined;
  readonly issues: readonly TopologyIssue[];
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Takes `state.reduce` out of the spec; anything there but a function is an issue. */
function splitReducer(spec: unknown): Split {
  if (!isMapping(spec) || !isMapping(spec.state) || !Object.hasOwn(spec.state, 'reduce')) {
    return { doc: spec, reduce: undefined, issues: [] };
  }
  const { reduce, ...state } = spec.state;
  const doc = { ...spec, state };
  if (reduce === undefined) return { doc, reduce: undefined, issues: [] };
  if (typeof reduce !== 'function') {
    const refused = issue(
      'state.reduce',
      "a function: the state's pure reducer",
      showTypedValue(reduce),
    );
    return { doc, reduce: undefined, issues: [refused] };
  }
  return { doc, reduce: reduce as StateReducer, issues: [] };
}

function where(options: DefineOptions): { file: string; dir: string } {
  if (options.url === undefined) return { file: UNNAMED_MODULE, dir: process.cwd() };
  const file = fileURLToPath(options.url);
  return { file: path.relative(process.cwd(), file) || file, dir: path.dirname(file) };
}

/**
 * Validates and compiles a topology written in TypeScript (docs/language.md, "The TypeScript
 * API"). Throws a ConfigError naming every problem by its field path, as `validate` prints them.
 * `const` keeps the field declarations' literal types, from which the reducer's are derived.
 */
export function defineTopology<const F extends FieldsSpec>(
  spec: TopologySpec<F>,
  options: DefineOptions = {},
): LanguageTopology {
  const { file, dir } = where(options);
  const { doc, reduce, issues } = splitReducer(spec);
  let compiled: LanguageTopology;
  try {
    compiled = compileLanguageTopology(doc, file, { dir });
  } catch (error) {
    // Every problem at once: the reducer's as well as the compiler's.
    if (error instanceof ConfigError) throw new ConfigError(file, [...error.issues, ...issues]);
    throw error;
  }
  if (issues.length > 0) throw new ConfigError(file, issues);
  if (reduce === undefined) return compiled;
  const { program } = compiled;
  return Object.freeze({
    ...compiled,
    program: Object.freeze({
      ...program,
      state: Object.freeze({ ...program.state, reduce }),
    }),
  });
}
