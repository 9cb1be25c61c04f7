/**
 * One partition-batch folded in memory into everything its commit script writes atomically
 * (DESIGN.md §2.3). Pure and deterministic: a batch re-read after a crash yields the same states,
 * deltas and record ids, which is what makes the replay harmless.
 */
import {
  anomalyRecord,
  deadLetterRecord,
  derivedId,
  revenueRecord,
  statusRecord,
} from './derived-records.js';
import { applyEvent } from './order-reducer.js';
import type {
  BatchCounts,
  BatchResult,
  Decoded,
  DerivedRecord,
  FoldContext,
  OrderState,
} from './types.js';

/**
 * @param decoded one partition's records in offset order.
 * @param states current state of every existing order the batch touches.
 * @param totals the partition's revenue subtotal per currency before the batch.
 */
export function foldBatch(
  decoded: readonly Decoded[],
  states: ReadonlyMap<string, OrderState>,
  totals: ReadonlyMap<string, number>,
  ctx: FoldContext,
): BatchResult {
  const first = decoded[0];
  const last = decoded.at(-1);
  if (first === undefined || last === undefined) throw new Error('foldBatch: empty batch');
  assertOnePartitionInOrder(decoded);

  const { outputs: topics } = ctx;
  const changed = new Map<string, OrderState>();
  const deltas = new Map<string, number>();
  const outputs: DerivedRecord[] = [];
  const counts: BatchCounts = {
    records: decoded.length,
    applied: 0,
    duplicates: 0,
    anomalies: 0,
    deadLettered: 0,
  };
  // Next `n` for the last record's ids: the revenue updates continue its numbering.
  let nextN = 0;

  for (const item of decoded) {
    const { record } = item;
    let n = 0;
    const nextId = (): string => derivedId(record.topic, record.partition, record.offset, n++);

    if (!item.ok) {
      counts.deadLettered += 1;
      outputs.push(deadLetterRecord(nextId(), topics.deadLetter, record, item.failure, ctx));
    } else {
      const { event } = item;
      const before = changed.get(event.orderId) ?? states.get(event.orderId);
      const result = applyEvent(before, event);
      switch (result.kind) {
        case 'duplicate':
          counts.duplicates += 1;
          break;
        case 'anomaly':
          counts.anomalies += 1;
          outputs.push(anomalyRecord(nextId(), topics.anomalies, event, result.reason, record));
          break;
        case 'applied': {
          counts.applied += 1;
          changed.set(event.orderId, result.state);
          if (result.revenueDelta !== undefined) {
            const { currency, cents } = result.revenueDelta;
            deltas.set(currency, (deltas.get(currency) ?? 0) + cents);
          }
          const { status } = result.state;
          outputs.push(statusRecord(nextId(), topics.status, event, status, result.previousStatus));
          break;
        }
      }
    }
    nextN = n;
  }

  const totalsDelta = new Map<string, number>();
  for (const currency of [...deltas.keys()].sort()) {
    const deltaCents = deltas.get(currency) ?? 0;
    if (deltaCents === 0) continue;
    totalsDelta.set(currency, deltaCents);
    const update = {
      partition: last.record.partition,
      currency,
      deltaCents,
      subtotalCents: (totals.get(currency) ?? 0) + deltaCents,
      firstOffset: first.record.offset,
      lastOffset: last.record.offset,
    };
    const id = derivedId(last.record.topic, last.record.partition, last.record.offset, nextN++);
    outputs.push(revenueRecord(id, topics.revenue, update));
  }

  return {
    partition: first.record.partition,
    firstOffset: first.record.offset,
    lastOffset: last.record.offset,
    states: changed,
    totalsDelta,
    outputs,
    counts,
  };
}

/**
 * The commit script sets `applied = lastOffset` under one partition's hash tag; a mixed or
 * out-of-order batch would commit progress for records it never folded.
 */
function assertOnePartitionInOrder(decoded: readonly Decoded[]): void {
  let previous: Decoded['record'] | undefined;
  for (const { record } of decoded) {
    if (previous !== undefined) {
      if (record.topic !== previous.topic || record.partition !== previous.partition) {
        throw new Error(
          `foldBatch: batch mixes ${previous.topic}/${previous.partition} and ` +
            `${record.topic}/${record.partition}`,
        );
      }
      if (record.offset <= previous.offset) {
        throw new Error(
          `foldBatch: offset ${record.offset} follows ${previous.offset} in ` +
            `${record.topic}/${record.partition}`,
        );
      }
    }
    previous = record;
  }
}
