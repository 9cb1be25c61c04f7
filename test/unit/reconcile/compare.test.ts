import { describe, expect, it } from 'vitest';
import type { TopicRecord } from '../../../src/kafka/read-topic.js';
import {
  compareApplied,
  compareDlt,
  compareOrders,
  compareRevenue,
  type InvalidInput,
  type RefEntry,
  type RefOrder,
} from '../../../src/reconcile/index.js';

const order = (orderId: string, changes: Partial<RefOrder> = {}): RefOrder => ({
  orderId,
  customerId: 'c',
  status: 'paid',
  currency: 'USD',
  totalCents: 100,
  paidCents: 100,
  appliedEvents: 2,
  updatedAt: 5,
  ...changes,
});
const entry = (o: RefOrder): RefEntry => ({ order: o, eventIds: ['a', 'b'] });

describe('compareOrders', () => {
  it('reports field diffs, missing and unexpected orders per partition', () => {
    const expected = new Map([
      [
        0,
        new Map([
          ['a', entry(order('a'))],
          ['b', entry(order('b'))],
        ]),
      ],
      [1, new Map([['c', entry(order('c'))]])],
    ]);
    const actual = new Map([
      [
        0,
        new Map([
          ['a', order('a', { paidCents: 99, status: 'placed' })],
          ['x', order('x')],
        ]),
      ],
      // An order in another shard than its records is not the same order.
      [2, new Map([['c', order('c')]])],
    ]);
    const section = compareOrders(expected, actual);
    expect(section).toMatchObject({
      ok: false,
      expected: 3,
      actual: 3,
      mismatchCount: 1,
      missing: 2,
      unexpected: 2,
    });
    expect(section.mismatches).toEqual([
      {
        partition: 0,
        orderId: 'a',
        diffs: {
          status: { expected: 'paid', actual: 'placed' },
          paidCents: { expected: 100, actual: 99 },
        },
      },
    ]);
    expect(section.missingOrders).toEqual([
      { partition: 0, orderId: 'b' },
      { partition: 1, orderId: 'c' },
    ]);
    expect(section.unexpectedOrders).toEqual([
      { partition: 0, orderId: 'x' },
      { partition: 2, orderId: 'c' },
    ]);
  });

  it('is ok when both sides are empty, and lists at most 20 examples', () => {
    expect(compareOrders(new Map(), new Map()).ok).toBe(true);
    const many = new Map([
      [0, new Map(Array.from({ length: 30 }, (_, i) => [`o${i}`, entry(order(`o${i}`))]))],
    ]);
    const section = compareOrders(many, new Map());
    expect(section.missing).toBe(30);
    expect(section.missingOrders).toHaveLength(20);
  });
});

describe('compareRevenue', () => {
  it('treats a zero subtotal like an absent one and sums partitions', () => {
    const expected = new Map([
      [
        0,
        new Map([
          ['USD', 100],
          ['EUR', 0],
        ]),
      ],
      [1, new Map([['USD', 50]])],
    ]);
    const actual = new Map([
      [1, new Map([['USD', 50]])],
      [0, new Map([['USD', 100]])],
      [2, new Map([['GBP', 0]])],
    ]);
    const section = compareRevenue(expected, actual);
    expect(section.ok).toBe(true);
    expect(section.actual).toEqual({
      totals: { USD: 150 },
      partitions: { '0': { USD: 100 }, '1': { USD: 50 } },
    });
  });

  it('fails on any partition difference, even when the totals match', () => {
    const section = compareRevenue(
      new Map([
        [0, new Map([['USD', 100]])],
        [1, new Map([['USD', 50]])],
      ]),
      new Map([
        [0, new Map([['USD', 50]])],
        [1, new Map([['USD', 100]])],
      ]),
    );
    expect(section.ok).toBe(false);
    expect(section.expected.totals).toEqual(section.actual.totals);
  });
});

describe('compareApplied', () => {
  it('expects high watermark − 1 per partition and −1 for an empty one', () => {
    const ranges = [
      { partition: 0, low: 0, high: 10 },
      { partition: 1, low: 0, high: 0 },
    ];
    expect(compareApplied(ranges, new Map([[0, 9]])).ok).toBe(true);
    const section = compareApplied(
      ranges,
      new Map([
        [0, 8],
        [1, -1],
        [5, 3],
      ]),
    );
    expect(section.ok).toBe(false);
    expect(section.mismatches).toEqual([
      { partition: 0, expected: 9, actual: 8 },
      { partition: 5, expected: -1, actual: 3 },
    ]);
  });
});

describe('compareDlt', () => {
  const invalid: InvalidInput[] = [
    {
      partition: 0,
      offset: 3,
      key: Buffer.from('k3'),
      value: Buffer.from('bad'),
      reason: 'not-json',
    },
    { partition: 1, offset: 0, key: Buffer.from('k0'), value: null, reason: 'empty-value' },
  ];
  let dltOffset = 0;
  const letter = (
    partition: number,
    offset: number,
    changes: Partial<TopicRecord> = {},
    headers: Record<string, string | undefined> = {},
  ): TopicRecord => {
    const original = invalid.find((r) => r.partition === partition && r.offset === offset);
    const all: Record<string, string | undefined> = {
      'sf-error-class': 'not-json',
      'sf-error-message': 'nope',
      'sf-source-topic': 'in',
      'sf-source-partition': String(partition),
      'sf-source-offset': String(offset),
      'sf-failed-at': '2026-01-01T00:00:00.000Z',
      'sf-worker-version': '0.1.0',
      ...headers,
    };
    return {
      partition: 0,
      offset: dltOffset++,
      key: original?.key ?? null,
      // A tombstone's dead letter carries an empty value.
      value: original?.value ?? Buffer.alloc(0),
      headers: Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
      timestamp: 0,
      ...changes,
    };
  };

  it('is ok when the DLT names exactly the invalid records; duplicates are only reported', () => {
    const section = compareDlt('in', 'dlt', invalid, [letter(0, 3), letter(1, 0), letter(0, 3)], 0);
    expect(section).toMatchObject({
      ok: true,
      expected: 2,
      actual: 2,
      records: 3,
      missing: 0,
      unexpected: 0,
      duplicates: 1,
      duplicatePositions: [{ partition: 0, offset: 3, count: 2 }],
    });
  });

  it('reports missing and unexpected positions', () => {
    const section = compareDlt('in', 'dlt', invalid, [letter(0, 3), letter(2, 9)], 4);
    expect(section.ok).toBe(false);
    expect(section.missingPositions).toEqual([{ partition: 1, offset: 0 }]);
    expect(section.unexpectedPositions).toEqual([{ partition: 2, offset: 9 }]);
    expect(section.pendingOutbox).toBe(4);
  });

  it('reports missing headers, a foreign source topic and changed bytes', () => {
    const section = compareDlt(
      'in',
      'dlt',
      invalid,
      [
        letter(0, 3, {}, { 'sf-worker-version': undefined, 'sf-failed-at': undefined }),
        letter(1, 0, { value: Buffer.from('changed'), key: Buffer.from('other') }),
        letter(0, 4, {}, { 'sf-source-topic': 'elsewhere' }),
      ],
      0,
    );
    expect(section.ok).toBe(false);
    expect(section.headerProblems).toEqual([
      {
        dltPartition: 0,
        dltOffset: expect.any(Number) as number,
        problem: 'missing sf-failed-at, sf-worker-version',
      },
      {
        dltPartition: 0,
        dltOffset: expect.any(Number) as number,
        problem: 'sf-source-topic is elsewhere',
      },
    ]);
    expect(section.contentMismatches).toEqual([
      { partition: 1, offset: 0, field: 'key' },
      { partition: 1, offset: 0, field: 'value' },
    ]);
    expect(section.missing + section.unexpected).toBe(0);
  });

  it('is ok for no invalid records and an empty DLT', () => {
    expect(compareDlt('in', 'dlt', [], [], 0).ok).toBe(true);
  });
});
