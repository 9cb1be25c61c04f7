import { describe, expect, it } from 'vitest';
import { HandoffClock } from '../../../src/source/index.js';

function clockAt(start: number): { clock: HandoffClock; advance: (ms: number) => void } {
  let now = start;
  return {
    clock: new HandoffClock(() => now),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('HandoffClock', () => {
  it('measures from assignment to the first commit only', () => {
    const { clock, advance } = clockAt(1000);
    clock.assigned([0, 1]);
    advance(250);
    expect(clock.committed(0)).toBe(0.25);
    advance(250);
    expect(clock.committed(0)).toBeUndefined();
    expect(clock.committed(1)).toBe(0.5);
    expect(clock.pending).toBe(0);
  });

  it('keeps the first assignment time when a partition is assigned again before a commit', () => {
    const { clock, advance } = clockAt(0);
    clock.assigned([3]);
    advance(100);
    clock.assigned([3]);
    advance(100);
    expect(clock.committed(3)).toBe(0.2);
  });

  it('forgets partitions revoked before their first commit', () => {
    const { clock, advance } = clockAt(0);
    clock.assigned([4, 5]);
    clock.revoked([4]);
    advance(10);
    expect(clock.committed(4)).toBeUndefined();
    expect(clock.pending).toBe(1);
  });

  it('never reports a commit for a partition it was not told about', () => {
    const { clock } = clockAt(0);
    expect(clock.committed(9)).toBeUndefined();
  });
});
