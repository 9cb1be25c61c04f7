export { compileTopology, loadTopology } from './load-topology.js';
export { topologySchema, type TopologyFile } from './schema.js';
export type { CompiledTopology, TopologyIssue } from './types.js';
export { validateTopologyFile, type TopologyValidation } from './validate-topology.js';
export { topologyTopicLayout, topologyTopics } from './topology-topics.js';
export {
  compileLanguageTopology,
  isLanguageDocument,
  loadLanguageTopology,
  type CompileOptions,
  type LanguageOutputs,
  type LanguageQuery,
  type LanguageTopology,
  type Position,
  type PositionOf,
  type SchemaVerdict,
} from './language/index.js';
export { loadAnyTopology, loadRunnableTopology, type AnyTopology } from './load-any-topology.js';
export {
  importTopologyModule,
  isTopologyModule,
  loadTopologyModule,
  TopologyModuleExtensions,
} from './load-topology-module.js';
