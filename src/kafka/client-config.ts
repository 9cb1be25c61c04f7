import type { ConnectionConfig, GroupConfig } from '../config/index.js';

/** librdkafka properties: strings, numbers and booleans only. */
export type RdKafkaProps = Record<string, string | number | boolean>;

/**
 * Properties every streamfold client shares. KAFKA_* passthrough comes last so operators can
 * set security and tuning keys; the properties a client's correctness depends on are set
 * after it by the client factories.
 */
export function commonProps(
  conn: ConnectionConfig,
  clientId: string,
  role: 'consumer' | 'producer' | 'admin' = 'consumer',
): RdKafkaProps {
  const passthrough =
    role === 'consumer'
      ? conn.kafka
      : Object.fromEntries(Object.entries(conn.kafka).filter(([k]) => !GROUP_ONLY.has(k)));
  return {
    'bootstrap.servers': conn.brokers.join(','),
    'client.id': clientId,
    ...passthrough,
  };
}

/**
 * Group membership properties: a producer or an admin client ignores them with a warning at
 * every start, so the passthrough gives them to consumers only.
 */
const GROUP_ONLY = new Set([
  'session.timeout.ms',
  'heartbeat.interval.ms',
  'partition.assignment.strategy',
  'group.protocol.type',
  'group.remote.assignor',
  'max.poll.interval.ms',
  'coordinator.query.interval.ms',
]);

/**
 * The group membership properties of a consumer, per rebalance protocol. Both are incremental:
 * `classic` with the cooperative-sticky assignor, `consumer` (KIP-848) always. librdkafka
 * refuses the classic assignor, session and heartbeat properties with `consumer` (the broker
 * owns them), so they are set only for `classic`; session and heartbeat stay at librdkafka's
 * defaults unless KAFKA_* passthrough sets them (config validation refuses that for `consumer`).
 */
export function groupProps(group: GroupConfig = { protocol: 'classic' }): RdKafkaProps {
  return {
    'group.protocol': group.protocol,
    ...(group.protocol === 'classic'
      ? { 'partition.assignment.strategy': 'cooperative-sticky' }
      : {}),
    ...(group.instanceId === undefined ? {} : { 'group.instance.id': group.instanceId }),
  };
}
