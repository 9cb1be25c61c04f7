import { describe, expect, it } from 'vitest';
import {
  ReferenceWindows,
  sumWindows,
  type RefWindowSize,
} from '../../../src/reconcile/reference-windows.js';

const M = 60_000;
const H = 3_600_000;
const MIN: RefWindowSize = { label: '1m', ms: M };
const HOUR: RefWindowSize = { label: '1h', ms: H };
const usd = (cents: number) => ({ currency: 'USD', cents });
const eur = (cents: number) => ({ currency: 'EUR', cents });

describe('reference windows', () => {
  it('adds out-of-order events to a window still open, and closes at end + grace == W', () => {
    const w = new ReferenceWindows({ sizes: [MIN], graceMs: 5_000 });
    w.observe(0, 0, 30_000, usd(100));
    // W = 64_999: the frontier is floor(59_999 / 1m) = 0, so [0, 1m) stays open.
    w.observe(0, 1, 64_999, usd(1));
    w.observe(0, 2, 20_000, usd(7)); // earlier than W, but its window is open: added
    expect(w.results()).toEqual([]);
    // No revenue, but it moves W to 65_000 = end + grace: [0, 1m) closes.
    w.observe(0, 3, 65_000);
    expect(w.results()).toEqual([
      {
        partition: 0,
        size: '1m',
        sizeMs: M,
        start: 0,
        end: M,
        totals: { USD: 107 },
        closedBy: 'watermark',
      },
    ]);
    expect(w.late()).toEqual([]);
  });

  it('an event whose window ends exactly at the frontier is late and not added', () => {
    const w = new ReferenceWindows({ sizes: [MIN], graceMs: 5_000 });
    w.observe(0, 0, 10_000, usd(100));
    w.observe(0, 1, 70_000, usd(200)); // F = floor(65_000 / 1m) * 1m = 1m: closes [0, 1m)
    w.observe(0, 2, 50_000, usd(5)); // end 1m <= F = 1m: late
    w.observe(0, 3, 60_000, usd(9)); // [1m, 2m): end 2m > F, added
    w.finish();
    expect(w.late()).toEqual([{ partition: 0, offset: 2, sizeLabel: '1m', windowStart: 0 }]);
    expect(w.results().map((r) => [r.start, r.totals, r.closedBy])).toEqual([
      [0, { USD: 100 }, 'watermark'],
      [M, { USD: 209 }, 'idle'],
    ]);
  });

  it('the watermark never goes back, and late events still move nothing', () => {
    const w = new ReferenceWindows({ sizes: [MIN], graceMs: 0 });
    w.observe(0, 0, 2 * M + 1, usd(1)); // W = 2m+1, F = 2m
    w.observe(0, 1, 10, usd(2)); // late: W stays 2m+1
    w.observe(0, 2, 2 * M + 2, usd(3));
    w.finish();
    expect(w.late()).toEqual([{ partition: 0, offset: 1, sizeLabel: '1m', windowStart: 0 }]);
    expect(w.results()).toEqual([
      {
        partition: 0,
        size: '1m',
        sizeMs: M,
        start: 2 * M,
        end: 3 * M,
        totals: { USD: 4 },
        closedBy: 'idle',
      },
    ]);
  });

  it('sums negative deltas (refunds), keeping a currency that came back to 0', () => {
    const w = new ReferenceWindows({ sizes: [MIN], graceMs: 0 });
    w.observe(0, 0, 1_000, usd(1_000));
    w.observe(0, 1, 2_000, eur(300));
    w.observe(0, 2, 3_000, usd(-1_000));
    w.observe(0, 3, 4_000, eur(-550));
    w.observe(0, 4, M + 1, usd(-20)); // a refund alone in its window
    w.observe(0, 5, 2 * M + 1, usd(0)); // a zero change still makes the window exist
    w.finish();
    expect(w.results().map((r) => [r.start, r.totals, r.closedBy])).toEqual([
      [0, { EUR: -250, USD: 0 }, 'watermark'],
      [M, { USD: -20 }, 'watermark'],
      [2 * M, { USD: 0 }, 'idle'],
    ]);
    expect(Object.keys(w.results()[0]?.totals ?? {})).toEqual(['EUR', 'USD']);
  });

  it('an event can be late for 1m and on time for 1h', () => {
    const w = new ReferenceWindows({ sizes: [HOUR, MIN], graceMs: 0 });
    w.observe(0, 0, 0, usd(1));
    w.observe(0, 1, 125_000, usd(2)); // F(1m) = 2m closes 1m [0, 1m); F(1h) stays 0
    w.observe(0, 2, 90_000, usd(4)); // 1m [1m, 2m) ends at F(1m): late; 1h [0, 1h): added
    expect(w.late()).toEqual([{ partition: 0, offset: 2, sizeLabel: '1m', windowStart: M }]);
    w.finish();
    expect(w.results()).toEqual([
      {
        partition: 0,
        size: '1m',
        sizeMs: M,
        start: 0,
        end: M,
        totals: { USD: 1 },
        closedBy: 'watermark',
      },
      {
        partition: 0,
        size: '1m',
        sizeMs: M,
        start: 2 * M,
        end: 3 * M,
        totals: { USD: 2 },
        closedBy: 'idle',
      },
      {
        partition: 0,
        size: '1h',
        sizeMs: H,
        start: 0,
        end: H,
        totals: { USD: 7 },
        closedBy: 'idle',
      },
    ]);
  });

  it('finish() closes every open window as idle and moves the frontier past them', () => {
    const w = new ReferenceWindows({ sizes: [MIN, HOUR], graceMs: 10_000 });
    w.observe(0, 0, 5_000, usd(10));
    w.observe(0, 1, 61_000, usd(20));
    expect(w.results()).toEqual([]); // W - grace = 51_000: nothing closed yet
    w.finish();
    expect(w.results().map((r) => [r.size, r.start, r.end, r.totals, r.closedBy])).toEqual([
      ['1m', 0, M, { USD: 10 }, 'idle'],
      ['1m', M, 2 * M, { USD: 20 }, 'idle'],
      ['1h', 0, H, { USD: 30 }, 'idle'],
    ]);
    // F(1m) = 2m, the last end, though the watermark (61s) never got there; F(1h) = 1h.
    w.observe(0, 2, 119_999, usd(1));
    w.observe(0, 3, 120_000, usd(2));
    expect(w.late()).toEqual([
      { partition: 0, offset: 2, sizeLabel: '1m', windowStart: M },
      { partition: 0, offset: 2, sizeLabel: '1h', windowStart: 0 },
      { partition: 0, offset: 3, sizeLabel: '1h', windowStart: 0 },
    ]);
    w.finish();
    expect(w.results().filter((r) => r.start === 2 * M)).toMatchObject([
      { size: '1m', totals: { USD: 2 }, closedBy: 'idle' },
    ]);
  });

  it('keeps partitions apart, and sumWindows adds them up per window', () => {
    const w = new ReferenceWindows({ sizes: [MIN], graceMs: 0 });
    w.observe(1, 0, 1_000, usd(5));
    w.observe(0, 0, 2_000, usd(10));
    w.observe(0, 1, 3_000, eur(1));
    // Partition 1's watermark closes only partition 1's window.
    w.observe(1, 1, 3 * M, usd(50));
    expect(w.results().map((r) => [r.partition, r.start, r.closedBy])).toEqual([
      [1, 0, 'watermark'],
    ]);
    w.observe(0, 2, 4_000, usd(-3)); // still on time in partition 0
    w.finish();
    expect(w.results().map((r) => [r.partition, r.start, r.totals, r.closedBy])).toEqual([
      [0, 0, { EUR: 1, USD: 7 }, 'idle'],
      [1, 0, { USD: 5 }, 'watermark'],
      [1, 3 * M, { USD: 50 }, 'idle'],
    ]);
    expect(sumWindows(w.results())).toEqual([
      { size: '1m', start: 0, end: M, totals: { EUR: 1, USD: 12 } },
      { size: '1m', start: 3 * M, end: 4 * M, totals: { USD: 50 } },
    ]);
  });

  it('sumWindows orders by size then start', () => {
    const w = new ReferenceWindows({ sizes: [HOUR, MIN], graceMs: 0 });
    w.observe(0, 0, H + 1, usd(1));
    w.observe(1, 0, 1, usd(2));
    w.finish();
    expect(sumWindows(w.results()).map((s) => [s.size, s.start])).toEqual([
      ['1m', 0],
      ['1m', H],
      ['1h', 0],
      ['1h', H],
    ]);
  });

  it('rejects a bad configuration', () => {
    expect(() => new ReferenceWindows({ sizes: [], graceMs: 0 })).toThrow();
    expect(() => new ReferenceWindows({ sizes: [{ label: 'x', ms: 0 }], graceMs: 0 })).toThrow();
    expect(() => new ReferenceWindows({ sizes: [MIN, MIN], graceMs: 0 })).toThrow();
    expect(() => new ReferenceWindows({ sizes: [MIN], graceMs: -1 })).toThrow();
  });
});
