import { describe, expect, it } from 'vitest';
import { decodeRecord, foldBatch, type SourceRecord } from '../../../src/pipeline/index.js';
import { ComparedFields, ReferenceModel, validateRecord } from '../../../src/reconcile/index.js';
import { generate } from '../../../src/sim/index.js';

const MAX_VALUE_BYTES = 65_536;
const TOPIC = 'order-events';

/**
 * The reference is independent of the worker's pipeline by design; this is where the two are
 * held to the same answers, so a reconcile difference means a bug rather than a disagreement
 * about the contract.
 */
describe('reference and worker pipeline agree on simulated streams', () => {
  const records: SourceRecord[] = [
    ...generate({
      orders: 400,
      seed: 11,
      duplicates: 0.2,
      malformed: 0.2,
      invalidTransitions: 0.2,
      currencies: ['USD', 'EUR'],
    }),
  ].map((r, offset) => ({
    topic: TOPIC,
    partition: 0,
    offset,
    key: Buffer.from(r.key),
    value: r.value,
    timestamp: 0,
    headers: {},
  }));

  it('accept and reject the same records', () => {
    for (const r of records) {
      const worker = decodeRecord(r, MAX_VALUE_BYTES).ok;
      const reference = validateRecord(r.key, r.value, MAX_VALUE_BYTES).ok;
      expect(reference, `offset ${r.offset}`).toBe(worker);
    }
  });

  it('fold to the same order states and revenue', () => {
    const model = new ReferenceModel(MAX_VALUE_BYTES);
    for (const r of records) model.apply(r);
    const batch = foldBatch(
      records.map((r) => decodeRecord(r, MAX_VALUE_BYTES)),
      { states: new Map(), aggregates: new Map(), totals: new Map(), parked: new Map() },
      {
        sourceTopic: TOPIC,
        outputs: { status: 's', revenue: 'r', anomalies: 'a', deadLetter: 'd' },
        workerVersion: 'test',
        now: 0,
        aggregators: [],
      },
    );
    const expected = model.orders.get(0)!;
    expect(batch.states.size).toBe(expected.size);
    for (const [orderId, entry] of expected) {
      const state = batch.states.get(orderId);
      expect(state).toBeDefined();
      for (const field of ComparedFields) expect(state?.[field]).toBe(entry.order[field]);
      expect(state?.eventIds).toEqual(entry.eventIds);
    }
    const totals = [...(model.totals.get(0) ?? [])].filter(([, v]) => v !== 0).sort();
    expect([...batch.totalsDelta].sort()).toEqual(totals);
    expect(batch.counts.deadLettered).toBe(model.counts.invalid);
    expect(batch.counts.anomalies).toBe(model.counts.anomalies);
    expect(batch.counts.duplicates).toBe(model.counts.duplicates);
  });
});
