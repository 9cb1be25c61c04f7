import { describe, expect, it } from 'vitest';
import { formatLagReport, type LagReport } from '../../../src/lag/index.js';

describe('formatLagReport', () => {
  it('aligns the columns and prints - for what is unknown', () => {
    const report: LagReport = {
      topology: 'orders',
      topic: 'orders-events',
      group: 'orders-group',
      partitions: [
        {
          partition: 0,
          committed: 1200,
          applied: 1250,
          highWatermark: 1300,
          lag: 50,
          lagSeconds: 3.25,
          owner: 'streamfold-orders@10.0.0.7',
        },
        {
          partition: 1,
          committed: null,
          applied: null,
          highWatermark: 0,
          lag: 0,
          lagSeconds: 0,
          owner: null,
        },
        {
          partition: 2,
          committed: null,
          applied: null,
          highWatermark: 9,
          lag: 9,
          lagSeconds: null,
          owner: null,
        },
      ],
      totalLag: 59,
    };
    expect(formatLagReport(report).split('\n')).toEqual([
      'topology orders, topic orders-events, group orders-group',
      'PARTITION  COMMITTED  APPLIED  HIGH  LAG  LAG_SECONDS  OWNER',
      '0          1200       1250     1300  50   3.3          streamfold-orders@10.0.0.7',
      '1          -          -        0     0    0.0          -',
      '2          -          -        9     9    -            -',
      'total lag 59',
    ]);
  });
});
