import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAnyTopology, type AnyTopology } from '../topology/index.js';

export const DEFAULT_TOPOLOGY = 'topologies/orders.yaml';

/** The file the `[topology]` argument names (see loadAnyTopologyArgument). */
function topologyFile(file: string | undefined): string {
  if (file !== undefined) return file;
  if (existsSync(DEFAULT_TOPOLOGY)) return DEFAULT_TOPOLOGY;
  const shipped = fileURLToPath(new URL(`../../${DEFAULT_TOPOLOGY}`, import.meta.url));
  return existsSync(shipped) ? shipped : DEFAULT_TOPOLOGY;
}

/**
 * The `[topology]` argument, of either format: a path, or by default `topologies/orders.yaml` in
 * the working directory, falling back to the copy shipped in the package (for `npx streamfold`
 * elsewhere).
 */
export function loadAnyTopologyArgument(file: string | undefined): AnyTopology {
  return loadAnyTopology(topologyFile(file));
}
