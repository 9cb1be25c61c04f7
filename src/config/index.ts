export { loadConnectionConfig, kafkaPassthrough, type Flags, type Env } from './load-config.js';
export {
  defaults,
  settingSources,
  logLevels,
  type ConnectionConfig,
  type TlsCaBundle,
} from './options.js';
export type { ClusterSeed, RedisClusterConfig } from './redis-cluster.js';
export {
  classicOnlyProperties,
  defaultGroupConfig,
  groupProtocols,
  groupSettingSources,
  loadGroupConfig,
  type GroupConfig,
  type GroupFlags,
  type GroupProtocol,
} from './group-options.js';
