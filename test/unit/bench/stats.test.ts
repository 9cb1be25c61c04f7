import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { median, percentile } from '../../../bench/stats.js';

describe('median', () => {
  it('is the middle value of an odd count, whatever the order', () => {
    expect(median([7])).toBe(7);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([10, -5, 40, 0, 3])).toBe(3);
  });

  it('is the mean of the middle two of an even count', () => {
    expect(median([4, 1])).toBe(2.5);
    expect(median([400, 100, 300, 200])).toBe(250);
  });

  it('sorts numerically, not as text', () => {
    expect(median([9, 10, 100])).toBe(10);
  });

  it('leaves its input as it was', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow('median of no values');
  });
});

describe('percentile (nearest rank)', () => {
  const oneToTen = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

  it('is the value at rank ⌈p/100 × n⌉ of the sorted list', () => {
    expect(percentile(oneToTen, 10)).toBe(1);
    expect(percentile(oneToTen, 11)).toBe(2);
    expect(percentile(oneToTen, 50)).toBe(5);
    expect(percentile(oneToTen, 90)).toBe(9);
    expect(percentile(oneToTen, 91)).toBe(10);
    expect(percentile(oneToTen, 99)).toBe(10);
    const hundred = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
  });

  it('is the maximum at p100 and the minimum at a tiny p', () => {
    expect(percentile(oneToTen, 100)).toBe(10);
    expect(percentile(oneToTen, 0.001)).toBe(1);
    expect(percentile([42], 50)).toBe(42);
    expect(percentile([42], 100)).toBe(42);
  });

  it('never interpolates: the result is one of the values', () => {
    expect(percentile([1, 1000], 50)).toBe(1);
    expect(percentile([1, 1000], 51)).toBe(1000);
  });

  it('sorts numerically and leaves its input as it was', () => {
    const values = [100, 9, 10];
    expect(percentile(values, 50)).toBe(10);
    expect(values).toEqual([100, 9, 10]);
  });

  it('refuses an empty list', () => {
    expect(() => percentile([], 99)).toThrow('percentile of no values');
  });

  it('is the smallest value with at least p% of the values at or below it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000, max: 1_000 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const result = percentile(values, p);
          const atOrBelow = values.filter((v) => v <= result).length;
          const below = values.filter((v) => v < result).length;
          expect(values).toContain(result);
          expect(atOrBelow * 100).toBeGreaterThanOrEqual(p * values.length);
          expect(below * 100).toBeLessThan(p * values.length);
        },
      ),
    );
  });

  it('orders p50 ≤ p99 ≤ p100', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), (values) => {
        const [p50, p99, max] = [50, 99, 100].map((p) => percentile(values, p)) as [
          number,
          number,
          number,
        ];
        expect(p50).toBeLessThanOrEqual(p99);
        expect(p99).toBeLessThanOrEqual(max);
        expect(max).toBe(Math.max(...values));
      }),
    );
  });
});
