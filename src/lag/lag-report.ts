import { partitionLag } from '../metrics/partition-lag.js';
import type { LagReport, LagRow } from './types.js';

/** A source partition's offsets when the lag was measured. */
export interface PartitionOffsets {
  readonly partition: number;
  /** The first offset still in the log (retention may have deleted earlier ones). */
  readonly low: number;
  readonly high: number;
}

/** Everything the report is computed from, gathered from Kafka, Redis and the group. */
export interface LagInputs {
  readonly topology: string;
  readonly topic: string;
  readonly group: string;
  readonly offsets: readonly PartitionOffsets[];
  /** Committed offset per partition; partitions without one are absent. */
  readonly committed: ReadonlyMap<number, number>;
  /** Last applied offset per partition; -1 or absent: nothing applied. */
  readonly applied: ReadonlyMap<number, number>;
  /** Broker timestamp (epoch ms) of each partition's first unapplied record, where read. */
  readonly firstUnappliedTimestamps: ReadonlyMap<number, number>;
  /** Owning member per partition; unowned partitions are absent. */
  readonly owners: ReadonlyMap<number, string>;
  readonly nowMs: number;
}

/**
 * The offset whose record dates a partition's time lag, or undefined when caught up. Past
 * `low` only: a record deleted by retention can no longer be read, the next one is the oldest.
 */
export function firstUnappliedOffset(
  offsets: PartitionOffsets,
  appliedOffset: number,
): number | undefined {
  const next = Math.max(appliedOffset + 1, offsets.low);
  return next < offsets.high ? next : undefined;
}

/** The lag table, measured against Redis exactly as the `streamfold_consumer_lag` gauges are. */
export function buildLagReport(input: LagInputs): LagReport {
  const partitions: LagRow[] = [...input.offsets]
    .sort((a, b) => a.partition - b.partition)
    .map((o) => {
      const appliedOffset = input.applied.get(o.partition) ?? -1;
      const timestamp = input.firstUnappliedTimestamps.get(o.partition);
      const lag = partitionLag({
        highWatermark: o.high,
        appliedOffset,
        oldestUnprocessedTimestampMs: timestamp,
        nowMs: input.nowMs,
      });
      // Unknown age is not "caught up": say so rather than print a reassuring 0.
      const lagSeconds =
        lag.messages > 0 && timestamp === undefined ? null : Math.round(lag.seconds * 1000) / 1000;
      return {
        partition: o.partition,
        committed: input.committed.get(o.partition) ?? null,
        applied: appliedOffset >= 0 ? appliedOffset + 1 : null,
        highWatermark: o.high,
        lag: lag.messages,
        lagSeconds,
        owner: input.owners.get(o.partition) ?? null,
      };
    });
  return {
    topology: input.topology,
    topic: input.topic,
    group: input.group,
    partitions,
    totalLag: partitions.reduce((sum, row) => sum + row.lag, 0),
  };
}
