import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../src/sim/index.js';

const draw = (seed: number, stream = 0, n = 8) => {
  const rng = createRandom(seed, stream);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRandom', () => {
  it('repeats a sequence for the same seed and stream', () => {
    expect(draw(123)).toEqual(draw(123));
  });

  it('differs between seeds, streams, and seeds 2^32 apart', () => {
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1, 1)).not.toEqual(draw(1, 2));
    expect(draw(7)).not.toEqual(draw(7 + 2 ** 32));
  });

  it('stays in range and covers it', () => {
    const rng = createRandom(99);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const x = rng.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const n = rng.int(-2, 2);
      expect(n).toBeGreaterThanOrEqual(-2);
      expect(n).toBeLessThanOrEqual(2);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
  });

  it('chance(0) is never true and chance(1) always is', () => {
    const rng = createRandom(5);
    for (let i = 0; i < 1000; i++) {
      expect(rng.chance(0)).toBe(false);
      expect(rng.chance(1)).toBe(true);
    }
  });

  it('has a roughly uniform mean', () => {
    const xs = draw(2024, 0, 20_000);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
  });
});
