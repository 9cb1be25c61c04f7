import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadTopology, type CompiledTopology } from '../topology/index.js';

export const DEFAULT_TOPOLOGY = 'topologies/orders.yaml';

/**
 * The `[topology]` argument: a path, or by default `topologies/orders.yaml` in the working
 * directory, falling back to the copy shipped in the package (for `npx streamfold` elsewhere).
 */
export function loadTopologyArgument(file: string | undefined): CompiledTopology {
  if (file !== undefined) return loadTopology(file);
  if (existsSync(DEFAULT_TOPOLOGY)) return loadTopology(DEFAULT_TOPOLOGY);
  const shipped = fileURLToPath(new URL(`../../${DEFAULT_TOPOLOGY}`, import.meta.url));
  return loadTopology(existsSync(shipped) ? shipped : DEFAULT_TOPOLOGY);
}
