import { z } from 'zod';
import { ConfigError, type ConfigIssue } from '../errors.js';

/**
 * How the worker's consumer takes part in its group: the rebalance protocol and, optionally,
 * static membership. Only `streamfold run` joins a group for good, so these are not connection
 * settings of every command; they are read from their own flags and variables (and kept out of
 * the KAFKA_* passthrough, which reaches every client).
 */
export const groupSettingSources = {
  groupProtocol: { flag: '--group-protocol', env: 'KAFKA_GROUP_PROTOCOL' },
  groupInstanceId: { flag: '--group-instance-id', env: 'KAFKA_GROUP_INSTANCE_ID' },
} as const;

export type GroupSettingName = keyof typeof groupSettingSources;

/**
 * `classic`: the JoinGroup/SyncGroup protocol with the cooperative-sticky assignor (incremental
 * rebalances). `consumer`: KIP-848, the broker computes assignments (Kafka 4.0 and later).
 */
export const groupProtocols = ['classic', 'consumer'] as const;
export type GroupProtocol = (typeof groupProtocols)[number];

export interface GroupConfig {
  readonly protocol: GroupProtocol;
  /** Static membership: a stable id per worker instance (absent: dynamic membership). */
  readonly instanceId?: string;
}

export const defaultGroupConfig: GroupConfig = Object.freeze({ protocol: 'classic' });

/**
 * librdkafka refuses these with `group.protocol=consumer`: the broker owns session and
 * heartbeat timing (`group.consumer.*` broker settings) and the assignor
 * (`group.remote.assignor`). Named here so the error names the variable, not a client property.
 */
export const classicOnlyProperties = [
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'partition.assignment.strategy',
  'group.protocol.type',
] as const;

const toVariable = (property: string): string =>
  `KAFKA_${property.toUpperCase().replaceAll('.', '_')}`;

const groupSchema = z.object({
  groupProtocol: z.enum(groupProtocols, { error: 'expected classic or consumer' }),
  groupInstanceId: z
    .string()
    .regex(
      /^[A-Za-z0-9._-]{1,249}$/,
      '1-249 characters of letters, digits, ".", "_" or "-", unique per worker',
    )
    .optional(),
});

export type GroupFlags = Partial<Record<GroupSettingName, string | undefined>>;

/** Flags override the environment; throws ConfigError naming each bad field and its sources. */
export function loadGroupConfig(
  flags: GroupFlags = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): GroupConfig {
  // An empty value counts as unset (`KAFKA_GROUP_INSTANCE_ID=` in a shared env file).
  const value = (name: GroupSettingName) =>
    (flags[name] ?? env[groupSettingSources[name].env]) || undefined;
  const raw = {
    groupProtocol: value('groupProtocol') ?? defaultGroupConfig.protocol,
    groupInstanceId: value('groupInstanceId'),
  };
  const parsed = groupSchema.safeParse(raw);
  const issues: ConfigIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]) as GroupSettingName;
        const source = groupSettingSources[name];
        return { path: `${name} (${source.flag} / ${source.env})`, message: issue.message };
      });
  if (parsed.success && parsed.data.groupProtocol === 'consumer') {
    for (const property of classicOnlyProperties) {
      const variable = toVariable(property);
      if (env[variable] === undefined) continue;
      issues.push({
        path: variable,
        message: `${property} is not allowed with group protocol "consumer" (the broker sets it; unset ${variable})`,
      });
    }
  }
  if (!parsed.success || issues.length > 0) throw new ConfigError('flags and environment', issues);
  return Object.freeze({
    protocol: parsed.data.groupProtocol,
    ...(parsed.data.groupInstanceId === undefined
      ? {}
      : { instanceId: parsed.data.groupInstanceId }),
  });
}
