import type { Admin } from '../src/kafka/index.js';

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
  const offsets = await admin.fetchTopicOffsets(topic);
  // A partition whose leader is not known yet (a topic just made) reports -1.
  const unknown = offsets.filter((o) => Number(o.high) < 0).map((o) => o.partition);
  if (unknown.length > 0) {
    throw new Error(`${topic}: no high watermark yet for partition(s) ${unknown.join(', ')}`);
  }
  return offsets.reduce((sum, o) => sum + Number(o.high), 0);
}
