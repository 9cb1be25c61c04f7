import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../../../src/source/backoff.js';

const policy = { initialMs: 200, maxMs: 30_000, factor: 2 };

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, with full jitter below it', () => {
    expect(backoffDelay(1, policy, () => 1)).toBe(200);
    expect(backoffDelay(4, policy, () => 1)).toBe(1600);
    expect(backoffDelay(30, policy, () => 1)).toBe(30_000);
    expect(backoffDelay(4, policy, () => 0.5)).toBe(800);
  });

  it('never retries sooner than half the initial delay (no hot loop)', () => {
    for (const attempt of [1, 2, 10]) expect(backoffDelay(attempt, policy, () => 0)).toBe(100);
  });
});
