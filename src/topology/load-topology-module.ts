/**
 * Topologies written as modules (`.ts`, `.mts`, `.js`, `.mjs`) whose default export is
 * `defineTopology(...)`'s result (docs/language.md, "The TypeScript API"). Node strips erasable
 * TypeScript types itself, so a `.ts` file is imported as it is, with no build step.
 */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError } from '../errors.js';
import { issue } from './describe-issue.js';
import { kindOf, showValue } from './describe-value.js';
import type { LanguageTopology } from './language/types.js';
import { readProblem } from './load-topology.js';
import type { TopologyIssue } from './types.js';

export const TopologyModuleExtensions = ['.ts', '.mts', '.js', '.mjs'] as const;

/** Whether a topology file is a module to import rather than YAML to read. */
export function isTopologyModule(file: string): boolean {
  return (TopologyModuleExtensions as readonly string[]).includes(path.extname(file));
}

export type ModuleImport =
  | { readonly kind: 'loaded'; readonly topology: LanguageTopology }
  | { readonly kind: 'unreadable'; readonly problem: string }
  /** `defineTopology` refused the spec while the module was imported. */
  | { readonly kind: 'invalid'; readonly issues: readonly TopologyIssue[] }
  | { readonly kind: 'import-failed'; readonly message: string }
  | { readonly kind: 'no-default-export' }
  | { readonly kind: 'not-a-topology'; readonly got: string };

/** A compiled language topology, by its shape: one from another copy of streamfold counts too. */
function isLanguageTopology(value: unknown): value is LanguageTopology {
  if (value === null || typeof value !== 'object') return false;
  const t = value as Partial<Record<keyof LanguageTopology, unknown>>;
  return (
    t.kind === 'language' &&
    typeof t.name === 'string' &&
    typeof t.program === 'object' &&
    t.program !== null &&
    typeof (t.schema as { validate?: unknown } | undefined)?.validate === 'function'
  );
}

function describe(value: unknown): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const kind = (value as { kind?: unknown }).kind;
    return kind === undefined ? 'a mapping without kind' : `a mapping of kind ${showValue(kind)}`;
  }
  return kindOf(value);
}

/**
 * The issues of a ConfigError, told by its shape: a module that imports another copy of
 * streamfold (its own node_modules) throws that copy's class.
 */
function configIssues(cause: unknown): readonly TopologyIssue[] | undefined {
  if (!(cause instanceof Error) || cause.name !== 'ConfigError') return undefined;
  const issues = (cause as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as TopologyIssue[]) : undefined;
}

/**
 * Imports a topology module; what can go wrong is a tagged result, not an exception. Node keeps
 * a module once imported: a second import of the same file in one process gives the first
 * topology, edits or not (every command loads its topology once).
 */
export async function importTopologyModule(file: string): Promise<ModuleImport> {
  try {
    accessSync(file, constants.R_OK);
  } catch (cause) {
    return { kind: 'unreadable', problem: readProblem(cause) };
  }
  let exports: { readonly default?: unknown };
  try {
    exports = (await import(pathToFileURL(path.resolve(file)).href)) as { default?: unknown };
  } catch (cause) {
    const issues = configIssues(cause);
    if (issues !== undefined) return { kind: 'invalid', issues };
    return {
      kind: 'import-failed',
      message: cause instanceof Error ? cause.message : String(cause),
    };
  }
  if (!Object.hasOwn(exports, 'default')) return { kind: 'no-default-export' };
  const topology = exports.default;
  if (!isLanguageTopology(topology)) return { kind: 'not-a-topology', got: describe(topology) };
  return { kind: 'loaded', topology };
}

/** The issues of a module that did not load, as `validate` prints them. */
export function moduleIssues(result: Exclude<ModuleImport, { kind: 'loaded' }>): TopologyIssue[] {
  const expected = 'a default export of defineTopology(...)';
  switch (result.kind) {
    case 'unreadable':
      return [issue('(file)', 'a readable topology file', result.problem)];
    case 'invalid':
      return [...result.issues];
    case 'import-failed':
      return [issue('(module)', 'a module that imports', result.message)];
    case 'no-default-export':
      return [issue('(default export)', expected, 'nothing')];
    case 'not-a-topology':
      return [issue('(default export)', expected, result.got)];
  }
}

/**
 * Imports a topology module and gives its topology, named after the file (a ConfigError naming
 * the file otherwise), as loadLanguageTopology does for a YAML file.
 */
export async function loadTopologyModule(file: string): Promise<LanguageTopology> {
  const shown = path.relative(process.cwd(), file) || file;
  const result = await importTopologyModule(file);
  if (result.kind !== 'loaded') throw new ConfigError(shown, moduleIssues(result));
  // The file it was loaded from names it in every message, whatever defineTopology was told.
  return Object.freeze({ ...result.topology, file: shown });
}
