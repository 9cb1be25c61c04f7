import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  foldBatch,
  type Decoded,
  type DerivedRecord,
  type OrderState,
  type SourceRecord,
} from '../../../src/pipeline/index.js';
import {
  cancelled,
  ctx,
  eventRecord,
  foldInput,
  MAX_BYTES,
  paid,
  placed,
  rawRecord,
  shipped,
  TOPIC,
} from './fixtures.js';

const decodeAll = (records: SourceRecord[]): Decoded[] =>
  records.map((r) => decodeRecord(r, MAX_BYTES));

function existing(orderId: string, patch: Partial<OrderState>): OrderState {
  return {
    orderId,
    customerId: 'c-1',
    status: 'placed',
    currency: 'USD',
    totalCents: 0,
    paidCents: 0,
    appliedEvents: 1,
    updatedAt: 1,
    eventIds: [`${orderId}-placed`],
    ...patch,
  };
}

const T = 1_764_300_000_000;
const e1 = placed({ eventId: 'e-1', orderId: 'o-1', totalCents: 1000, timestamp: T });
const e2 = paid({ eventId: 'e-2', orderId: 'o-1', amountCents: 1000, timestamp: T + 1 });
const e4 = shipped({ eventId: 'e-4', orderId: 'o-2', timestamp: T + 3 });
const e6 = paid({ eventId: 'e-6', orderId: 'o-3', amountCents: 700, currency: 'EUR' });
const e7 = cancelled({ eventId: 'e-7', orderId: 'o-4', timestamp: T + 7 });

const records: SourceRecord[] = [
  eventRecord(e1, { offset: 100 }),
  eventRecord(e2, { offset: 101 }),
  rawRecord('{"eventId":', { offset: 102, key: 'k-1' }),
  eventRecord(e4, { offset: 103 }),
  eventRecord(e1, { offset: 104 }),
  eventRecord(e6, { offset: 105 }),
  eventRecord(e7, { offset: 106 }),
  rawRecord(null, { offset: 107, key: 'o-5' }),
];

const o3 = existing('o-3', { currency: 'EUR', totalCents: 700 });
const o4 = existing('o-4', { status: 'paid', totalCents: 300, paidCents: 300, appliedEvents: 2 });
const states = new Map([
  ['o-3', o3],
  ['o-4', o4],
]);
const totals = new Map([
  ['USD', 10_000],
  ['EUR', 5_000],
]);

function json(record: DerivedRecord | undefined): unknown {
  if (record === undefined) throw new Error('missing record');
  return JSON.parse(String(record.value));
}

describe('foldBatch: a hand-written batch', () => {
  const result = foldBatch(decodeAll(records), foldInput(states, totals), ctx);

  it('reports the batch bounds and counts', () => {
    expect(result.partition).toBe(3);
    expect(result.firstOffset).toBe(100);
    expect(result.lastOffset).toBe(107);
    expect(result.counts).toEqual({
      records: 8,
      applied: 4,
      duplicates: 1,
      anomalies: 1,
      deadLettered: 2,
      held: 0,
      late: 0,
    });
  });

  it('emits records in offset order with deterministic ids', () => {
    expect(result.outputs.map((o) => [o.topic, o.id, o.headers['sf-id']])).toEqual([
      ['order-status', `${TOPIC}/3/100/0`, `${TOPIC}/3/100/0`],
      ['order-status', `${TOPIC}/3/101/0`, `${TOPIC}/3/101/0`],
      ['order-events-dlt', `${TOPIC}/3/102/0`, `${TOPIC}/3/102/0`],
      ['order-anomalies', `${TOPIC}/3/103/0`, `${TOPIC}/3/103/0`],
      ['order-status', `${TOPIC}/3/105/0`, `${TOPIC}/3/105/0`],
      ['order-status', `${TOPIC}/3/106/0`, `${TOPIC}/3/106/0`],
      ['order-events-dlt', `${TOPIC}/3/107/0`, `${TOPIC}/3/107/0`],
      // Revenue updates continue the last record's numbering, currencies sorted.
      ['revenue-updates', `${TOPIC}/3/107/1`, `${TOPIC}/3/107/1`],
      ['revenue-updates', `${TOPIC}/3/107/2`, `${TOPIC}/3/107/2`],
    ]);
  });

  it('writes status records with exact JSON', () => {
    const status = result.outputs.filter((o) => o.topic === 'order-status');
    expect(status.map((o) => [o.key, o.value])).toEqual([
      [
        'o-1',
        `{"orderId":"o-1","status":"placed","previousStatus":null,"eventId":"e-1","timestamp":${T}}`,
      ],
      [
        'o-1',
        `{"orderId":"o-1","status":"paid","previousStatus":"placed","eventId":"e-2","timestamp":${T + 1}}`,
      ],
      [
        'o-3',
        `{"orderId":"o-3","status":"paid","previousStatus":"placed","eventId":"e-6","timestamp":${T}}`,
      ],
      [
        'o-4',
        `{"orderId":"o-4","status":"cancelled","previousStatus":"paid","eventId":"e-7","timestamp":${T + 7}}`,
      ],
    ]);
    expect(status[0]?.headers).toEqual({ 'sf-id': `${TOPIC}/3/100/0` });
  });

  it('writes the anomaly with the event and its source position', () => {
    const anomaly = result.outputs[3];
    expect(anomaly?.key).toBe('o-2');
    expect(anomaly?.value).toBe(
      `{"reason":"OrderShipped-from-none","event":${JSON.stringify(e4)},` +
        `"source":{"topic":"${TOPIC}","partition":3,"offset":103}}`,
    );
    expect(json(anomaly)).toEqual({
      reason: 'OrderShipped-from-none',
      event: e4,
      source: { topic: TOPIC, partition: 3, offset: 103 },
    });
  });

  it('dead-letters with the original bytes and every error header', () => {
    const notJson = result.outputs[2];
    expect(notJson?.key).toEqual(Buffer.from('k-1'));
    expect(notJson?.value).toEqual(Buffer.from('{"eventId":'));
    expect(notJson?.headers).toEqual({
      'sf-error-class': 'not-json',
      'sf-error-message': expect.stringContaining('not JSON') as unknown,
      'sf-source-topic': TOPIC,
      'sf-source-partition': '3',
      'sf-source-offset': '102',
      'sf-failed-at': '2025-11-28T12:00:00.000Z',
      'sf-worker-version': '1.2.3',
      'sf-id': `${TOPIC}/3/102/0`,
    });

    const tombstone = result.outputs[6];
    expect(tombstone?.key).toEqual(Buffer.from('o-5'));
    expect(tombstone?.value).toEqual(Buffer.alloc(0));
    expect(tombstone?.headers['sf-error-class']).toBe('empty-value');
    expect(tombstone?.headers['sf-source-offset']).toBe('107');
  });

  it('writes one revenue update per currency with the new partition subtotal', () => {
    const revenue = result.outputs.filter((o) => o.topic === 'revenue-updates');
    expect(revenue.map((o) => [o.key, o.value])).toEqual([
      [
        'EUR',
        '{"partition":3,"currency":"EUR","deltaCents":700,"subtotalCents":5700,"firstOffset":100,"lastOffset":107}',
      ],
      [
        'USD',
        '{"partition":3,"currency":"USD","deltaCents":700,"subtotalCents":10700,"firstOffset":100,"lastOffset":107}',
      ],
    ]);
    expect(result.totalsDelta).toEqual(
      new Map([
        ['EUR', 700],
        ['USD', 700],
      ]),
    );
  });

  it('returns only the orders whose state changed, each at its last state', () => {
    expect([...result.states.keys()]).toEqual(['o-1', 'o-3', 'o-4']);
    expect(result.states.get('o-1')).toEqual({
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'paid',
      currency: 'USD',
      totalCents: 1000,
      paidCents: 1000,
      appliedEvents: 2,
      updatedAt: T + 1,
      eventIds: ['e-1', 'e-2'],
    });
    expect(result.states.get('o-4')?.status).toBe('cancelled');
  });

  it('leaves its inputs untouched', () => {
    expect(states.get('o-3')).toBe(o3);
    expect(o3.status).toBe('placed');
    expect(o4.eventIds).toEqual(['o-4-placed']);
    expect(totals).toEqual(
      new Map([
        ['USD', 10_000],
        ['EUR', 5_000],
      ]),
    );
  });
});

describe('foldBatch: edges', () => {
  it('starts revenue numbering at 0 when the last record emitted nothing', () => {
    const paidThenDup = foldBatch(
      decodeAll([
        eventRecord(e1, { offset: 7 }),
        eventRecord(e2, { offset: 8 }),
        eventRecord(e2, { offset: 9 }),
      ]),
      foldInput(),
      ctx,
    );
    expect(paidThenDup.outputs.map((o) => o.id)).toEqual([
      `${TOPIC}/3/7/0`,
      `${TOPIC}/3/8/0`,
      `${TOPIC}/3/9/0`,
    ]);
    expect(paidThenDup.outputs[2]?.topic).toBe('revenue-updates');
  });

  it('emits no revenue update when a batch nets to zero', () => {
    const c1 = cancelled({ eventId: 'e-3', orderId: 'o-1' });
    const result = foldBatch(
      decodeAll([
        eventRecord(e1, { offset: 0 }),
        eventRecord(e2, { offset: 1 }),
        eventRecord(c1, { offset: 2 }),
      ]),
      foldInput(new Map(), new Map([['USD', 42]])),
      ctx,
    );
    expect(result.totalsDelta.size).toBe(0);
    expect(result.outputs.map((o) => o.topic)).toEqual([
      'order-status',
      'order-status',
      'order-status',
    ]);
  });

  it('caps a long dead-letter message at 1,000 chars', () => {
    const record = rawRecord('x', { offset: 0 });
    const decoded: Decoded = {
      ok: false,
      record,
      failure: { errorClass: 'schema', message: 'm'.repeat(5000) },
    };
    const [dlt] = foldBatch([decoded], foldInput(), ctx).outputs;
    expect(dlt?.headers['sf-error-message']?.length).toBe(1000);
  });

  it('throws on an empty batch', () => {
    expect(() => foldBatch([], foldInput(), ctx)).toThrow(/empty batch/);
  });

  it('throws on a batch that mixes partitions or goes back in offsets', () => {
    const mixed = decodeAll([
      eventRecord(e1, { offset: 0 }),
      eventRecord(e2, { offset: 1, partition: 4 }),
    ]);
    expect(() => foldBatch(mixed, foldInput(), ctx)).toThrow(/mixes/);
    const backwards = decodeAll([eventRecord(e1, { offset: 5 }), eventRecord(e2, { offset: 5 })]);
    expect(() => foldBatch(backwards, foldInput(), ctx)).toThrow(/offset 5 follows 5/);
  });
});
