/**
 * A program's batch as the commit script's arguments (lua/commit-batch-11.lua): one operation per
 * hash and kind of write, in the order they must happen (a closed window's open fields go before
 * its result is kept).
 */
import { encodeState, type ProgramBatch, type StateShape } from '../pipeline/program/index.js';
import { COMMIT_HASHES, type CommitHash } from './keys.js';
import { ProgramFields } from './program-fields.js';
import type { ScriptArg } from './script-loader.js';

function hashIndex(hash: CommitHash): number {
  return 4 + COMMIT_HASHES.indexOf(hash);
}

class Operations {
  readonly args: ScriptArg[] = [];
  count = 0;

  add(op: 'H' | 'D', hash: CommitHash, items: ScriptArg[], width: 1 | 2): void {
    if (items.length === 0) return;
    this.args.push(op, hashIndex(hash), items.length / width, ...items);
    this.count += 1;
  }
}

export function programCommitOperations(
  batch: ProgramBatch,
  shape: StateShape,
): { count: number; args: ScriptArg[] } {
  const ops = new Operations();
  const states: ScriptArg[] = [];
  for (const [key, state] of batch.states) states.push(key, encodeState(shape, state));
  ops.add('H', 'states', states, 2);
  const partials: ScriptArg[] = [];
  for (const [field, partial] of batch.partials) partials.push(field, JSON.stringify(partial));
  ops.add('H', 'aggregates', partials, 2);

  const windows = batch.windows;
  if (windows !== undefined) {
    const open: ScriptArg[] = [];
    for (const [field, partial] of windows.written) open.push(field, JSON.stringify(partial));
    ops.add('H', 'windowsOpen', open, 2);
    const gone: string[] = [];
    const closed: ScriptArg[] = [];
    for (const result of windows.closed) {
      for (const group of Object.keys(result.groups)) {
        gone.push(ProgramFields.openWindow(result.aggregate, result.size, result.start, group));
      }
      closed.push(
        ProgramFields.closedWindow(result.aggregate, result.size, result.start),
        JSON.stringify(result),
      );
    }
    ops.add('D', 'windowsOpen', gone, 1);
    ops.add('H', 'windowsClosed', closed, 2);
    const clock: ScriptArg[] = [];
    const { watermark, frontiers } = windows.next;
    if (watermark !== null) clock.push(ProgramFields.watermark, watermark);
    for (const [field, frontier] of frontiers)
      clock.push(`${ProgramFields.frontierPrefix}${field}`, frontier);
    if (windows.idleClosedAt !== undefined)
      clock.push(ProgramFields.idleClose(windows.idleClosedAt), 1);
    ops.add('H', 'clock', clock, 2);
  }

  const parked: ScriptArg[] = [];
  for (const [key, entry] of batch.parked.changed) parked.push(key, JSON.stringify(entry));
  ops.add('H', 'parked', parked, 2);
  ops.add('D', 'parked', batch.parked.removed, 1);
  ops.add('D', 'unpark', [...batch.unparked], 1);
  const unparkedAt = batch.unparkedAt;
  if (unparkedAt !== undefined) {
    ops.add(
      'H',
      'clock',
      batch.parked.removed.flatMap((key) => [ProgramFields.unpark(unparkedAt, key), 1]),
      2,
    );
  }
  return { count: ops.count, args: ops.args };
}
