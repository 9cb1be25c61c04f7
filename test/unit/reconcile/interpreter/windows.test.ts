import { describe, expect, it } from 'vitest';
import { groupPartials } from '../../../../src/reconcile/interpreter/partials.js';
import type { AggregateChange } from '../../../../src/reconcile/interpreter/types.js';
import {
  attribute,
  closeIdle,
  newPartitionWindows,
  observeTime,
  type PartitionWindows,
} from '../../../../src/reconcile/interpreter/windows.js';
import { ordersProgram, revenue } from './programs.js';

const usd = (cents: number): AggregateChange =>
  new Map([['USD', [{ metric: 'cents', kind: 'add', sub: undefined, amount: cents }]]]);

/** Window field → [closedBy, USD cents]. */
function summary(windows: PartitionWindows): Record<string, [string | null, number]> {
  const out: Record<string, [string | null, number]> = {};
  for (const [field, window] of windows.aggregates.get('revenue')?.windows ?? []) {
    const cents = groupPartials(revenue, window.groups).get('USD')?.cents;
    out[field] = [window.closedBy, typeof cents === 'number' ? cents : NaN];
  }
  return out;
}

function step(windows: PartitionWindows, offset: number, time: number, change?: AggregateChange) {
  const late = change === undefined ? [] : attribute(windows, 'revenue', change, time, offset);
  observeTime(windows, time);
  return late;
}

describe('windows', () => {
  it('closes a window once the watermark reaches its end + grace', () => {
    const w = newPartitionWindows(ordersProgram, 3);
    expect(step(w, 0, 5_000, usd(100))).toEqual([]);
    expect(step(w, 1, 65_000, usd(10))).toEqual([]);
    // 65 s - 10 s grace = 55 s: both frontiers are at 0, the minute [0, 60 s) is still open.
    expect(summary(w)).toEqual({
      '1m|0': [null, 100],
      '1h|0': [null, 110],
      '1m|60000': [null, 10],
    });
    expect(w.aggregates.get('revenue')?.frontiers).toEqual(
      new Map([
        ['1m', 0],
        ['1h', 0],
      ]),
    );
    step(w, 2, 70_000);
    expect(summary(w)['1m|0']).toEqual(['watermark', 100]);
    expect(w.watermark).toBe(70_000);
  });

  it('leaves a closed window unchanged and reports the transition late for that size only', () => {
    const w = newPartitionWindows(ordersProgram, 3);
    step(w, 0, 5_000, usd(100));
    step(w, 1, 70_000);
    expect(step(w, 2, 30_000, usd(7))).toEqual([
      { partition: 3, offset: 2, aggregate: 'revenue', size: '1m', start: 0 },
    ]);
    expect(summary(w)).toEqual({ '1m|0': ['watermark', 100], '1h|0': [null, 107] });
    // An older event does not move the watermark back.
    expect(w.watermark).toBe(70_000);
  });

  it('checks lateness against the frontier before the event, then lets the event move it', () => {
    const w = newPartitionWindows(ordersProgram, 0);
    step(w, 0, 1_000, usd(1));
    // 130 s closes the minutes up to 120 s, after its own window [120 s, 180 s) took it.
    expect(step(w, 1, 130_000, usd(2))).toEqual([]);
    expect(summary(w)).toEqual({
      '1m|0': ['watermark', 1],
      '1h|0': [null, 3],
      '1m|120000': [null, 2],
    });
  });

  it('an idle close moves each frontier to the end of the newest open window and closes them all', () => {
    const w = newPartitionWindows(ordersProgram, 0);
    step(w, 0, 5_000, usd(100));
    step(w, 1, 65_000, usd(10));
    closeIdle(w);
    expect(summary(w)).toEqual({
      '1m|0': ['idle', 100],
      '1h|0': ['idle', 110],
      '1m|60000': ['idle', 10],
    });
    expect(w.aggregates.get('revenue')?.frontiers).toEqual(
      new Map([
        ['1m', 120_000],
        ['1h', 3_600_000],
      ]),
    );
    // Both sizes are closed for 100 s now; a new hour is not.
    expect(step(w, 2, 100_000, usd(5))).toEqual([
      { partition: 0, offset: 2, aggregate: 'revenue', size: '1m', start: 60_000 },
      { partition: 0, offset: 2, aggregate: 'revenue', size: '1h', start: 0 },
    ]);
    expect(step(w, 3, 3_600_000, usd(1))).toEqual([]);
    expect(summary(w)['1h|3600000']).toEqual([null, 1]);
    expect(summary(w)['1m|3600000']).toEqual([null, 1]);
  });

  it('an idle close keeps the frontier of a size with no open window', () => {
    const w = newPartitionWindows(ordersProgram, 0);
    step(w, 0, 5_000, usd(1));
    step(w, 1, 200_000);
    // The minute closed by the watermark; only the hour is open.
    closeIdle(w);
    expect(w.aggregates.get('revenue')?.frontiers).toEqual(
      new Map([
        ['1m', 180_000],
        ['1h', 3_600_000],
      ]),
    );
    closeIdle(w);
    expect(w.aggregates.get('revenue')?.frontiers).toEqual(
      new Map([
        ['1m', 180_000],
        ['1h', 3_600_000],
      ]),
    );
    expect(summary(w)).toEqual({ '1m|0': ['watermark', 1], '1h|0': ['idle', 1] });
  });

  it('attributes an empty change nowhere and keeps no windows for running aggregates', () => {
    const w = newPartitionWindows(ordersProgram, 0);
    expect(step(w, 0, 5_000, new Map())).toEqual([]);
    expect(summary(w)).toEqual({});
    expect([...w.aggregates.keys()]).toEqual(['revenue']);
  });
});
