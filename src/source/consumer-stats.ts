/**
 * librdkafka's statistics (`statistics.interval.ms`) as far as the worker uses them: the high
 * watermark of every partition the consumer knows, refreshed even while a partition is paused
 * or stalled, when no batch arrives to carry it.
 */
interface RawStats {
  topics?: Record<string, { partitions?: Record<string, { hi_offset?: number }> }>;
}

/** High watermark per partition of `topic`; unknown (-1) and the internal "-1" partition skipped. */
export function highWatermarksFromStats(payload: unknown, topic: string): Map<number, number> {
  const text =
    typeof payload === 'string'
      ? payload
      : typeof payload === 'object' && payload !== null && 'message' in payload
        ? String(payload.message)
        : '';
  const result = new Map<number, number>();
  let stats: RawStats;
  try {
    stats = JSON.parse(text) as RawStats;
  } catch {
    return result;
  }
  for (const [id, p] of Object.entries(stats.topics?.[topic]?.partitions ?? {})) {
    const partition = Number(id);
    if (partition < 0 || typeof p.hi_offset !== 'number' || p.hi_offset < 0) continue;
    result.set(partition, p.hi_offset);
  }
  return result;
}
