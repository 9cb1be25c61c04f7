/**
 * The three batches a partition commits, over a program: records read from Kafka, a parked key's
 * held events released by `unpark`, and an idle close of the partition's windows.
 */
import { assertOnePartitionInOrder } from '../batch-order.js';
import type { SourceRecord } from '../types.js';
import { ProgramBatchFolder } from './batch-fold.js';
import type {
  ProgramBatchInput,
  ProgramBatchOutcome,
  ProgramFoldContext,
  ProgramHeldEvent,
  ProgramParkedEntry,
} from './batch-types.js';
import type { ProgramDecoded } from './decode-event.js';

/** @param decoded one partition's records in offset order (at least one). */
export function foldProgramBatch(
  decoded: readonly ProgramDecoded[],
  input: ProgramBatchInput,
  ctx: ProgramFoldContext,
): ProgramBatchOutcome {
  assertOnePartitionInOrder(decoded);
  const partition = decoded[0]?.record.partition ?? 0;
  const folder = new ProgramBatchFolder(partition, input, ctx);
  for (const item of decoded) folder.add(item);
  return folder.finish();
}

/**
 * Unparks a key: its held events are applied in their original order, as if just read, and the
 * applied offset stays where it is. Their records keep the ids of their source positions, which
 * derived nothing while held (numbered `u0`, `u1`, …).
 */
export function unparkProgramBatch(
  partition: number,
  entry: ProgramParkedEntry | undefined,
  key: string,
  applied: number,
  input: ProgramBatchInput,
  ctx: ProgramFoldContext,
): ProgramBatchOutcome {
  const folder = new ProgramBatchFolder(partition, input, ctx);
  folder.release(key);
  for (const held of entry?.held ?? []) folder.add(heldRecord(ctx.sourceTopic, partition, held));
  return folder.finish(applied);
}

/** Closes every open window of a partition idle for the idle timeout, at its applied offset. */
export function idleCloseProgramBatch(
  partition: number,
  applied: number,
  input: ProgramBatchInput,
  ctx: ProgramFoldContext,
): ProgramBatchOutcome {
  const folder = new ProgramBatchFolder(partition, input, ctx);
  folder.closeIdleWindows();
  return folder.finish(applied);
}

/** A parked key's held event as the record it came from, for replaying it on unpark. */
export function heldRecord(
  topic: string,
  partition: number,
  held: ProgramHeldEvent,
): ProgramDecoded {
  const record: SourceRecord = {
    topic,
    partition,
    offset: held.offset,
    key: Buffer.from(held.event.key),
    value: Buffer.from(JSON.stringify(held.event.value)),
    timestamp: held.recordTimestamp,
    headers: {},
  };
  return { ok: true, record, event: held.event };
}
