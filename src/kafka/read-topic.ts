import { randomBytes } from 'node:crypto';
import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { ConnectionConfig } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { Logger } from '../logger.js';
import { connectKafka, createAdmin, createConsumer, type Admin } from './clients.js';
import { headersAsText } from './header-text.js';

const ASSIGN_PARTITIONS = kafkaJavascript.KafkaJS.ErrorCodes.ERR__ASSIGN_PARTITIONS;

export interface TopicRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Header values as UTF-8 text; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** Broker timestamp, epoch ms. */
  timestamp: number;
}

/** Where a partition stood when the read began: records at offsets `low` ≤ o < `high`. */
export interface PartitionRange {
  partition: number;
  low: number;
  /** The high watermark: the offset the next record will get, not the last record's. */
  high: number;
}

export interface ReadTopicOptions {
  /** Called for every record, in offset order within each partition. */
  onRecord?(record: TopicRecord): void;
  /** Called per fetched batch of one partition, in offset order; the read waits for it. */
  onBatch?(partition: number, records: TopicRecord[]): Promise<void>;
  /** First offset to read per partition (default: the earliest). */
  start?: ReadonlyMap<number, number>;
  /**
   * Offset to stop before per partition (default: the high watermark when the read begins). When
   * given, partitions it leaves out are not read.
   */
  end?: ReadonlyMap<number, number>;
  /** The whole read fails after this long. */
  timeoutMs?: number;
}

export interface ReadTopicResult {
  topic: string;
  partitions: PartitionRange[];
  records: number;
}

/** Each partition's offsets now, ascending by partition; a missing topic is SF_TOPIC_MISSING. */
export async function topicRanges(admin: Admin, topic: string): Promise<PartitionRange[]> {
  let offsets: Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
  try {
    offsets = await admin.fetchTopicOffsets(topic);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StreamfoldError(ErrorCodes.TOPIC_MISSING, `cannot read topic ${topic}: ${reason}`, {
      cause,
    });
  }
  return offsets
    .map((o) => ({ partition: o.partition, low: Number(o.low), high: Number(o.high) }))
    .sort((a, b) => a.partition - b.partition);
}

/**
 * Reads a topic from its earliest offset up to the high watermarks captured when the read
 * begins, so records produced meanwhile never move the goalposts. A fresh group that commits
 * nothing gets every partition and leaves no trace in anyone's offsets.
 */
export async function readTopic(
  conn: ConnectionConfig,
  log: Logger,
  topic: string,
  opts: ReadTopicOptions,
): Promise<ReadTopicResult> {
  const id = `streamfold-read-${randomBytes(6).toString('hex')}`;
  const admin = await connectKafka(createAdmin(conn, log, { clientId: id }), conn, 'topic reader');
  try {
    const partitions = await topicRanges(admin, topic);
    const first = (p: PartitionRange): number => Math.max(p.low, opts.start?.get(p.partition) ?? 0);
    const last = (p: PartitionRange): number =>
      Math.min(p.high, opts.end === undefined ? p.high : (opts.end.get(p.partition) ?? 0));
    // Next offset to deliver per unfinished partition; empty ones are finished before we start.
    const next = new Map(
      partitions.filter((p) => last(p) > first(p)).map((p) => [p.partition, first(p)]),
    );
    const high = new Map(partitions.map((p) => [p.partition, last(p)]));
    const timeoutMs = opts.timeoutMs ?? 60_000;
    let records = 0;
    if (next.size > 0) {
      const consumer = createConsumer(conn, log, {
        clientId: id,
        groupId: id,
        overrides: {
          'auto.offset.reset': 'earliest',
          'enable.auto.commit': false,
          'js.consumer.max.batch.size': 5000,
          // Awaited by the client before it applies the assignment: start where asked.
          rebalance_cb: ((err: { code: number }, assignment: { partition: number }[]) =>
            err.code === ASSIGN_PARTITIONS
              ? assignment.map((tp) => {
                  const start = next.get(tp.partition);
                  return start === undefined ? tp : { ...tp, offset: start };
                })
              : undefined) as unknown as boolean,
        },
      });
      try {
        await connectKafka(consumer, conn, 'topic reader');
        await consumer.subscribe({ topics: [topic] });
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            const behind = [...next].map(([p, o]) => `${p}@${o}/${high.get(p)}`).join(', ');
            reject(
              new StreamfoldError(
                ErrorCodes.KAFKA_TIMEOUT,
                `reading ${topic} timed out after ${timeoutMs} ms; partitions not finished (partition@next/high): ${behind}`,
              ),
            );
          }, timeoutMs);
          const finish = (error?: unknown): void => {
            clearTimeout(timer);
            if (error === undefined) resolve();
            else
              reject(
                error instanceof Error
                  ? error
                  : new StreamfoldError(ErrorCodes.KAFKA_UNAVAILABLE, 'reading the topic failed', {
                      cause: error,
                    }),
              );
          };
          consumer
            .run({
              eachBatch: async ({ batch }) => {
                const p = batch.partition;
                const delivered: TopicRecord[] = [];
                try {
                  for (const m of batch.messages) {
                    const offset = Number(m.offset);
                    const expected = next.get(p);
                    // Past the captured watermark, or delivered again after a seek: skip.
                    if (expected === undefined || offset < expected) continue;
                    const end = high.get(p) ?? 0;
                    if (offset >= end) {
                      // A gap (compaction, a transaction marker) may hide `end - 1` itself.
                      next.delete(p);
                      break;
                    }
                    records += 1;
                    const record: TopicRecord = {
                      partition: p,
                      offset,
                      key: m.key ?? null,
                      value: m.value ?? null,
                      headers: headersAsText(m.headers),
                      timestamp: Number(m.timestamp),
                    };
                    opts.onRecord?.(record);
                    if (opts.onBatch) delivered.push(record);
                    if (offset + 1 >= end) next.delete(p);
                    else next.set(p, offset + 1);
                  }
                  if (opts.onBatch && delivered.length > 0) await opts.onBatch(p, delivered);
                  if (next.size === 0) finish();
                } catch (error) {
                  // Throwing here would make the client redeliver the batch forever.
                  finish(error);
                }
              },
            })
            .catch(finish);
        });
      } finally {
        await consumer.disconnect().catch(() => undefined);
        await admin.deleteGroups([id]).catch(() => undefined);
      }
    }
    return { topic, partitions, records };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
