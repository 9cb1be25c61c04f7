import { describe, expect, it } from 'vitest';
import { durationLabel, parseDuration } from '../../../src/topology/duration.js';

describe('durations', () => {
  it('parses an integer and a unit into milliseconds', () => {
    expect(['500ms', '30s', '1m', '2h', '7d', '0s'].map(parseDuration)).toEqual([
      500, 30_000, 60_000, 7_200_000, 604_800_000, 0,
    ]);
  });

  it('is NaN for anything else', () => {
    for (const text of ['5 minutes', '1.5m', '-1s', '1M', '1', 'm', '1000000000s', ' 1s']) {
      expect(parseDuration(text), text).toBeNaN();
    }
  });

  it('labels a duration with the largest unit that divides it', () => {
    expect(
      [1, 500, 1000, 1500, 60_000, 90_000, 120_000, 3_600_000, 86_400_000].map(durationLabel),
    ).toEqual(['1ms', '500ms', '1s', '1500ms', '1m', '90s', '2m', '1h', '1d']);
  });

  it('round-trips every label', () => {
    for (const ms of [250, 1000, 45_000, 60_000, 5_400_000, 172_800_000]) {
      expect(parseDuration(durationLabel(ms))).toBe(ms);
    }
  });
});
