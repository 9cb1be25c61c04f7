export {
  connectRedis,
  createRedis,
  errorText,
  type RedisClientOptions,
  type RedisConnection,
} from './redis-client.js';
export { deleteMatching, masters, scanKeys } from './keyspace.js';
export {
  allShardKeys,
  COMMIT_HASHES,
  namespaceOf,
  shardKeys,
  topologyKeys,
  type CommitHash,
  type ShardKeys,
  type TopologyKeys,
} from './keys.js';
export {
  ScriptRunner,
  readScripts,
  commandName,
  type ScriptArg,
  type ScriptDefinition,
} from './script-loader.js';
export { ScriptCodes, type ScriptCode } from './script-codes.js';
export { encodeOutbox, decodeOutbox } from './outbox-codec.js';
export { RedisStateStore, type RedisStateStoreOptions } from './redis-state-store.js';
export type { CommitOutcome, OutboxEntry, PartitionLease, StateStore } from './state-store.js';
export { StateReader } from './state-reader.js';
export { Generations, type Retired } from './generations.js';
export { ShardStore, type FencedShard, type ShardStoreOptions } from './shard-store.js';
export {
  PARTIAL_CACHE_LIMIT,
  ProgramStateStore,
  type ProgramLease,
  type ProgramStateStoreOptions,
} from './program-state-store.js';
export { programCommitOperations } from './program-commit-args.js';
export { ProgramFields, splitPartialField } from './program-fields.js';
export {
  ProgramReader,
  type OpenWindows,
  type ProgramShardReader,
  type StoredState,
} from './program-reader.js';
export {
  idleCloses,
  parseProgramParked,
  parseProgramWindows,
  parseStates,
} from './program-shard-load.js';
