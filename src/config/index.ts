export { loadConnectionConfig, kafkaPassthrough, type Flags, type Env } from './load-config.js';
export {
  defaults,
  settingSources,
  logLevels,
  type ConnectionConfig,
  type TlsCaBundle,
} from './options.js';
