import { describe, expect, it } from 'vitest';
import type {
  BatchResult,
  OrderState,
  ParkedEntry,
  WindowResult,
} from '../../../src/pipeline/index.js';
import { commitOperations } from '../../../src/state/commit-args.js';
import { COMMIT_HASHES } from '../../../src/state/keys.js';

const MIN = 60_000;
const H = Date.UTC(2025, 0, 1, 10, 0, 0);

function order(orderId: string): OrderState {
  return {
    orderId,
    customerId: 'c-1',
    status: 'placed',
    currency: 'USD',
    totalCents: 100,
    paidCents: 0,
    appliedEvents: 1,
    updatedAt: 1,
    eventIds: [`${orderId}-e1`],
  };
}

function emptyBatch(extra: Partial<BatchResult> = {}): BatchResult {
  return {
    partition: 2,
    firstOffset: 10,
    lastOffset: 12,
    states: new Map(),
    totalsDelta: new Map(),
    aggregates: new Map(),
    parked: { next: new Map(), changed: new Map(), removed: [] },
    unparked: [],
    outputs: [],
    counts: {
      records: 3,
      applied: 0,
      duplicates: 0,
      anomalies: 0,
      deadLettered: 0,
      held: 0,
      late: 0,
    },
    ...extra,
  };
}

const closed: WindowResult = {
  partition: 2,
  size: '1m',
  sizeMs: MIN,
  start: H - MIN,
  end: H,
  totals: { EUR: 5, USD: 10 },
  closedBy: 'watermark',
};

const parkedEntry: ParkedEntry = {
  key: 'o-3',
  eventId: 'e-9',
  offset: 11,
  reason: 'boom',
  parkedAt: 7,
  held: [],
};

describe('commitOperations', () => {
  it('KEYS 4..11 are the commit hashes in the documented order', () => {
    expect(COMMIT_HASHES).toEqual([
      'states',
      'totals',
      'aggregates',
      'windowsOpen',
      'windowsClosed',
      'clock',
      'parked',
      'unpark',
    ]);
  });

  it('lays out every kind of write as op, KEYS index, count, items — in write order', () => {
    const batch = emptyBatch({
      states: new Map([
        ['o-1', order('o-1')],
        ['o-2', order('o-2')],
      ]),
      totalsDelta: new Map([
        ['EUR', -250],
        ['USD', 700],
      ]),
      aggregates: new Map([['customer-value|c-1', { orders: 1 }]]),
      windows: {
        next: {
          watermark: H + 10_000,
          frontiers: new Map([
            ['1m', H],
            ['1h', H - 3_600_000],
          ]),
          open: new Map(),
        },
        increments: new Map([
          [`1m|${H}|USD`, 100],
          [`1h|${H - 3_600_000}|USD`, 100],
        ]),
        closed: [closed],
      },
      parked: {
        next: new Map([['o-3', parkedEntry]]),
        changed: new Map([['o-3', parkedEntry]]),
        removed: ['o-4'],
      },
      unparked: ['o-4', 'o-5'],
    });

    const { count, args } = commitOperations(batch);

    expect(count).toBe(10);
    expect(args).toEqual(
      [
        ['H', 4, 2, 'o-1', JSON.stringify(order('o-1')), 'o-2', JSON.stringify(order('o-2'))],
        ['I', 5, 2, 'EUR', -250, 'USD', 700],
        ['H', 6, 1, 'customer-value|c-1', '{"orders":1}'],
        ['I', 7, 2, `1m|${H}|USD`, 100, `1h|${H - 3_600_000}|USD`, 100],
        // The closed window's open fields go after the increments that may have touched them.
        ['D', 7, 2, `1m|${H - MIN}|EUR`, `1m|${H - MIN}|USD`],
        ['H', 8, 1, `1m|${H - MIN}`, JSON.stringify(closed)],
        ['H', 9, 3, 'watermark', H + 10_000, 'frontier|1m', H, 'frontier|1h', H - 3_600_000],
        ['H', 10, 1, 'o-3', JSON.stringify(parkedEntry)],
        ['D', 10, 1, 'o-4'],
        ['D', 11, 2, 'o-4', 'o-5'],
      ].flat(),
    );
  });

  it('writes nothing for a batch that changed nothing', () => {
    expect(commitOperations(emptyBatch())).toEqual({ count: 0, args: [] });
  });

  it('leaves the clock’s watermark alone until the partition has read an event', () => {
    const batch = emptyBatch({
      windows: {
        next: { watermark: null, frontiers: new Map(), open: new Map() },
        increments: new Map(),
        closed: [],
      },
    });
    expect(commitOperations(batch)).toEqual({ count: 0, args: [] });
  });

  it('a closed window that had no open fields writes its result only', () => {
    const batch = emptyBatch({
      windows: {
        next: { watermark: H, frontiers: new Map([['1m', H]]), open: new Map() },
        increments: new Map(),
        closed: [{ ...closed, totals: {} }],
      },
    });
    expect(commitOperations(batch).args).toEqual(
      [
        ['H', 8, 1, `1m|${H - MIN}`, JSON.stringify({ ...closed, totals: {} })],
        ['H', 9, 2, 'watermark', H, 'frontier|1m', H],
      ].flat(),
    );
  });
});
