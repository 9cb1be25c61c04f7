import type { ConnectionConfig } from '../config/index.js';

/** librdkafka properties: strings, numbers and booleans only. */
export type RdKafkaProps = Record<string, string | number | boolean>;

/**
 * Properties every streamfold client shares. KAFKA_* passthrough comes last so operators can
 * set security and tuning keys; the properties a client's correctness depends on are set
 * after it by the client factories.
 */
export function commonProps(conn: ConnectionConfig, clientId: string): RdKafkaProps {
  return {
    'bootstrap.servers': conn.brokers.join(','),
    'client.id': clientId,
    ...conn.kafka,
  };
}
