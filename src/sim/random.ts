/**
 * A seeded PRNG (sfc32, seeded through splitmix32). Written here rather than taken from a package
 * because the stream a seed produces is part of the simulator's contract: a dependency upgrade
 * must never change which records `--seed 1` generates.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability p. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
}

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * `stream` separates independent sequences from one seed, so drawing one more value in one of
 * them (say, a longer product list) never shifts the decisions drawn from another.
 */
export function createRandom(seed: number, stream = 0): Random {
  // Safe integers above 2^32 keep their high bits instead of aliasing a smaller seed.
  const high = Math.floor(seed / 0x1_0000_0000);
  const mix = splitmix32(
    (seed ^ Math.imul(high, 0x27d4eb2d) ^ Math.imul(stream, 0x165667b1)) >>> 0,
  );
  let a = mix();
  let b = mix();
  let c = mix();
  let d = mix();
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 0x1_0000_0000;
  };
  // The first outputs of a freshly seeded sfc32 are poorly mixed; the reference code skips 12.
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => p > 0 && next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined)
        throw new StreamfoldError(ErrorCodes.INTERNAL, 'pick from an empty list');
      return item;
    },
  };
}
