import { describe, expect, it } from 'vitest';
import {
  ReferenceCustomers,
  type RefCustomer,
} from '../../../src/reconcile/reference-customers.js';
import { ReferenceWindows } from '../../../src/reconcile/reference-windows.js';
import {
  ReferenceModel,
  referenceStep,
  type RefEntry,
  type RefStep,
} from '../../../src/reconcile/reference.js';
import type { RefEvent } from '../../../src/reconcile/reference-validate.js';

let sequence = 0;
type Kind = 'placed' | 'paid' | 'shipped' | 'cancelled';

/** A parsed event; paid carries `cents` in `currency`. */
function ev(
  kind: Kind,
  orderId: string,
  customerId = 'c-1',
  cents = 1_000,
  currency = 'USD',
): RefEvent {
  sequence += 1;
  const envelope = { eventId: `e-${sequence}`, orderId, customerId, timestamp: sequence };
  switch (kind) {
    case 'placed':
      return { ...envelope, type: 'OrderPlaced', totalCents: cents, currency };
    case 'paid':
      return { ...envelope, type: 'OrderPaid', amountCents: cents, currency };
    case 'shipped':
      return { ...envelope, type: 'OrderShipped' };
    case 'cancelled':
      return { ...envelope, type: 'OrderCancelled' };
  }
}

/** Folds events through referenceStep per (partition, order), feeding applied steps. */
function fold(customers: ReferenceCustomers, input: [number, RefEvent][]): void {
  const orders = new Map<string, RefEntry>();
  for (const [partition, event] of input) {
    const key = `${partition}/${event.orderId}`;
    const before = orders.get(key);
    const step = referenceStep(before, event);
    if (step.outcome !== 'applied' || !step.entry) continue;
    orders.set(key, step.entry);
    customers.observe(partition, before, step.entry);
  }
}

const customer = (id: string, fields: Partial<RefCustomer>): RefCustomer => ({
  customerId: id,
  orders: 0,
  paid: 0,
  shipped: 0,
  cancelled: 0,
  lifetimeValueCents: {},
  ...fields,
});

describe('reference customers', () => {
  it('placed → paid → shipped counts each step and the value paid', () => {
    const c = new ReferenceCustomers();
    fold(c, [
      [0, ev('placed', 'o-1', 'c-1', 1_000)],
      [0, ev('paid', 'o-1', 'c-1', 900)],
      [0, ev('shipped', 'o-1')],
    ]);
    expect(c.merged()).toEqual(
      new Map([
        [
          'c-1',
          customer('c-1', { orders: 1, paid: 1, shipped: 1, lifetimeValueCents: { USD: 900 } }),
        ],
      ]),
    );
  });

  it('paid then cancelled leaves lifetime 0 with the currency present', () => {
    const c = new ReferenceCustomers();
    fold(c, [
      [0, ev('placed', 'o-1', 'c-1', 1_000, 'EUR')],
      [0, ev('paid', 'o-1', 'c-1', 700, 'EUR')],
      [0, ev('cancelled', 'o-1')],
    ]);
    const merged = c.merged().get('c-1');
    expect(merged).toEqual(
      customer('c-1', { orders: 1, paid: 1, cancelled: 1, lifetimeValueCents: { EUR: 0 } }),
    );
    expect(Object.keys(merged?.lifetimeValueCents ?? {})).toEqual(['EUR']);
  });

  it('placed then cancelled touches no currency', () => {
    const c = new ReferenceCustomers();
    fold(c, [
      [0, ev('placed', 'o-1')],
      [0, ev('cancelled', 'o-1')],
    ]);
    expect(c.merged().get('c-1')).toEqual(customer('c-1', { orders: 1, cancelled: 1 }));
    expect(c.merged().get('c-1')?.lifetimeValueCents).toStrictEqual({});
  });

  it('keeps customers per partition and sums them at query', () => {
    const c = new ReferenceCustomers();
    fold(c, [
      [0, ev('placed', 'o-1', 'c-1')],
      [1, ev('placed', 'o-2', 'c-1', 500, 'EUR')],
      [1, ev('placed', 'o-3', 'c-1')],
      [1, ev('placed', 'o-4', 'c-2')],
      [0, ev('paid', 'o-1', 'c-1', 1_000)],
      [1, ev('paid', 'o-2', 'c-1', 500, 'EUR')],
      [1, ev('paid', 'o-3', 'c-1', 300)],
      [1, ev('cancelled', 'o-2')],
      [1, ev('shipped', 'o-3')],
      [1, ev('shipped', 'o-4')], // anomaly: not paid
    ]);
    expect(c.perPartition()).toEqual(
      new Map([
        [
          0,
          new Map([
            ['c-1', customer('c-1', { orders: 1, paid: 1, lifetimeValueCents: { USD: 1_000 } })],
          ]),
        ],
        [
          1,
          new Map([
            [
              'c-1',
              customer('c-1', {
                orders: 2,
                paid: 2,
                shipped: 1,
                cancelled: 1,
                lifetimeValueCents: { EUR: 0, USD: 300 },
              }),
            ],
            ['c-2', customer('c-2', { orders: 1 })],
          ]),
        ],
      ]),
    );
    expect(c.merged()).toEqual(
      new Map([
        [
          'c-1',
          customer('c-1', {
            orders: 3,
            paid: 3,
            shipped: 1,
            cancelled: 1,
            lifetimeValueCents: { USD: 1_300, EUR: 0 },
          }),
        ],
        ['c-2', customer('c-2', { orders: 1 })],
      ]),
    );
  });

  it("credits the order's customer, not the one a later event names", () => {
    const c = new ReferenceCustomers();
    fold(c, [
      [0, ev('placed', 'o-1', 'c-1')],
      [0, ev('paid', 'o-1', 'c-other', 400)],
    ]);
    expect([...c.merged().keys()]).toEqual(['c-1']);
    expect(c.merged().get('c-1')?.lifetimeValueCents).toEqual({ USD: 400 });
  });

  it('hands out copies', () => {
    const c = new ReferenceCustomers();
    fold(c, [
      [0, ev('placed', 'o-1')],
      [0, ev('paid', 'o-1', 'c-1', 5)],
    ]);
    const copy = c.perPartition().get(0)?.get('c-1');
    if (copy) {
      copy.orders = 99;
      copy.lifetimeValueCents.USD = 99;
    }
    const merged = c.merged().get('c-1');
    if (merged) merged.lifetimeValueCents.USD = 77;
    expect(c.perPartition().get(0)?.get('c-1')).toMatchObject({
      orders: 1,
      lifetimeValueCents: { USD: 5 },
    });
    expect(c.merged().get('c-1')?.lifetimeValueCents).toEqual({ USD: 5 });
  });

  it('refuses a step that is not a lifecycle transition', () => {
    const c = new ReferenceCustomers();
    const placed = referenceStep(undefined, ev('placed', 'o-1')).entry;
    const paid = placed && referenceStep(placed, ev('paid', 'o-1')).entry;
    if (!placed || !paid) throw new Error('setup');
    expect(() => c.observe(0, undefined, paid)).toThrow(/new order/);
    expect(() => c.observe(0, placed, placed)).toThrow(/no transition/);
  });
});

describe('ReferenceModel onStep hook', () => {
  const LIMIT = 1024;
  const record = (partition: number, offset: number, value: unknown) => ({
    partition,
    offset,
    key: null,
    value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  });
  const wire = (
    type: string,
    eventId: string,
    timestamp: number,
    data: object,
    orderId = 'o-1',
  ) => ({ eventId, type, orderId, customerId: 'c-1', timestamp, data });
  const placed = (id: string, t: number, orderId = 'o-1') =>
    wire(
      'OrderPlaced',
      id,
      t,
      {
        items: [{ productId: 'p', quantity: 1, priceCents: 900 }],
        totalCents: 900,
        currency: 'USD',
      },
      orderId,
    );
  const paid = (id: string, t: number, orderId = 'o-1') =>
    wire('OrderPaid', id, t, { amountCents: 900, currency: 'USD' }, orderId);

  it('reports every schema-valid event with its step, and feeds windows and customers', () => {
    const seen: [number, number, string, string, string | undefined, RefStep][] = [];
    const windows = new ReferenceWindows({ sizes: [{ label: '1m', ms: 60_000 }], graceMs: 0 });
    const customers = new ReferenceCustomers();
    const model = new ReferenceModel(LIMIT, {
      onStep: (partition, offset, event, outcome, before, step) => {
        seen.push([partition, offset, event.eventId, outcome, before?.order.status, step]);
        windows.observe(partition, offset, event.timestamp, step.revenue);
        if (outcome === 'applied' && step.entry) customers.observe(partition, before, step.entry);
      },
    });
    const outcomes = [
      record(0, 0, placed('a', 1_000)),
      record(0, 1, 'not json'), // invalid: not reported, does not move the watermark
      record(0, 2, paid('b', 2_000)),
      record(0, 3, paid('b', 2_000)), // duplicate
      record(1, 0, placed('c', 5_000, 'o-9')),
      record(0, 4, wire('OrderShipped', 'd', 70_000, {}, 'ghost')), // anomaly at 70s
      record(0, 5, wire('OrderCancelled', 'e', 3_000, {})), // applied, refund, but late
    ].map((r) => model.apply(r));
    expect(outcomes).toEqual([
      'applied',
      'invalid',
      'applied',
      'duplicate',
      'applied',
      'anomaly',
      'applied',
    ]);
    expect(seen.map(([p, o, id, outcome, before]) => [p, o, id, outcome, before])).toEqual([
      [0, 0, 'a', 'applied', undefined],
      [0, 2, 'b', 'applied', 'placed'],
      [0, 3, 'b', 'duplicate', 'paid'],
      [1, 0, 'c', 'applied', undefined],
      [0, 4, 'd', 'anomaly', undefined],
      [0, 5, 'e', 'applied', 'paid'],
    ]);
    expect(seen[1]?.[5]).toMatchObject({ revenue: { currency: 'USD', cents: 900 } });
    expect(seen[5]?.[5]).toMatchObject({
      outcome: 'applied',
      entry: { order: { status: 'cancelled' } },
      revenue: { currency: 'USD', cents: -900 },
    });

    // The anomaly's 70s closed [0, 1m) with the payment; the refund came late.
    windows.finish();
    expect(windows.results().map((r) => [r.partition, r.start, r.totals, r.closedBy])).toEqual([
      [0, 0, { USD: 900 }, 'watermark'],
    ]);
    expect(windows.late()).toEqual([{ partition: 0, offset: 5, sizeLabel: '1m', windowStart: 0 }]);
    expect(customers.merged().get('c-1')).toEqual({
      customerId: 'c-1',
      orders: 2,
      paid: 1,
      shipped: 0,
      cancelled: 1,
      lifetimeValueCents: { USD: 0 },
    });
    // The model itself is unchanged by the hook.
    expect(model.counts).toEqual({
      records: 7,
      applied: 4,
      duplicates: 1,
      anomalies: 1,
      invalid: 1,
    });
    expect(model.totals.get(0)?.get('USD')).toBe(0);
  });
});
