import type { Admin } from '../src/kafka/index.js';
import { topicRanges } from '../src/kafka/read-topic.js';

/** Output topics stamped by the broker on append: a derived record's time is when it landed. */
export const LOG_APPEND_TIME = [{ name: 'message.timestamp.type', value: 'LogAppendTime' }];

export async function createTopics(
  admin: Admin,
  partitions: number,
  names: readonly string[],
  configEntries: { name: string; value: string }[] = [],
): Promise<void> {
  await admin.createTopics({
    topics: names.map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor: 1,
      configEntries,
    })),
  });
}

/** Deletes what exists of `names`; benchmark topics are disposable. */
export async function deleteTopics(admin: Admin, names: readonly string[]): Promise<void> {
  const present = new Set(await admin.listTopics());
  const doomed = names.filter((n) => present.has(n));
  if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
}

/** Sum of the high watermarks: how many records a fresh topic holds. */
export async function topicSize(admin: Admin, topic: string): Promise<number> {
  const ranges = await topicRanges(admin, topic);
  // A partition whose leader is not known yet (a topic just made) reports -1.
  const unknown = ranges.filter((r) => r.high < 0).map((r) => r.partition);
  if (unknown.length > 0) {
    throw new Error(`${topic}: no high watermark yet for partition(s) ${unknown.join(', ')}`);
  }
  return ranges.reduce((sum, r) => sum + r.high, 0);
}

/** Records behind a set of per-partition next offsets: their sum. */
export function offsetTotal(offsets: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const offset of offsets.values()) total += offset;
  return total;
}
