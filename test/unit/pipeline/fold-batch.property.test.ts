/**
 * The invariant of docs/architecture.md at the pipeline's scale: however a stream is interleaved,
 * duplicated and cut into batches, folding it batch by batch gives what a plain loop over the
 * stream gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  foldBatch,
  keysTouched,
  type BatchResult,
  type OrderState,
  type SourceRecord,
} from '../../../src/pipeline/index.js';
import { ctx, foldInput, MAX_BYTES } from './fixtures.js';
import { buildStream, cut, streamArb } from './order-stream.js';
import { reference, type Totals } from './reference-fold.js';

/** What the worker does between batches: load touched states, fold, merge the result back. */
function foldAll(batches: readonly SourceRecord[][]): Totals & { results: BatchResult[] } {
  const states = new Map<string, OrderState>();
  const totals = new Map<string, number>();
  const counts = { applied: 0, duplicates: 0, anomalies: 0, deadLettered: 0 };
  const results: BatchResult[] = [];
  for (const batch of batches) {
    const decoded = batch.map((r) => decodeRecord(r, MAX_BYTES));
    const loaded = new Map<string, OrderState>();
    const events = decoded.flatMap((d) => (d.ok ? [d.event] : []));
    for (const key of keysTouched(events)) {
      const state = states.get(key);
      if (state !== undefined) loaded.set(key, state);
    }
    const result = foldBatch(decoded, foldInput(loaded, new Map(totals)), ctx);
    results.push(result);
    for (const [k, s] of result.states) states.set(k, s);
    for (const [c, d] of result.totalsDelta) totals.set(c, (totals.get(c) ?? 0) + d);
    for (const k of ['applied', 'duplicates', 'anomalies', 'deadLettered'] as const) {
      counts[k] += result.counts[k];
    }
    // Each revenue update's subtotal is the running partition total after this batch.
    for (const out of result.outputs.filter((o) => o.topic === ctx.outputs.revenue)) {
      const update = JSON.parse(String(out.value)) as { currency: string; subtotalCents: number };
      expect(update.subtotalCents).toBe(totals.get(update.currency));
    }
  }
  return { states, totals, counts, results };
}

const sorted = <V>(m: ReadonlyMap<string, V>): [string, V][] =>
  [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const nonZero = (m: ReadonlyMap<string, number>): [string, number][] =>
  sorted(m).filter(([, v]) => v !== 0);

describe('foldBatch properties', () => {
  it('batch-by-batch folding equals the reference loop, for any interleaving, re-sends and cuts', () => {
    fc.assert(
      fc.property(streamArb, (input) => {
        const { items, records } = buildStream(input);
        const actual = foldAll(cut(records, input.batchSizes));
        const expected = reference(items);

        expect(sorted(actual.states)).toEqual(sorted(expected.states));
        expect(nonZero(actual.totals)).toEqual(nonZero(expected.totals));
        expect(actual.counts).toEqual(expected.counts);

        const ids = actual.results.flatMap((r) => r.outputs.map((o) => o.id));
        expect(new Set(ids).size).toBe(ids.length);
        for (const r of actual.results) {
          for (const o of r.outputs) expect(o.headers['sf-id']).toBe(o.id);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic, and a batch re-applied onto its own result is all duplicates', () => {
    fc.assert(
      fc.property(streamArb, fc.nat(), (input, split) => {
        const { records } = buildStream(input);
        const at = split % records.length;
        const before = foldAll(at === 0 ? [] : cut(records.slice(0, at), input.batchSizes));
        const batch = records.slice(at).map((r) => decodeRecord(r, MAX_BYTES));

        const first = foldBatch(batch, foldInput(before.states, before.totals), ctx);
        // Fresh copies (Buffers included): the result must depend on values, not identity.
        const copies = records.slice(at).map((r) =>
          decodeRecord(
            {
              ...r,
              key: r.key && Buffer.from(r.key),
              value: r.value && Buffer.from(r.value),
            },
            MAX_BYTES,
          ),
        );
        const again = foldBatch(
          copies,
          foldInput(structuredClone(before.states), structuredClone(before.totals)),
          ctx,
        );
        expect(again).toEqual(first);

        const afterStates = new Map([...before.states, ...first.states]);
        const afterTotals = new Map(before.totals);
        for (const [c, d] of first.totalsDelta) afterTotals.set(c, (afterTotals.get(c) ?? 0) + d);

        // Only the events that were applied: an anomaly may turn legal against the new state.
        const appliedOffsets = new Set(
          first.outputs
            .filter((o) => o.topic === ctx.outputs.status)
            .map((o) => Number(o.id.split('/')[2])),
        );
        const applied = batch.filter((d) => appliedOffsets.has(d.record.offset));
        if (applied.length === 0) return;
        const replay = foldBatch(applied, foldInput(afterStates, afterTotals), ctx);
        expect(replay.states.size).toBe(0);
        expect(replay.totalsDelta.size).toBe(0);
        expect(replay.outputs).toEqual([]);
        expect(replay.counts.duplicates).toBe(applied.length);

        // The whole batch again: everything applied or skipped the first time is skipped now.
        const whole = foldBatch(batch, foldInput(afterStates, afterTotals), ctx);
        expect(whole.counts.duplicates).toBeGreaterThanOrEqual(
          first.counts.applied + first.counts.duplicates,
        );
      }),
      { numRuns: 200 },
    );
  });
});
