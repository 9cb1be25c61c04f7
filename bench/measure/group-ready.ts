import { setTimeout as sleep } from 'node:timers/promises';
import type { Admin } from '../../src/kafka/index.js';

/** librdkafka's ConsumerGroupStates.STABLE. */
const STABLE = 3;

/** Waits until the group is stable with at least one member: the contender owns the input. */
export async function waitForStableGroup(
  admin: Admin,
  group: string,
  timeoutMs: number,
  alive: () => boolean,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!alive()) throw new Error(`the process of group ${group} exited before joining`);
    const { groups } = await admin.describeGroups([group]);
    const g = groups[0];
    if (g && Number(g.state) === STABLE && g.members.length > 0) return;
    await sleep(200);
  }
  throw new Error(`group ${group} was not stable within ${timeoutMs / 1000} s`);
}
