import { describe, expect, it } from 'vitest';
import { partitionLag, PartitionLagTracker } from '../../../src/metrics/index.js';

const t0 = 1_764_300_000_000;

describe('partitionLag', () => {
  it('counts records from applied + 1 up to the high watermark', () => {
    // Offsets 0..99 written (high watermark 100), 0..89 applied: 90..99 remain.
    expect(partitionLag({ highWatermark: 100, appliedOffset: 89, nowMs: t0 })).toEqual({
      messages: 10,
      seconds: 0,
    });
    // Nothing applied yet (-1): every record is lag.
    expect(partitionLag({ highWatermark: 5, appliedOffset: -1, nowMs: t0 }).messages).toBe(5);
  });

  it('is 0 records and 0 seconds when caught up, whatever the timestamp says', () => {
    expect(
      partitionLag({
        highWatermark: 100,
        appliedOffset: 99,
        oldestUnprocessedTimestampMs: t0 - 60_000,
        nowMs: t0,
      }),
    ).toEqual({ messages: 0, seconds: 0 });
  });

  it('never goes negative (a high watermark fetched before a later commit)', () => {
    expect(partitionLag({ highWatermark: 100, appliedOffset: 150, nowMs: t0 }).messages).toBe(0);
    expect(
      partitionLag({
        highWatermark: 100,
        appliedOffset: 50,
        oldestUnprocessedTimestampMs: t0 + 5_000, // producer clock ahead
        nowMs: t0,
      }).seconds,
    ).toBe(0);
  });

  it('measures time lag as the age of the oldest unapplied record, in seconds', () => {
    expect(
      partitionLag({
        highWatermark: 100,
        appliedOffset: 49,
        oldestUnprocessedTimestampMs: t0 - 12_500,
        nowMs: t0,
      }),
    ).toEqual({ messages: 50, seconds: 12.5 });
  });
});

describe('PartitionLagTracker', () => {
  const id = { group: 'g', topic: 'orders', partition: 2 };

  it('reports nothing until both the high watermark and the applied offset are known', () => {
    const tracker = new PartitionLagTracker();
    tracker.update({ ...id, appliedOffset: 9 }, t0);
    expect(tracker.lags(t0)).toEqual([]);
    tracker.update({ ...id, highWatermark: 20 }, t0);
    expect(tracker.lags(t0)).toEqual([{ ...id, messages: 10, seconds: 0 }]);
  });

  it('keeps the time lag of a stuck partition growing between batches', () => {
    const tracker = new PartitionLagTracker();
    tracker.update({ ...id, appliedOffset: 9 }, t0);
    tracker.update(
      { ...id, highWatermark: 20, oldestUnprocessed: { offset: 10, timestampMs: t0 - 2_000 } },
      t0,
    );
    expect(tracker.lags(t0)[0]?.seconds).toBe(2);
    expect(tracker.lags(t0 + 30_000)[0]?.seconds).toBe(32);
  });

  it('dates a backlog by the last fetched record until the next fetch, then resets', () => {
    const tracker = new PartitionLagTracker();
    tracker.update({ ...id, appliedOffset: -1 }, t0);
    tracker.update(
      { ...id, highWatermark: 1000, oldestUnprocessed: { offset: 0, timestampMs: t0 - 60_000 } },
      t0,
    );
    // The batch 0..99 commits; 900 remain and no newer record has been fetched yet.
    tracker.update({ ...id, appliedOffset: 99 }, t0 + 1_000);
    expect(tracker.lags(t0 + 1_000)[0]).toMatchObject({ messages: 900, seconds: 61 });
    tracker.update(
      { ...id, highWatermark: 1000, oldestUnprocessed: { offset: 100, timestampMs: t0 - 50_000 } },
      t0 + 1_000,
    );
    expect(tracker.lags(t0 + 1_000)[0]?.seconds).toBe(51);
    // Caught up: 0, and an old timestamp does not come back with the next backlog.
    tracker.update({ ...id, appliedOffset: 999 }, t0 + 2_000);
    expect(tracker.lags(t0 + 2_000)[0]).toMatchObject({ messages: 0, seconds: 0 });
    tracker.update({ ...id, highWatermark: 1010 }, t0 + 10_000);
    expect(tracker.lags(t0 + 15_000)[0]).toMatchObject({ messages: 10, seconds: 5 });
  });

  it('without any fetched record, counts from when the lag was first seen', () => {
    const tracker = new PartitionLagTracker();
    tracker.update({ ...id, appliedOffset: 4, highWatermark: 10 }, t0);
    expect(tracker.lags(t0 + 7_000)[0]).toMatchObject({ messages: 5, seconds: 7 });
  });

  it('forgets a removed partition and returns its group', () => {
    const tracker = new PartitionLagTracker();
    tracker.update({ ...id, appliedOffset: 1, highWatermark: 5 }, t0);
    expect(tracker.update({ ...id, group: 'h', highWatermark: 6 }, t0)).toBe('g');
    expect(tracker.remove('orders', 2)).toBe('h');
    expect(tracker.remove('orders', 2)).toBeUndefined();
    expect(tracker.size).toBe(0);
    expect(tracker.lags(t0)).toEqual([]);
  });
});
