import { describe, expect, it } from 'vitest';
import {
  aggregatorNamed,
  customerValue,
  decodeRecord,
  foldBatch,
  MissingStatesError,
  type CustomerValue,
  type FoldContext,
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
  shipped,
  TOPIC,
} from './fixtures.js';

const actx: FoldContext = {
  ...ctx,
  outputs: { ...ctx.outputs, aggregates: 'customer-values' },
  aggregators: [aggregatorNamed('customer-value')],
};

const field = (customerId: string) => `customer-value|${customerId}`;

function value(customerId: string, patch: Partial<CustomerValue> = {}): CustomerValue {
  return {
    customerId,
    orders: 0,
    paid: 0,
    shipped: 0,
    cancelled: 0,
    lifetimeValueCents: {},
    ...patch,
  };
}

const o3: OrderState = {
  orderId: 'o-3',
  customerId: 'c-2',
  status: 'paid',
  currency: 'EUR',
  totalCents: 700,
  paidCents: 700,
  appliedEvents: 2,
  updatedAt: 1,
  eventIds: ['e-30', 'e-31'],
};

const records: SourceRecord[] = [
  eventRecord(placed({ eventId: 'e-1', orderId: 'o-1', customerId: 'c-1', totalCents: 1000 }), {
    offset: 20,
  }),
  eventRecord(paid({ eventId: 'e-2', orderId: 'o-1', customerId: 'c-1', amountCents: 1000 }), {
    offset: 21,
  }),
  eventRecord(
    placed({ eventId: 'e-3', orderId: 'o-2', customerId: 'c-2', totalCents: 50, currency: 'EUR' }),
    { offset: 22 },
  ),
  // A refund of a paid order of c-2.
  eventRecord(cancelled({ eventId: 'e-4', orderId: 'o-3', customerId: 'c-2' }), { offset: 23 }),
  // Not applied (shipped before paid): counts for nobody, needs no state.
  eventRecord(shipped({ eventId: 'e-5', orderId: 'o-9', customerId: 'c-9' }), { offset: 24 }),
  // A duplicate: counts for nobody.
  eventRecord(paid({ eventId: 'e-2', orderId: 'o-1', customerId: 'c-1', amountCents: 1000 }), {
    offset: 25,
  }),
];
const decoded = records.map((r) => decodeRecord(r, MAX_BYTES));
const states = new Map([['o-3', o3]]);

describe('foldBatch with the customer-value aggregate', () => {
  const c1Before = value('c-1', { orders: 2, paid: 1, lifetimeValueCents: { USD: 500, EUR: 0 } });
  const aggregates = new Map<string, unknown>([
    [field('c-1'), c1Before],
    // Loaded, and Redis had nothing: c-2's partial starts empty.
    [field('c-2'), null],
  ]);
  const result = foldBatch(decoded, foldInput(states, new Map(), { aggregates }), actx);

  it('folds every applied transition into its customer’s partial', () => {
    expect(result.aggregates).toEqual(
      new Map([
        [
          field('c-1'),
          value('c-1', { orders: 3, paid: 2, lifetimeValueCents: { USD: 1500, EUR: 0 } }),
        ],
        [
          field('c-2'),
          value('c-2', { orders: 1, cancelled: 1, lifetimeValueCents: { EUR: -700 } }),
        ],
      ]),
    );
    expect(result.counts).toMatchObject({ applied: 4, anomalies: 1, duplicates: 1 });
  });

  it('publishes each changed partial once, after the revenue updates', () => {
    expect(result.outputs.map((o) => [o.topic, o.id, o.key])).toEqual([
      ['order-status', `${TOPIC}/3/20/0`, 'o-1'],
      ['order-status', `${TOPIC}/3/21/0`, 'o-1'],
      ['order-status', `${TOPIC}/3/22/0`, 'o-2'],
      ['order-status', `${TOPIC}/3/23/0`, 'o-3'],
      ['order-anomalies', `${TOPIC}/3/24/0`, 'o-9'],
      ['revenue-updates', `${TOPIC}/3/25/0`, 'EUR'],
      ['revenue-updates', `${TOPIC}/3/25/1`, 'USD'],
      ['customer-values', `${TOPIC}/3/25/2`, 'c-1'],
      ['customer-values', `${TOPIC}/3/25/3`, 'c-2'],
    ]);
    expect(result.outputs[7]?.value).toBe(
      '{"aggregate":"customer-value","key":"c-1","partition":3,"state":' +
        '{"customerId":"c-1","orders":3,"paid":2,"shipped":0,"cancelled":0,' +
        '"lifetimeValueCents":{"USD":1500,"EUR":0}}}',
    );
    expect(result.outputs[8]?.value).toBe(
      '{"aggregate":"customer-value","key":"c-2","partition":3,"state":' +
        '{"customerId":"c-2","orders":1,"paid":0,"shipped":0,"cancelled":1,' +
        '"lifetimeValueCents":{"EUR":-700}}}',
    );
  });

  it('leaves the loaded partials untouched', () => {
    expect(aggregates.get(field('c-1'))).toBe(c1Before);
    expect(c1Before).toEqual(
      value('c-1', { orders: 2, paid: 1, lifetimeValueCents: { USD: 500, EUR: 0 } }),
    );
    expect(aggregates.get(field('c-2'))).toBeNull();
  });

  it('without an aggregates topic still returns the partials to commit, and publishes none', () => {
    const quiet = foldBatch(decoded, foldInput(states, new Map(), { aggregates }), {
      ...actx,
      outputs: ctx.outputs,
    });
    expect(quiet.aggregates).toEqual(result.aggregates);
    expect(quiet.outputs.filter((o) => o.topic === 'customer-values')).toEqual([]);
  });
});

describe('MissingStatesError', () => {
  it('lists exactly the fields the batch needs and were not loaded, in first-seen order', () => {
    const aggregates = new Map<string, unknown>([[field('c-1'), null]]);
    let error: unknown;
    try {
      foldBatch(
        [
          ...decoded,
          decodeRecord(
            eventRecord(placed({ eventId: 'e-6', orderId: 'o-6', customerId: 'c-3' }), {
              offset: 26,
            }),
            MAX_BYTES,
          ),
        ],
        foldInput(states, new Map(), { aggregates }),
        actx,
      );
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingStatesError);
    // c-9 had only an anomaly and c-1 was loaded (as absent): neither is asked for.
    expect((error as MissingStatesError).fields).toEqual([field('c-2'), field('c-3')]);
  });

  it('is not thrown once every field is loaded, absent ones as null', () => {
    const aggregates = new Map<string, unknown>([
      [field('c-1'), null],
      [field('c-2'), null],
    ]);
    const result = foldBatch(decoded, foldInput(states, new Map(), { aggregates }), actx);
    expect(result.aggregates.get(field('c-1'))).toEqual(
      value('c-1', { orders: 1, paid: 1, lifetimeValueCents: { USD: 1000 } }),
    );
  });

  it('needs nothing when the topology has no aggregates', () => {
    const result = foldBatch(decoded, foldInput(states), ctx);
    expect(result.aggregates.size).toBe(0);
  });
});

describe('customerValue', () => {
  it('merges two partitions’ partials field by field, currencies unioned', () => {
    const a = value('c-1', {
      orders: 2,
      paid: 1,
      shipped: 1,
      cancelled: 0,
      lifetimeValueCents: { USD: 100, EUR: 5 },
    });
    const b = value('c-1', {
      orders: 3,
      paid: 2,
      shipped: 0,
      cancelled: 1,
      lifetimeValueCents: { USD: -40, GBP: 7 },
    });
    expect(customerValue.merge(a, b)).toEqual(
      value('c-1', {
        orders: 5,
        paid: 3,
        shipped: 1,
        cancelled: 1,
        lifetimeValueCents: { USD: 60, EUR: 5, GBP: 7 },
      }),
    );
    expect(a.lifetimeValueCents).toEqual({ USD: 100, EUR: 5 });
  });

  it('parses what it stores and refuses a shape it does not know', () => {
    const stored = value('c-1', { orders: 1, lifetimeValueCents: { USD: 3 } });
    expect(customerValue.parse(JSON.stringify(stored))).toEqual(stored);
    expect(() => customerValue.parse(JSON.stringify({ ...stored, orders: -1 }))).toThrow();
    expect(() => customerValue.parse(JSON.stringify({ ...stored, extra: 1 }))).toThrow();
    expect(() => customerValue.parse('{"customerId":"c-1"}')).toThrow();
  });
});
