import type { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';
import {
  connectionSchema,
  defaults,
  settingSources,
  type ConnectionConfig,
  type SettingName,
} from './options.js';

export type Flags = Partial<Record<SettingName, string | undefined>>;
export type Env = Readonly<Record<string, string | undefined>>;

/** Variables of ours that start with KAFKA_ but are not librdkafka properties. */
const notPassedThrough = new Set([
  'KAFKA_BROKERS',
  // The worker's group settings (group-options.ts): its consumer only, never every client.
  'KAFKA_GROUP_PROTOCOL',
  'KAFKA_GROUP_INSTANCE_ID',
]);

/**
 * `KAFKA_SASL_USERNAME=x` → `sasl.username: x`. librdkafka property names are lower case with
 * dots, so the mapping is mechanical; an unknown one is reported by the client at start.
 */
export function kafkaPassthrough(env: Env): Record<string, string> {
  const props: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('KAFKA_') || notPassedThrough.has(name) || value === undefined) continue;
    props[name.slice('KAFKA_'.length).toLowerCase().replaceAll('_', '.')] = value;
  }
  return props;
}

/** `brokers.0` → `brokers[0] (--brokers / KAFKA_BROKERS)`: the field and where it came from. */
function describe(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  const field = `${head ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
  const source = settingSources[head as SettingName] as
    (typeof settingSources)[SettingName] | undefined;
  return source ? `${field} (${source.flag} / ${source.env})` : field;
}

export function toIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => ({
    path: describe(issue.path),
    message: issue.message,
  }));
}

/** Flags override environment, environment overrides defaults; the result is frozen. */
export function loadConnectionConfig(flags: Flags = {}, env: Env = process.env): ConnectionConfig {
  const raw: Record<string, unknown> = { kafka: kafkaPassthrough(env) };
  for (const name of Object.keys(settingSources) as SettingName[]) {
    raw[name] = flags[name] ?? env[settingSources[name].env] ?? defaults[name];
  }
  const parsed = connectionSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError('flags and environment', toIssues(parsed.error));
  const { redisTlsCa, redisCluster, ...rest } = parsed.data;
  return Object.freeze({
    ...rest,
    brokers: Object.freeze([...parsed.data.brokers]) as string[],
    kafka: Object.freeze({ ...parsed.data.kafka }),
    // Absent, not undefined, for plain redis:// (the defaults are unchanged).
    ...(redisTlsCa ? { redisTlsCa: Object.freeze({ ...redisTlsCa }) } : {}),
    ...(redisCluster
      ? {
          redisCluster: Object.freeze({
            ...redisCluster,
            nodes: Object.freeze(redisCluster.nodes.map((n) => Object.freeze({ ...n }))),
          }),
        }
      : {}),
  });
}
