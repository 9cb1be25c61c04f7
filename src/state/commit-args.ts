/**
 * A batch as the commit script's arguments (lua/commit-batch-11.lua): one operation per hash and
 * kind of write, in the order they must happen (window increments before the closed windows'
 * fields are deleted).
 */
import { ClockFields, windowField, type BatchResult } from '../pipeline/index.js';
import { COMMIT_HASHES, type CommitHash } from './keys.js';
import type { ScriptArg } from './script-loader.js';

/** KEYS index of a hash: the script receives epoch, applied and outbox first. */
function hashIndex(hash: CommitHash): number {
  return 4 + COMMIT_HASHES.indexOf(hash);
}

class Operations {
  readonly args: ScriptArg[] = [];
  count = 0;

  add(op: 'H' | 'I' | 'D', hash: CommitHash, items: ScriptArg[], width: 1 | 2): void {
    if (items.length === 0) return;
    this.args.push(op, hashIndex(hash), items.length / width, ...items);
    this.count += 1;
  }
}

export function commitOperations(batch: BatchResult): { count: number; args: ScriptArg[] } {
  const ops = new Operations();
  const states: ScriptArg[] = [];
  for (const [key, state] of batch.states) states.push(key, JSON.stringify(state));
  ops.add('H', 'states', states, 2);
  ops.add('I', 'totals', [...batch.totalsDelta].flat(), 2);
  const aggregates: ScriptArg[] = [];
  for (const [field, state] of batch.aggregates) aggregates.push(field, JSON.stringify(state));
  ops.add('H', 'aggregates', aggregates, 2);

  const windows = batch.windows;
  if (windows !== undefined) {
    ops.add('I', 'windowsOpen', [...windows.increments].flat(), 2);
    const closedFields: string[] = [];
    const closed: ScriptArg[] = [];
    for (const result of windows.closed) {
      const field = windowField(result.size, result.start);
      for (const currency of Object.keys(result.totals)) closedFields.push(`${field}|${currency}`);
      closed.push(field, JSON.stringify(result));
    }
    ops.add('D', 'windowsOpen', closedFields, 1);
    ops.add('H', 'windowsClosed', closed, 2);
    const clock: ScriptArg[] = [];
    const { watermark, frontiers } = windows.next;
    if (watermark !== null) clock.push(ClockFields.watermark, watermark);
    for (const [label, frontier] of frontiers) clock.push(ClockFields.frontier(label), frontier);
    if (windows.idleClosedAt !== undefined)
      clock.push(ClockFields.idleClose(windows.idleClosedAt), 1);
    ops.add('H', 'clock', clock, 2);
  }

  const parked: ScriptArg[] = [];
  for (const [key, entry] of batch.parked.changed) parked.push(key, JSON.stringify(entry));
  ops.add('H', 'parked', parked, 2);
  ops.add('D', 'parked', batch.parked.removed, 1);
  ops.add('D', 'unpark', batch.unparked, 1);
  const unparkedAt = batch.unparkedAt;
  if (unparkedAt !== undefined) {
    ops.add(
      'H',
      'clock',
      batch.parked.removed.flatMap((key) => [ClockFields.unpark(unparkedAt, key), 1]),
      2,
    );
  }
  return { count: ops.count, args: ops.args };
}
