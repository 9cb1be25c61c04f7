import type { Admin } from '../kafka/index.js';

/** The group's committed offset per partition of `topic`; partitions without one are left out. */
export async function committedOffsets(
  admin: Admin,
  group: string,
  topic: string,
): Promise<Map<number, number>> {
  const topics = await admin.fetchOffsets({ groupId: group, topics: [topic], timeout: 10_000 });
  const committed = new Map<number, number>();
  for (const t of topics) {
    if (t.topic !== topic) continue;
    for (const p of t.partitions) {
      const offset = Number(p.offset);
      // The client reports "no committed offset" as -1.
      if (p.error == null && offset >= 0) committed.set(p.partition, offset);
    }
  }
  return committed;
}
