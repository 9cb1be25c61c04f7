import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ConnectionConfig } from '../config/index.js';
import { ConfigError, ErrorCodes, StreamfoldError } from '../errors.js';
import type { Logger } from '../logger.js';
import { commonProps, type RdKafkaProps } from './client-config.js';
import { kafkaLogger } from './logger-adapter.js';

const { Kafka } = kafkaJavascript.KafkaJS;

export type Consumer = KafkaJS.Consumer;
export type Producer = KafkaJS.Producer;
export type Admin = KafkaJS.Admin;

export interface ClientOptions {
  clientId: string;
  /** librdkafka properties applied last (tests and tuning). */
  overrides?: RdKafkaProps;
}

/**
 * The `kafkaJS` block carries only the logger. Any kafkaJS block switches the client to
 * KafkaJS-compatible defaults (auto-commit on, auto topic creation on, other fetch sizes), so
 * every property that matters is set explicitly below, where plain properties win.
 */
function kafka(log: Logger) {
  // Brokers come from `bootstrap.servers`; the block's type insists on its own list.
  const kafkaJS = { logger: kafkaLogger(log) } as KafkaJS.KafkaConfig;
  return new Kafka({ kafkaJS });
}

export function createProducer(conn: ConnectionConfig, log: Logger, opts: ClientOptions): Producer {
  return kafka(log).producer({
    ...commonProps(conn, opts.clientId),
    'enable.idempotence': true,
    acks: -1,
    // Java's partitioner: the same key lands on the same partition as a Java producer's.
    partitioner: 'murmur2_random',
    'linger.ms': 1,
    'compression.codec': 'lz4',
    'allow.auto.create.topics': false,
    ...opts.overrides,
  });
}

export interface ConsumerOptions extends ClientOptions {
  groupId: string;
}

export function createConsumer(
  conn: ConnectionConfig,
  log: Logger,
  opts: ConsumerOptions,
): Consumer {
  return kafka(log).consumer({
    ...commonProps(conn, opts.clientId),
    'group.id': opts.groupId,
    // Offsets are committed by hand, only after Redis has applied the batch.
    'enable.auto.commit': false,
    'auto.offset.reset': 'earliest',
    'allow.auto.create.topics': false,
    'partition.assignment.strategy': 'cooperative-sticky',
    'max.partition.fetch.bytes': 1048576,
    'queued.max.messages.kbytes': 16384,
    'max.poll.interval.ms': 300000,
    'js.consumer.max.batch.size': 1000,
    ...opts.overrides,
  });
}

export function createAdmin(conn: ConnectionConfig, log: Logger, opts: ClientOptions): Admin {
  return kafka(log).admin({
    ...commonProps(conn, opts.clientId),
    ...opts.overrides,
  });
}

/** Connects a client; a failure becomes a retriable SF_KAFKA_UNAVAILABLE naming the brokers. */
export async function connectKafka<T extends { connect(): Promise<void> }>(
  client: T,
  conn: ConnectionConfig,
  what: string,
): Promise<T> {
  try {
    await client.connect();
    return client;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // librdkafka rejects a bad property only when the client starts: name the variable.
    const property = /configuration property:? "([^"]+)"/.exec(reason)?.[1];
    if (property !== undefined && property in conn.kafka) {
      const variable = `KAFKA_${property.toUpperCase().replaceAll('.', '_')}`;
      throw new ConfigError('environment', [{ path: variable, message: reason }]);
    }
    throw new StreamfoldError(
      ErrorCodes.KAFKA_UNAVAILABLE,
      `${what} could not connect to Kafka at ${conn.brokers.join(',')}: ${reason}`,
      { cause },
    );
  }
}
