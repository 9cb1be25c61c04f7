import { describe, expect, it } from 'vitest';
import type {
  GroupPartial,
  Program,
  ProgramEvent,
} from '../../../../src/pipeline/program/types.js';
import {
  groupKeyOf,
  interpret,
  stateJson,
  type WindowPartition,
} from '../../../../src/reconcile/interpreter/index.js';
import { atOffsets, customerValue, event, orderEvent, ordersProgram, revenue } from './programs.js';

const placed = (
  orderId: string,
  time: number,
  customerId: string,
  currency: string,
  cents: number,
  eventId?: string,
) =>
  orderEvent('OrderPlaced', orderId, time, {
    customerId,
    currency,
    cents,
    ...(eventId === undefined ? {} : { eventId }),
  });
const paid = (
  orderId: string,
  time: number,
  customerId: string,
  currency: string,
  cents: number,
  eventId?: string,
) =>
  orderEvent('OrderPaid', orderId, time, {
    customerId,
    currency,
    cents,
    ...(eventId === undefined ? {} : { eventId }),
  });
const shipped = (orderId: string, time: number, customerId: string, eventId?: string) =>
  orderEvent('OrderShipped', orderId, time, {
    customerId,
    ...(eventId === undefined ? {} : { eventId }),
  });
const cancelled = (orderId: string, time: number, customerId: string, eventId?: string) =>
  orderEvent('OrderCancelled', orderId, time, {
    customerId,
    ...(eventId === undefined ? {} : { eventId }),
  });

const cv = (
  orders: number,
  paidCount: number,
  shippedCount: number,
  cancelledCount: number,
  value: Record<string, number>,
): GroupPartial => ({
  orders,
  paid: paidCount,
  shipped: shippedCount,
  cancelled: cancelledCount,
  lifetimeValueCents: value,
});

/** Two partitions of order lifecycles with a duplicate and anomalies, all in the first minute. */
function lifecycles(): Map<number, { offset: number; event: ProgramEvent }[]> {
  return new Map([
    [
      0,
      atOffsets([
        placed('o-1', 1_000, 'c-1', 'USD', 1_000, 'p1'),
        paid('o-1', 2_000, 'c-1', 'USD', 1_000, 'q1'),
        paid('o-1', 2_000, 'c-1', 'USD', 1_000, 'q1'),
        placed('o-2', 3_000, 'c-2', 'EUR', 500, 'p2'),
        paid('o-2', 4_000, 'c-2', 'USD', 500, 'bad-currency'),
        shipped('o-2', 5_000, 'c-2', 'too-early'),
        shipped('o-1', 6_000, 'c-1', 's1'),
        paid('o-2', 7_000, 'c-2', 'EUR', 500, 'q2'),
        cancelled('o-2', 8_000, 'c-2', 'x2'),
      ]),
    ],
    [
      1,
      atOffsets([
        placed('o-3', 1_500, 'c-1', 'USD', 2_000, 'p3'),
        paid('o-3', 2_500, 'c-1', 'USD', 2_000, 'q3'),
        cancelled('o-9', 3_000, 'c-3', 'x9'),
        shipped('o-3', 9_000, 'c-1', 's3'),
      ]),
    ],
  ]);
}

describe('interpret: order lifecycles over two partitions', () => {
  const result = interpret({ program: ordersProgram, partitions: lifecycles() });

  it('counts applied events, duplicates, anomalies and late transitions', () => {
    expect(result.counts).toEqual({ applied: 9, duplicates: 1, anomalies: 3, late: 0 });
    expect(result.late).toEqual([]);
  });

  it('lists anomalies in (partition, offset) order with their reasons', () => {
    expect(result.anomalies).toEqual([
      { partition: 0, offset: 4, key: 'o-2', reason: 'currency-mismatch' },
      { partition: 0, offset: 5, key: 'o-2', reason: 'OrderShipped-from-placed' },
      { partition: 1, offset: 2, key: 'o-9', reason: 'OrderCancelled-from-none' },
    ]);
  });

  it('keeps the final state of every key that left the initial state', () => {
    expect([...result.states.keys()]).toEqual(['o-1', 'o-2', 'o-3']);
    expect(result.states.get('o-1')).toEqual({
      key: 'o-1',
      status: 'shipped',
      fields: { customerId: 'c-1', currency: 'USD', totalCents: 1_000, paidCents: 1_000 },
      appliedEvents: 3,
      updatedAt: 6_000,
      eventIds: ['p1', 'q1', 's1'],
    });
    const o2 = result.states.get('o-2');
    expect(o2 === undefined ? undefined : JSON.stringify(stateJson(ordersProgram, o2))).toBe(
      '{"orderId":"o-2","customerId":"c-2","status":"cancelled","currency":"EUR","totalCents":500,' +
        '"paidCents":500,"appliedEvents":3,"updatedAt":8000,"eventIds":["p2","q2","x2"]}',
    );
    expect(result.states.get('o-3')?.status).toBe('shipped');
  });

  it('keeps revenue per partition and merged; a group that sums back to 0 stays', () => {
    expect(result.aggregatePartials.get('revenue')).toEqual(
      new Map([
        [
          0,
          new Map([
            ['EUR', { cents: 0 }],
            ['USD', { cents: 1_000 }],
          ]),
        ],
        [1, new Map([['USD', { cents: 2_000 }]])],
      ]),
    );
    expect(result.aggregates.get('revenue')).toEqual(
      new Map([
        ['EUR', { cents: 0 }],
        ['USD', { cents: 3_000 }],
      ]),
    );
  });

  it('keeps customer value: counts with when, lifetime value by currency, merged over partitions', () => {
    expect(result.aggregatePartials.get('customer-value')).toEqual(
      new Map([
        [
          0,
          new Map([
            ['c-1', cv(1, 1, 1, 0, { USD: 1_000 })],
            ['c-2', cv(1, 1, 0, 1, { EUR: 0 })],
          ]),
        ],
        [1, new Map([['c-1', cv(1, 1, 1, 0, { USD: 2_000 })]])],
      ]),
    );
    expect(result.aggregates.get('customer-value')).toEqual(
      new Map([
        ['c-1', cv(2, 2, 2, 0, { USD: 3_000 })],
        ['c-2', cv(1, 1, 0, 1, { EUR: 0 })],
      ]),
    );
  });

  it('keeps the windows of the windowed aggregate only, still open below end + grace', () => {
    const first = { closedBy: null };
    const p0 = {
      ...first,
      groups: new Map([
        ['EUR', { cents: 0 }],
        ['USD', { cents: 1_000 }],
      ]),
    };
    const p1 = { ...first, groups: new Map([['USD', { cents: 2_000 }]]) };
    expect(result.windows).toEqual(
      new Map([
        [
          'revenue',
          new Map([
            [
              '1m|0',
              new Map([
                [0, p0],
                [1, p1],
              ]),
            ],
            [
              '1h|0',
              new Map([
                [0, p0],
                [1, p1],
              ]),
            ],
          ]),
        ],
      ]),
    );
    expect([...(result.windows.get('revenue')?.keys() ?? [])]).toEqual(['1m|0', '1h|0']);
  });

  it('gives the same result whatever order the partitions map is in', () => {
    const reversed = new Map([...lifecycles()].reverse());
    const again = interpret({ program: ordersProgram, partitions: reversed });
    expect(again.anomalies.map((a) => a.partition)).toEqual([0, 0, 1]);
    expect(again.aggregates).toEqual(result.aggregates);
    expect(again.windows).toEqual(result.windows);
  });
});

describe('interpret: windows with grace, late transitions and idle closes', () => {
  const partition = [
    { offset: 0, event: placed('o-1', 0, 'c-1', 'USD', 100) },
    { offset: 1, event: paid('o-1', 5_000, 'c-1', 'USD', 100) },
    { offset: 2, event: placed('o-2', 50_000, 'c-1', 'USD', 40) },
    { offset: 3, event: placed('o-3', 71_000, 'c-1', 'USD', 7) },
    { offset: 4, event: paid('o-2', 55_000, 'c-1', 'USD', 40, 'late-pay') },
    { offset: 5, event: paid('o-2', 55_000, 'c-1', 'USD', 40, 'late-pay') },
    { offset: 6, event: paid('o-3', 72_000, 'c-1', 'USD', 7) },
    { offset: 7, event: cancelled('o-3', 73_000, 'c-1') },
    { offset: 9, event: placed('o-4', 130_000, 'c-1', 'USD', 3) },
    { offset: 10, event: paid('o-4', 130_000, 'c-1', 'USD', 3) },
  ];
  const result = interpret({
    program: ordersProgram,
    partitions: new Map([[0, partition]]),
    idleCloses: new Map([[0, [6, 20]]]),
  });

  it('reports a transition late once per size whose window had closed, duplicates never', () => {
    expect(result.late).toEqual([
      // 71 s - 10 s grace closed the minute [0, 60 s) before the payment at 55 s came.
      { partition: 0, offset: 4, aggregate: 'revenue', size: '1m', start: 0 },
      // The idle close after offset 6 closed [60 s, 120 s) and the hour.
      { partition: 0, offset: 7, aggregate: 'revenue', size: '1m', start: 60_000 },
      { partition: 0, offset: 7, aggregate: 'revenue', size: '1h', start: 0 },
      { partition: 0, offset: 10, aggregate: 'revenue', size: '1h', start: 0 },
    ]);
    expect(result.counts).toEqual({ applied: 9, duplicates: 1, anomalies: 0, late: 4 });
  });

  it('counts late transitions in the running aggregate and in the sizes they are on time for', () => {
    expect(result.aggregates.get('revenue')).toEqual(new Map([['USD', { cents: 143 }]]));
    const usd = (cents: number) => new Map([['USD', { cents }]]);
    expect(result.windows.get('revenue')).toEqual(
      new Map([
        ['1m|0', new Map([[0, { groups: usd(100), closedBy: 'watermark' }]])],
        ['1m|60000', new Map([[0, { groups: usd(7), closedBy: 'idle' }]])],
        // Closed by the idle close after offset 20, past the last event.
        ['1m|120000', new Map([[0, { groups: usd(3), closedBy: 'idle' }]])],
        ['1h|0', new Map([[0, { groups: usd(147), closedBy: 'idle' }]])],
      ]),
    );
    expect([...(result.windows.get('revenue')?.keys() ?? [])]).toEqual([
      '1m|0',
      '1m|60000',
      '1m|120000',
      '1h|0',
    ]);
  });

  it('applies an idle close logged at an offset no event has before the next event', () => {
    const events = [
      { offset: 10, event: placed('o-1', 0, 'c-1', 'USD', 5) },
      { offset: 11, event: paid('o-1', 1_000, 'c-1', 'USD', 5) },
      // Offset 12 was an invalid record; the partition went idle after it.
      { offset: 13, event: cancelled('o-1', 2_000, 'c-1') },
    ];
    const idle = interpret({
      program: ordersProgram,
      partitions: new Map([[2, events]]),
      idleCloses: new Map([[2, [12]]]),
    });
    expect(idle.late).toEqual([
      { partition: 2, offset: 13, aggregate: 'revenue', size: '1m', start: 0 },
      { partition: 2, offset: 13, aggregate: 'revenue', size: '1h', start: 0 },
    ]);
    expect(idle.aggregates.get('revenue')).toEqual(new Map([['USD', { cents: 0 }]]));
    expect(idle.windows.get('revenue')?.get('1m|0')).toEqual(
      new Map([[2, { groups: new Map([['USD', { cents: 5 }]]), closedBy: 'idle' }]]),
    );
  });

  it('attributes nothing to a window for a transition that changes nothing', () => {
    const events = atOffsets([
      placed('o-1', 0, 'c-1', 'USD', 5),
      paid('o-1', 1_000, 'c-1', 'USD', 5),
      shipped('o-1', 120_000, 'c-1'),
    ]);
    const quiet = interpret({ program: ordersProgram, partitions: new Map([[0, events]]) });
    expect([...(quiet.windows.get('revenue')?.keys() ?? [])]).toEqual(['1m|0', '1h|0']);
    expect(quiet.windows.get('revenue')?.get('1m|0')?.get(0)?.closedBy).toBe('watermark');
  });

  it('windows event metrics too: every fed transition goes to its window', () => {
    const program: Program = {
      ...ordersProgram,
      aggregates: [
        {
          ...customerValue,
          windows: { sizes: [{ label: '1m', ms: 60_000 }], graceMs: 0, idleTimeoutMs: 30_000 },
        },
      ],
    };
    const events = atOffsets([
      placed('o-1', 59_999, 'c-1', 'USD', 5),
      placed('o-2', 60_000, 'c-1', 'USD', 5),
    ]);
    const windowed = interpret({ program, partitions: new Map([[0, events]]) });
    expect(windowed.windows.get('customer-value')).toEqual(
      new Map<string, Map<number, WindowPartition>>([
        [
          '1m|0',
          new Map([[0, { groups: new Map([['c-1', cv(1, 0, 0, 0, {})]]), closedBy: 'watermark' }]]),
        ],
        [
          '1m|60000',
          new Map([[0, { groups: new Map([['c-1', cv(1, 0, 0, 0, {})]]), closedBy: null }]]),
        ],
      ]),
    );
  });
});

describe('interpret: every event metric kind, merged over two partitions', () => {
  const program: Program = {
    ...ordersProgram,
    aggregates: [
      {
        name: 'stats',
        groupBy: [{ name: 'currency', ref: event('data', 'currency') }],
        metrics: [
          { name: 'payments', kind: 'count', when: { on: ['OrderPaid'], where: [] } },
          { name: 'amount', kind: 'sum', of: event('data', 'amountCents') },
          { name: 'low', kind: 'min', of: event('data', 'amountCents') },
          { name: 'high', kind: 'max', of: event('data', 'amountCents') },
          { name: 'lastCustomer', kind: 'last', of: event('customerId') },
          { name: 'customers', kind: 'distinct', of: event('customerId') },
          { name: 'byCustomer', kind: 'count', by: event('customerId') },
        ],
      },
    ],
  };
  const result = interpret({
    program,
    partitions: new Map([
      [0, atOffsets([placed('o-1', 10, 'c-1', 'USD', 1_000), paid('o-1', 20, 'c-1', 'USD', 900)])],
      [
        1,
        atOffsets([
          placed('o-2', 20, 'c-2', 'USD', 500),
          paid('o-2', 20, 'c-2', 'USD', 300),
          shipped('o-2', 15, 'c-2'),
        ]),
      ],
    ]),
  });

  it('keeps each partition’s partial', () => {
    expect(result.aggregatePartials.get('stats')).toEqual(
      new Map<number, Map<string, GroupPartial>>([
        [
          0,
          new Map([
            [
              'USD',
              {
                payments: 1,
                amount: 900,
                low: 900,
                high: 900,
                lastCustomer: { value: 'c-1', time: 20 },
                customers: ['"c-1"'],
                byCustomer: { 'c-1': 2 },
              },
            ],
          ]),
        ],
        // The shipment has no currency: it skips the aggregate.
        [
          1,
          new Map([
            [
              'USD',
              {
                payments: 1,
                amount: 300,
                low: 300,
                high: 300,
                lastCustomer: { value: 'c-2', time: 20 },
                customers: ['"c-2"'],
                byCustomer: { 'c-2': 2 },
              },
            ],
          ]),
        ],
      ]),
    );
  });

  it('merges them: sums add, least and greatest, last to the higher partition on a tie, union', () => {
    expect(result.aggregates.get('stats')).toEqual(
      new Map([
        [
          'USD',
          {
            payments: 2,
            amount: 1_200,
            low: 300,
            high: 900,
            lastCustomer: { value: 'c-2', time: 20 },
            customers: ['"c-1"', '"c-2"'],
            byCustomer: { 'c-1': 2, 'c-2': 2 },
          },
        ],
      ]),
    );
    expect(result.windows).toEqual(new Map());
  });
});

describe('interpret: empty input and result shape', () => {
  it('names every aggregate, keeps no partition without groups, and windows only windowed ones', () => {
    const result = interpret({
      program: ordersProgram,
      partitions: new Map([
        [0, []],
        [1, atOffsets([shipped('o-1', 1, 'c-1')])],
      ]),
    });
    expect(result.aggregates).toEqual(
      new Map([
        ['revenue', new Map()],
        ['customer-value', new Map()],
      ]),
    );
    expect(result.aggregatePartials).toEqual(
      new Map([
        ['revenue', new Map()],
        ['customer-value', new Map()],
      ]),
    );
    expect(result.windows).toEqual(new Map([['revenue', new Map()]]));
    expect(result.states).toEqual(new Map());
    expect(result.counts).toEqual({ applied: 0, duplicates: 0, anomalies: 1, late: 0 });
    expect(groupKeyOf(revenue.groupBy.map(() => 'USD'))).toBe('USD');
  });
});
