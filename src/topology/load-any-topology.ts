import path from 'node:path';
import {
  compileLanguageTopology,
  isLanguageDocument,
} from './language/compile-language-topology.js';
import { positionsOf } from './language/positions.js';
import type { LanguageTopology } from './language/types.js';
import { compileTopology, readTopologyDocument } from './load-topology.js';
import { isTopologyModule, loadTopologyModule } from './load-topology-module.js';
import type { CompiledTopology } from './types.js';

/**
 * A topology of either format, tagged: commands that serve both (simulate, topics create) branch
 * on `kind` once instead of guessing from the shape of the compiled value.
 */
export type AnyTopology =
  | { readonly kind: 'legacy'; readonly topology: CompiledTopology }
  | { readonly kind: 'language'; readonly topology: LanguageTopology };

/**
 * Reads a topology file and compiles it as the format it is written in: a language file
 * (docs/language.md) has `input`, a legacy one (docs/topologies.md) has `source`. Throws a
 * ConfigError with every issue, positioned for language files.
 */
export function loadAnyTopology(file: string): AnyTopology {
  const { shown, yaml } = readTopologyDocument(file);
  if (!isLanguageDocument(yaml.value)) {
    return { kind: 'legacy', topology: compileTopology(yaml.value, shown) };
  }
  return {
    kind: 'language',
    topology: compileLanguageTopology(yaml.value, shown, {
      dir: path.dirname(file),
      positions: positionsOf(yaml.document, yaml.lines),
    }),
  };
}

/**
 * A topology of any format, modules included (`.ts`, `.mts`, `.js`, `.mjs` exporting
 * `defineTopology(…)`): what `run` loads. Importing a module is asynchronous, so this is too.
 */
export async function loadRunnableTopology(file: string): Promise<AnyTopology> {
  if (isTopologyModule(file)) return { kind: 'language', topology: await loadTopologyModule(file) };
  return loadAnyTopology(file);
}
