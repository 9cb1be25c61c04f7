export interface PartitionLagInput {
  /** Kafka's high watermark: the offset the next record written will get. */
  readonly highWatermark: number;
  /** The last offset Redis has applied; -1 before any. */
  readonly appliedOffset: number;
  /** When the oldest record not yet applied was written (ms since the epoch), if known. */
  readonly oldestUnprocessedTimestampMs?: number | undefined;
  readonly nowMs: number;
}

export interface PartitionLag {
  /** Records written but not yet applied in Redis. */
  readonly messages: number;
  /** Age of the oldest of those records; 0 when there are none. */
  readonly seconds: number;
}

/**
 * Lag measured against what Redis has applied, not against the Kafka committed offset: the
 * committed offset may trail (commits are queued, not acknowledged) and is only a hint.
 */
export function partitionLag(input: PartitionLagInput): PartitionLag {
  const messages = Math.max(0, input.highWatermark - (input.appliedOffset + 1));
  if (messages === 0 || input.oldestUnprocessedTimestampMs === undefined) {
    return { messages, seconds: 0 };
  }
  const seconds = Math.max(0, (input.nowMs - input.oldestUnprocessedTimestampMs) / 1000);
  return { messages, seconds };
}
