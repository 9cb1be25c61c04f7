import { ConfigError } from '../errors.js';
import { loadTopology } from './load-topology.js';
import type { CompiledTopology, TopologyIssue } from './types.js';

export type TopologyValidation =
  | { readonly ok: true; readonly topology: CompiledTopology }
  | { readonly ok: false; readonly issues: readonly TopologyIssue[] };

/**
 * Loads a topology and reports its problems as data instead of throwing, for `validate`.
 * Only configuration problems are caught: anything else is a bug and must surface as one.
 */
export function validateTopologyFile(file: string): TopologyValidation {
  try {
    return { ok: true, topology: loadTopology(file) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // Every issue this layer raises is a TopologyIssue; a plain ConfigIssue is one too, since
    // the extra fields are optional.
    return { ok: false, issues: error.issues };
  }
}
