import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ConnectionConfig, GroupConfig } from '../config/index.js';
import { ConfigError, ErrorCodes, StreamfoldError } from '../errors.js';
import type { Logger } from '../logger.js';
import { commonProps, groupProps, type RdKafkaProps } from './client-config.js';
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
function kafka(log: Logger, seen: SecuritySeen, onFatal?: (message: string) => void) {
  // Brokers come from `bootstrap.servers`; the block's type insists on its own list.
  const kafkaJS = {
    logger: kafkaLogger(log, (message) => {
      seen.failure = securityFailure(message) ?? seen.failure;
      if (onFatal && isFatal(message)) onFatal(message);
    }),
  } as KafkaJS.KafkaConfig;
  return new Kafka({ kafkaJS });
}

/**
 * librdkafka's fatal error: the client instance can never work again (e.g. another member
 * took over this static member's `group.instance.id`). The client only logs it and retries.
 */
export function isFatal(message: string): boolean {
  return /Local: Fatal error|ERR__FATAL/.test(message);
}

/** The last authentication or TLS failure librdkafka logged for one client. */
interface SecuritySeen {
  failure?: string;
}

const securityFailures = new WeakMap<object, SecuritySeen>();

function remember<T extends object>(client: T, seen: SecuritySeen): T {
  securityFailures.set(client, seen);
  return client;
}

/**
 * A librdkafka log line that says why no broker connection can work (bad credentials, an
 * untrusted certificate), as a short reason; undefined for any other line. librdkafka only
 * logs these and retries, so the request that finally fails reports a bare transport failure.
 */
export function securityFailure(message: string): string | undefined {
  // "[thrd:…]: sasl_ssl://host:port/bootstrap: <reason> (after 309ms in state AUTH_REQ)"
  const reason = message
    .replace(/^\[thrd:[^\]]*\]:\s*/, '')
    .replace(/^[a-z_]+:\/\/\S+:\s*/i, '')
    .replace(/\s*\(after \d+ms in state [^)]*\)\s*$/, '');
  if (/SASL authentication error|Authentication failed|SASL_AUTHENTICATION_FAILED/i.test(reason)) {
    return `authentication failed (SASL): ${reason}`;
  }
  if (/SSL handshake failed|certificate verify failed|ssl\.ca\.location/i.test(reason)) {
    return `TLS handshake failed: ${reason}`;
  }
  return undefined;
}

export function createProducer(conn: ConnectionConfig, log: Logger, opts: ClientOptions): Producer {
  const seen: SecuritySeen = {};
  return remember(
    kafka(log, seen).producer({
      ...commonProps(conn, opts.clientId, 'producer'),
      'enable.idempotence': true,
      acks: -1,
      // Java's partitioner: the same key lands on the same partition as a Java producer's.
      partitioner: 'murmur2_random',
      'linger.ms': 1,
      'compression.codec': 'lz4',
      'allow.auto.create.topics': false,
      ...opts.overrides,
    }),
    seen,
  );
}

export interface ConsumerOptions extends ClientOptions {
  groupId: string;
  /** Rebalance protocol and static membership (default: classic, cooperative-sticky). */
  group?: GroupConfig;
  /** Called with the log line when the client reports a fatal error (it is unusable then). */
  onFatal?: (message: string) => void;
}

export function createConsumer(
  conn: ConnectionConfig,
  log: Logger,
  opts: ConsumerOptions,
): Consumer {
  const seen: SecuritySeen = {};
  return remember(
    kafka(log, seen, opts.onFatal).consumer({
      ...commonProps(conn, opts.clientId),
      'group.id': opts.groupId,
      // Offsets are committed by hand, only after Redis has applied the batch.
      'enable.auto.commit': false,
      'auto.offset.reset': 'earliest',
      'allow.auto.create.topics': false,
      ...groupProps(opts.group),
      'max.partition.fetch.bytes': 1048576,
      'queued.max.messages.kbytes': 16384,
      'max.poll.interval.ms': 300000,
      'js.consumer.max.batch.size': 1000,
      ...opts.overrides,
    }),
    seen,
  );
}

export function createAdmin(conn: ConnectionConfig, log: Logger, opts: ClientOptions): Admin {
  const seen: SecuritySeen = {};
  return remember(
    kafka(log, seen).admin({
      ...commonProps(conn, opts.clientId, 'admin'),
      ...opts.overrides,
    }),
    seen,
  );
}

/**
 * Connects a client; a failure becomes a retriable SF_KAFKA_UNAVAILABLE naming the brokers. An
 * admin client's connect does not reach a broker, so a metadata request proves it can. When
 * librdkafka logged an authentication or TLS failure, that is the reason given (not retriable:
 * retrying the same credentials or CA cannot help).
 */
export async function connectKafka<T extends { connect(): Promise<void> }>(
  client: T,
  conn: ConnectionConfig,
  what: string,
): Promise<T> {
  try {
    await client.connect();
    const probe = client as Partial<Pick<Admin, 'listTopics' | 'disconnect'>>;
    if (typeof probe.listTopics === 'function') {
      try {
        await probe.listTopics();
      } catch (error) {
        await probe.disconnect?.().catch(() => undefined);
        throw error;
      }
    }
    return client;
  } catch (cause) {
    const security = securityFailures.get(client)?.failure;
    if (security !== undefined) {
      throw new StreamfoldError(
        ErrorCodes.KAFKA_UNAVAILABLE,
        `${what} could not connect to Kafka at ${conn.brokers.join(',')}: ${security}`,
        { cause, retriable: false },
      );
    }
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
