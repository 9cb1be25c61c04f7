export { compileTopology, loadTopology } from './load-topology.js';
export { topologySchema, type TopologyFile } from './schema.js';
export type { CompiledTopology } from './types.js';
