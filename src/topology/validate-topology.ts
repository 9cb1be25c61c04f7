import path from 'node:path';
import { ConfigError } from '../errors.js';
import {
  compileLanguageTopology,
  isLanguageDocument,
} from './language/compile-language-topology.js';
import { positionsOf } from './language/positions.js';
import type { LanguageTopology } from './language/types.js';
import { compileTopology, readTopologyDocument } from './load-topology.js';
import { importTopologyModule, moduleIssues } from './load-topology-module.js';
import type { CompiledTopology, TopologyIssue } from './types.js';

export type TopologyValidation =
  | { readonly ok: true; readonly topology: CompiledTopology | LanguageTopology }
  | { readonly ok: false; readonly issues: readonly TopologyIssue[] };

/**
 * Loads a topology of either format (a language file of docs/language.md has `input`, the legacy
 * one of docs/topologies.md has `source`) and reports its problems as data instead of throwing,
 * for `validate`. Only configuration problems are caught: anything else is a bug and must
 * surface as one.
 */
export function validateTopologyFile(file: string): TopologyValidation {
  try {
    const { shown, yaml } = readTopologyDocument(file);
    const topology = isLanguageDocument(yaml.value)
      ? compileLanguageTopology(yaml.value, shown, {
          dir: path.dirname(file),
          positions: positionsOf(yaml.document, yaml.lines),
        })
      : compileTopology(yaml.value, shown);
    return { ok: true, topology };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Every issue this layer raises is a TopologyIssue; a plain ConfigIssue is one too, since
    // the extra fields are optional.
    return { ok: false, issues: error.issues };
  }
}

/**
 * The same for a topology module (`.ts`, `.js`: docs/language.md, "The TypeScript API"), which
 * is imported, hence the promise.
 */
export async function validateTopologyModule(file: string): Promise<TopologyValidation> {
  const result = await importTopologyModule(file);
  return result.kind === 'loaded'
    ? { ok: true, topology: result.topology }
    : { ok: false, issues: moduleIssues(result) };
}
