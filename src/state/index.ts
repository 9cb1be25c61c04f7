export { connectRedis, createRedis, type RedisClientOptions } from './redis-client.js';
export { shardKeys, type ShardKeys } from './keys.js';
export {
  ScriptRunner,
  readScripts,
  commandName,
  type ScriptArg,
  type ScriptDefinition,
} from './script-loader.js';
