import type { Admin } from '../kafka/index.js';

/**
 * The member owning each partition of `topic`, as `clientId@host`. A group that does not
 * exist, or is empty or rebalancing, owns nothing.
 */
export async function partitionOwners(
  admin: Admin,
  group: string,
  topic: string,
): Promise<Map<number, string>> {
  const { groups } = await admin.describeGroups([group], { timeout: 10_000 });
  const owners = new Map<number, string>();
  for (const g of groups) {
    if (g.groupId !== group || g.error) continue;
    for (const member of g.members) {
      // The broker reports the host as `/address`.
      const host = member.clientHost.replace(/^\//, '');
      for (const tp of member.assignment?.topicPartitions ?? []) {
        if (tp.topic === topic) owners.set(tp.partition, `${member.clientId}@${host}`);
      }
    }
  }
  return owners;
}
