import { randomBytes } from 'node:crypto';
import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ConnectionConfig } from '../config/index.js';
import { connectKafka, createConsumer, type Admin } from '../kafka/index.js';
import type { Logger } from '../logger.js';

export interface RecordTimestampsOptions {
  /** Offset whose record to date, per partition. */
  readonly wanted: ReadonlyMap<number, number>;
  /** High watermark per partition: where partitions not wanted start, so they fetch nothing. */
  readonly ends: ReadonlyMap<number, number>;
  /** Partitions not dated by then are left out: lag must answer even on a slow cluster. */
  readonly timeoutMs: number;
}

type Assignment = KafkaJS.TopicPartition[];

const { ErrorCodes } = kafkaJavascript.KafkaJS;

/**
 * The broker timestamp of one record per partition, read by a throwaway consumer in its own
 * group that starts each partition at the wanted offset, commits nothing and is deleted after.
 */
export async function recordTimestamps(
  conn: ConnectionConfig,
  log: Logger,
  admin: Admin,
  topic: string,
  opts: RecordTimestampsOptions,
): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (opts.wanted.size === 0) return found;
  const id = `streamfold-lag-${randomBytes(6).toString('hex')}`;
  const startAt = (partition: number) => opts.wanted.get(partition) ?? opts.ends.get(partition);
  const consumer = createConsumer(conn, log, {
    clientId: id,
    groupId: id,
    overrides: {
      'enable.auto.commit': false,
      // Numeric offsets in the returned assignment are where each partition starts.
      rebalance_cb: ((err: { code: number }, assignment: Assignment) =>
        Promise.resolve(
          err.code !== ErrorCodes.ERR__ASSIGN_PARTITIONS
            ? undefined
            : assignment.map((tp) => {
                const offset = tp.topic === topic ? startAt(tp.partition) : undefined;
                return offset === undefined ? tp : { ...tp, offset };
              }),
        )) as unknown as boolean,
    },
  });
  try {
    await connectKafka(consumer, conn, 'lag reader');
    await consumer.subscribe({ topics: [topic] });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.timeoutMs);
      consumer
        .run({
          eachBatch: ({ batch }) => {
            const target = opts.wanted.get(batch.partition);
            // The first record at or past the target: a gap (compaction) may hide the target.
            const m = batch.messages.find(
              (msg) => target !== undefined && Number(msg.offset) >= target,
            );
            if (m !== undefined && !found.has(batch.partition)) {
              found.set(batch.partition, Number(m.timestamp));
              if (found.size === opts.wanted.size) {
                clearTimeout(timer);
                resolve();
              }
            }
            return Promise.resolve();
          },
        })
        .catch((err: unknown) => {
          log.warn({ err }, 'lag reader failed; record ages left unknown');
          clearTimeout(timer);
          resolve();
        });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([id]).catch(() => undefined);
  }
  return found;
}
