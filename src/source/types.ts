import type { SourceRecord } from '../pipeline/types.js';

/** What the source does after a batch was handled. */
export type BatchOutcome =
  /** Everything up to `nextOffset - 1` is applied in Redis: commit `nextOffset` to Kafka. */
  | { kind: 'done'; nextOffset: number }
  /** Re-read the partition from `offset` (Redis and the fetch position disagree). */
  | { kind: 'seek'; offset: number }
  /** Nothing to do (e.g. the partition was fenced and is being handed over). */
  | { kind: 'none' };

/**
 * The worker's side of the source. A thrown error is retried: the partition is paused, re-read
 * from the batch's first offset after a backoff, and nothing is skipped.
 */
export interface PartitionHandler {
  /** Newly assigned partitions: returns where to start reading each (Redis applied + 1). */
  assigned(partitions: readonly number[]): Promise<Map<number, number>>;
  /** Partitions taken away (revoked or lost): drop their in-memory work. */
  revoked(partitions: readonly number[]): void;
  handleBatch(partition: number, records: readonly SourceRecord[]): Promise<BatchOutcome>;
}

/** What the source reports as it goes (metrics); every method must be cheap and never throw. */
export interface SourceObserver {
  assigned(partitions: readonly number[], total: number): void;
  revoked(partitions: readonly number[], total: number): void;
  /** A batch arrived: its records and the partition's high watermark at fetch time. */
  fetched(partition: number, records: readonly SourceRecord[], highWatermark: number): void;
  /** Wraps the handling of one batch (in-flight count, size and duration). */
  timeBatch<T>(size: number, handle: () => Promise<T>): Promise<T>;
  retried(partition: number): void;
  /** Periodic high watermarks of owned partitions (from client statistics). */
  highWatermarks(byPartition: ReadonlyMap<number, number>): void;
  /** The Kafka offset commit for `nextOffset` was queued. */
  offsetCommitted(partition: number, nextOffset: number): void;
  /** The first batch committed since the partition was assigned, `seconds` after assignment. */
  handedOver(partition: number, seconds: number): void;
}
