import { describe, expect, it } from 'vitest';
import { buildLagReport, firstUnappliedOffset, type LagInputs } from '../../../src/lag/index.js';

const t0 = 1_764_300_000_000;

function inputs(overrides: Partial<LagInputs> = {}): LagInputs {
  return {
    topology: 'orders',
    topic: 'orders-events',
    group: 'orders-group',
    offsets: [
      { partition: 1, low: 0, high: 50 },
      { partition: 0, low: 0, high: 100 },
    ],
    committed: new Map(),
    applied: new Map(),
    firstUnappliedTimestamps: new Map(),
    owners: new Map(),
    nowMs: t0,
    ...overrides,
  };
}

describe('firstUnappliedOffset', () => {
  it('is applied + 1 while records remain, undefined when caught up', () => {
    expect(firstUnappliedOffset({ partition: 0, low: 0, high: 100 }, 89)).toBe(90);
    expect(firstUnappliedOffset({ partition: 0, low: 0, high: 100 }, -1)).toBe(0);
    expect(firstUnappliedOffset({ partition: 0, low: 0, high: 100 }, 99)).toBeUndefined();
  });

  it('starts at the log start when retention deleted the next record to apply', () => {
    expect(firstUnappliedOffset({ partition: 0, low: 40, high: 100 }, 9)).toBe(40);
  });
});

describe('buildLagReport', () => {
  it('measures lag against Redis, not against the committed offset', () => {
    const report = buildLagReport(
      inputs({
        // Kafka's commit trails Redis: the lag still counts from applied + 1.
        committed: new Map([[0, 80]]),
        applied: new Map([
          [0, 89],
          [1, 49],
        ]),
        firstUnappliedTimestamps: new Map([[0, t0 - 12_345]]),
        owners: new Map([[0, 'streamfold-orders@10.0.0.1']]),
      }),
    );
    expect(report).toEqual({
      topology: 'orders',
      topic: 'orders-events',
      group: 'orders-group',
      partitions: [
        {
          partition: 0,
          committed: 80,
          applied: 90,
          highWatermark: 100,
          lag: 10,
          lagSeconds: 12.345,
          owner: 'streamfold-orders@10.0.0.1',
        },
        {
          partition: 1,
          committed: null,
          applied: 50,
          highWatermark: 50,
          lag: 0,
          lagSeconds: 0,
          owner: null,
        },
      ],
      totalLag: 10,
    });
  });

  it('counts every record when nothing is applied, and leaves an unread age unknown', () => {
    const report = buildLagReport(inputs());
    expect(report.partitions.map((r) => [r.applied, r.lag, r.lagSeconds])).toEqual([
      [null, 100, null],
      [null, 50, null],
    ]);
    expect(report.totalLag).toBe(150);
  });

  it('never reports a negative age (a broker clock ahead of ours)', () => {
    const report = buildLagReport(inputs({ firstUnappliedTimestamps: new Map([[0, t0 + 5_000]]) }));
    expect(report.partitions[0]?.lagSeconds).toBe(0);
  });
});
