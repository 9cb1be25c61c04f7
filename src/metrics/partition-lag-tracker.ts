import { partitionLag, type PartitionLag } from './partition-lag.js';

/**
 * What the worker knows about one owned partition; every field but the identity is optional.
 * The tracker uses the offsets and timestamps for lag; `committedOffset` only feeds its gauge.
 */
export interface PartitionProgress {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  /** From the fetched batch (`batch.highWatermark`): offset of the next record written. */
  readonly highWatermark?: number;
  /** Redis's applied offset: the fence's on assignment, the batch's last after a commit. */
  readonly appliedOffset?: number;
  /** The offset committed to Kafka (the next offset to read). */
  readonly committedOffset?: number;
  /** The first record of a fetched batch that Redis has not applied yet. */
  readonly oldestUnprocessed?: { readonly offset: number; readonly timestampMs: number };
}

export interface PartitionLagSample extends PartitionLag {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
}

interface PartitionState {
  group: string;
  topic: string;
  partition: number;
  highWatermark?: number;
  appliedOffset?: number;
  oldestUnprocessed?: { offset: number; timestampMs: number };
  /** When lag was first seen with no fetched record to date it (a lower bound on its age). */
  behindSinceMs?: number;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Per-partition progress of the partitions this worker owns, turned into lag on demand, so that
 * the time lag of a stuck partition keeps growing between batches instead of freezing at the
 * value of its last batch.
 */
export class PartitionLagTracker {
  private readonly partitions = new Map<string, PartitionState>();

  /** Merges `progress` into what is known; returns the group the partition had before, if any. */
  update(progress: PartitionProgress, nowMs: number): string | undefined {
    const key = keyOf(progress.topic, progress.partition);
    const previous = this.partitions.get(key);
    const { group, topic, partition } = progress;
    const state: PartitionState = { ...previous, group, topic, partition };
    if (progress.highWatermark !== undefined) state.highWatermark = progress.highWatermark;
    if (progress.appliedOffset !== undefined) state.appliedOffset = progress.appliedOffset;
    if (progress.oldestUnprocessed !== undefined) {
      state.oldestUnprocessed = { ...progress.oldestUnprocessed };
    }
    const lag = this.lagOf(state, nowMs);
    if (lag?.messages === 0) {
      delete state.behindSinceMs;
      delete state.oldestUnprocessed;
    } else if (lag !== undefined) {
      state.behindSinceMs ??= nowMs;
    }
    this.partitions.set(key, state);
    return previous?.group;
  }

  /** Forgets a partition; returns its group so the caller can drop the labelled series. */
  remove(topic: string, partition: number): string | undefined {
    const key = keyOf(topic, partition);
    const group = this.partitions.get(key)?.group;
    this.partitions.delete(key);
    return group;
  }

  /** Lag of every partition whose high watermark and applied offset are both known. */
  lags(nowMs: number): PartitionLagSample[] {
    const samples: PartitionLagSample[] = [];
    for (const state of this.partitions.values()) {
      const lag = this.lagOf(state, nowMs);
      if (lag === undefined) continue;
      const { group, topic, partition } = state;
      samples.push({ group, topic, partition, ...lag });
    }
    return samples;
  }

  get size(): number {
    return this.partitions.size;
  }

  /**
   * A fetched record that Redis has since applied still dates the backlog: the next record was
   * written no earlier, so its age is an upper bound until the next fetch refreshes it. Without
   * it, a deep backlog would read as ~0 s in the gap between a commit and the next batch.
   */
  private lagOf(state: PartitionState, nowMs: number): PartitionLag | undefined {
    if (state.highWatermark === undefined || state.appliedOffset === undefined) return undefined;
    return partitionLag({
      highWatermark: state.highWatermark,
      appliedOffset: state.appliedOffset,
      oldestUnprocessedTimestampMs: state.oldestUnprocessed?.timestampMs ?? state.behindSinceMs,
      nowMs,
    });
  }
}
