import { describe, expect, it } from 'vitest';
import type { TopicRecord } from '../../../src/kafka/read-topic.js';
import { compareCustomers, compareWindows } from '../../../src/reconcile/compare-extras.js';
import type { RefCustomer } from '../../../src/reconcile/reference-customers.js';
import type { RefWindowResult } from '../../../src/reconcile/reference-windows.js';

const window = (
  start: number,
  totals: Record<string, number>,
  closedBy: RefWindowResult['closedBy'] = 'watermark',
): RefWindowResult => ({
  partition: 0,
  size: '1m',
  sizeMs: 60_000,
  start,
  end: start + 60_000,
  totals,
  closedBy,
});

const lateRecord = (partition: number, offset: number, size: string): TopicRecord => ({
  partition: 0,
  offset: 0,
  key: null,
  value: null,
  timestamp: 0,
  headers: {
    'sf-source-partition': String(partition),
    'sf-source-offset': String(offset),
    'sf-window-size': size,
  },
});

describe('compareWindows', () => {
  it('accepts closed windows with equal totals and state, and open ones open or idle-closed', () => {
    const section = compareWindows(
      [window(0, { USD: 5 })],
      [window(60_000, { USD: 7 }, 'idle'), window(120_000, { EUR: 1 }, 'idle')],
      [
        { partition: 0, size: '1m', start: 0, totals: { USD: 5 }, state: 'watermark' },
        { partition: 0, size: '1m', start: 60_000, totals: { USD: 7 }, state: 'open' },
        { partition: 0, size: '1m', start: 120_000, totals: { EUR: 1 }, state: 'idle' },
      ],
      [{ partition: 0, offset: 9, sizeLabel: '1m', windowStart: 0 }],
      [lateRecord(0, 9, '1m'), lateRecord(0, 9, '1m')],
    );
    expect(section).toMatchObject({ ok: true, problemCount: 0, late: { expected: 1, actual: 1 } });
  });

  it('names every difference: totals, state, missing, unexpected and late events', () => {
    const section = compareWindows(
      [window(0, { USD: 5 }), window(60_000, { USD: 1 })],
      [],
      [
        { partition: 0, size: '1m', start: 0, totals: { USD: 4 }, state: 'watermark' },
        { partition: 0, size: '1m', start: 60_000, totals: { USD: 1 }, state: 'idle' },
        { partition: 0, size: '1m', start: 180_000, totals: {}, state: 'open' },
      ],
      [{ partition: 0, offset: 3, sizeLabel: '1h', windowStart: 0 }],
      [lateRecord(0, 4, '1h')],
    );
    expect(section.ok).toBe(false);
    expect(section.problems.map((p) => `${p.window}: ${p.problem}`)).toEqual([
      '0/1m/0: totals {"USD":4}, expected {"USD":5}',
      '0/1m/60000: state idle, expected watermark',
      '0/1m/180000: unexpected',
      '0/3/1h: late event not on the late topic',
      '0/4/1h: unexpected late event',
    ]);
  });
});

const customer = (id: string, ltv: Record<string, number>, orders = 1): RefCustomer => ({
  customerId: id,
  orders,
  paid: 1,
  shipped: 0,
  cancelled: 0,
  lifetimeValueCents: ltv,
});

describe('compareCustomers', () => {
  it('is ok only when every partition holds exactly the expected partials', () => {
    const expected = new Map([[0, new Map([['c1', customer('c1', { USD: 0 })]])]]);
    expect(compareCustomers(expected, expected).ok).toBe(true);
    // A currency that returned to 0 must still be there.
    const dropped = new Map([[0, new Map([['c1', customer('c1', {})]])]]);
    expect(compareCustomers(expected, dropped)).toMatchObject({ ok: false, mismatchCount: 1 });
    const elsewhere = new Map([[1, new Map([['c1', customer('c1', { USD: 0 })]])]]);
    expect(compareCustomers(expected, elsewhere)).toMatchObject({
      ok: false,
      mismatchCount: 2,
      expected: 1,
      actual: 1,
    });
  });
});
