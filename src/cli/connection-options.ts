import { Option, type Command } from 'commander';
import {
  defaults,
  loadConnectionConfig,
  settingSources,
  type ConnectionConfig,
} from '../config/index.js';

const help = {
  brokers: 'Kafka bootstrap servers, comma-separated',
  redisUrl: 'Redis URL (redis:// or rediss://); credentials as rediss://user:password@host:port',
  redisTlsCa: 'PEM CA bundle that signs the Redis server certificate (rediss:// only)',
  redisCluster:
    'Redis Cluster seeds, comma-separated host:port (or rediss://user:password@host:port for ' +
    'TLS and an ACL user); replaces the Redis URL',
  httpAddr: 'host:port for /metrics, /healthz and queries',
  statePrefix: 'namespace of every Redis key',
  logLevel: 'fatal|error|warn|info|debug|trace|silent',
} as const;

/** Adds the connection flags (each also read from its environment variable). */
export function withConnectionOptions(command: Command): Command {
  for (const [name, source] of Object.entries(settingSources)) {
    const key = name as keyof typeof settingSources;
    command.addOption(
      new Option(
        `${source.flag} <value>`,
        `${help[key]} (env ${source.env}, default ${defaults[key] === '' ? 'none' : defaults[key]})`,
      ),
    );
  }
  return command;
}

interface ConnectionFlags {
  brokers?: string;
  redis?: string;
  redisTlsCa?: string;
  redisCluster?: string;
  http?: string;
  statePrefix?: string;
  logLevel?: string;
}

/** Flags, then environment, then defaults; throws ConfigError naming the bad field. */
export function connectionFrom(flags: ConnectionFlags): ConnectionConfig {
  return loadConnectionConfig({
    brokers: flags.brokers,
    redisUrl: flags.redis,
    redisTlsCa: flags.redisTlsCa,
    redisCluster: flags.redisCluster,
    httpAddr: flags.http,
    statePrefix: flags.statePrefix,
    logLevel: flags.logLevel,
  });
}
