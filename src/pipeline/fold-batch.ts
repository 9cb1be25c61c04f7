/**
 * One partition-batch folded in memory into everything its commit script writes atomically
 * (docs/architecture.md, Fold in memory, commit once). Pure and deterministic: a batch re-read
 * after a crash yields the same states, deltas and record ids, which is what makes the replay
 * harmless.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { BatchFolder } from './batch-folder.js';
import { assertOnePartitionInOrder } from './batch-order.js';
import type {
  BatchResult,
  Decoded,
  FoldContext,
  FoldInput,
  HeldEvent,
  ParkedEntry,
  SourceRecord,
} from './types.js';

/** @param decoded one partition's records in offset order. */
export function foldBatch(
  decoded: readonly Decoded[],
  input: FoldInput,
  ctx: FoldContext,
): BatchResult {
  const first = decoded[0];
  if (first === undefined) throw new StreamfoldError(ErrorCodes.INTERNAL, 'foldBatch: empty batch');
  assertOnePartitionInOrder(decoded);
  const folder = new BatchFolder(first.record.partition, input, ctx);
  for (const item of decoded) folder.add(item);
  return folder.finish();
}

/**
 * Unparks a key: its held events are applied in their original order, as if they had just been
 * read, and the applied offset stays where it is. Their derived records keep the ids of their
 * source positions, which never derived anything while held.
 */
export function unparkBatch(
  partition: number,
  entry: ParkedEntry | undefined,
  key: string,
  applied: number,
  input: FoldInput,
  ctx: FoldContext,
): BatchResult {
  const folder = new BatchFolder(partition, input, ctx);
  folder.release(key);
  for (const held of entry?.held ?? []) folder.add(heldRecord(ctx.sourceTopic, partition, held));
  return folder.finish(applied);
}

/** Closes every open window of a partition that has been idle for the idle timeout. */
export function idleCloseBatch(
  partition: number,
  applied: number,
  input: FoldInput,
  ctx: FoldContext,
): BatchResult {
  const folder = new BatchFolder(partition, input, ctx);
  folder.closeIdleWindows();
  return folder.finish(applied);
}

function heldRecord(topic: string, partition: number, held: HeldEvent): Decoded {
  const value = JSON.stringify(held.event);
  const record: SourceRecord = {
    topic,
    partition,
    offset: held.offset,
    key: Buffer.from(held.event.orderId),
    value: Buffer.from(value),
    timestamp: held.recordTimestamp,
    headers: {},
  };
  return { ok: true, record, event: held.event };
}
