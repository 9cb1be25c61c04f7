import { describe, expect, it } from 'vitest';
import { highWatermarksFromStats } from '../../../src/source/consumer-stats.js';

const stats = JSON.stringify({
  topics: {
    'order-events': {
      partitions: {
        '0': { hi_offset: 120 },
        '1': { hi_offset: -1 },
        '-1': { hi_offset: 5 },
        '2': { hi_offset: 0 },
      },
    },
    other: { partitions: { '0': { hi_offset: 9 } } },
  },
});

describe('highWatermarksFromStats', () => {
  it('reads known high watermarks of one topic, skipping unknown ones and the internal partition', () => {
    expect([...highWatermarksFromStats({ message: stats }, 'order-events')]).toEqual([
      [0, 120],
      [2, 0],
    ]);
    expect([...highWatermarksFromStats(stats, 'other')]).toEqual([[0, 9]]);
  });

  it('returns nothing for unparseable or unrelated payloads', () => {
    expect(highWatermarksFromStats('{not json', 'order-events').size).toBe(0);
    expect(highWatermarksFromStats(42, 'order-events').size).toBe(0);
    expect(highWatermarksFromStats(stats, 'missing').size).toBe(0);
  });
});
