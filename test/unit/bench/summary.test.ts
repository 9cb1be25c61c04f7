import { describe, expect, it } from 'vitest';
import { goals, summarise, type Goal } from '../../../bench/report/summary.js';
import { contender, failedRun, latency, run, summary } from './fixtures.js';

describe('summarise', () => {
  it('takes the exact median of every measure over three rounds, whatever their order', () => {
    const runs = [
      run('sut', 1, {
        eventsPerSecond: 300,
        cpuMicrosPerEvent: { worker: 5, broker: 20, redis: 0.5 },
        rssBytes: { peak: 30, steady: 3 },
        redisCommandsPerEvent: 0.3,
      }),
      run('sut', 2, {
        eventsPerSecond: 100,
        cpuMicrosPerEvent: { worker: 1, broker: 40, redis: 0.1 },
        rssBytes: { peak: 10, steady: 1 },
        redisCommandsPerEvent: 0.2,
      }),
      run('sut', 3, {
        eventsPerSecond: 200,
        cpuMicrosPerEvent: { worker: 3, broker: 30, redis: 0.3 },
        rssBytes: { peak: 20, steady: 2 },
        redisCommandsPerEvent: 0.1,
      }),
    ];
    expect(summarise(contender('sut'), runs)).toEqual({
      id: 'sut',
      label: 'streamfold',
      description: 'how sut runs',
      ok: true,
      rounds: 3,
      problems: [],
      eventsPerSecond: 200,
      cpuMicrosPerEvent: { worker: 3, broker: 30, redis: 0.3 },
      rssBytes: { peak: 20, steady: 2 },
      redisCommandsPerEvent: 0.2,
    });
  });

  it('takes each measure’s median on its own, not the fastest round’s readings', () => {
    // The fastest round used the least CPU: a summary that copied one round would show 1.
    const runs = [
      run('b0a', 1, {
        eventsPerSecond: 900,
        cpuMicrosPerEvent: { worker: 1, broker: 9, redis: 0 },
      }),
      run('b0a', 2, {
        eventsPerSecond: 500,
        cpuMicrosPerEvent: { worker: 8, broker: 2, redis: 0 },
      }),
      run('b0a', 3, {
        eventsPerSecond: 700,
        cpuMicrosPerEvent: { worker: 6, broker: 4, redis: 0 },
      }),
    ];
    const s = summarise(contender('b0a'), runs);
    expect(s.eventsPerSecond).toBe(700);
    expect(s.cpuMicrosPerEvent).toEqual({ worker: 6, broker: 4, redis: 0 });
  });

  it('averages the middle two of an even number of rounds', () => {
    const runs = [
      run('ks', 1, { eventsPerSecond: 100 }),
      run('ks', 2, { eventsPerSecond: 400 }),
      run('ks', 3, { eventsPerSecond: 200 }),
      run('ks', 4, { eventsPerSecond: 300 }),
    ];
    expect(summarise(contender('ks'), runs).eventsPerSecond).toBe(250);
  });

  it('only looks at the contender’s own runs', () => {
    const runs = [
      run('b0c', 1, { eventsPerSecond: 10 }),
      failedRun('sut', 1, 'wrong revenue'),
      run('b0c', 2, { eventsPerSecond: 30 }),
      run('ks', 1, { eventsPerSecond: 1_000_000 }),
      run('b0c', 3, { eventsPerSecond: 20 }),
    ];
    const s = summarise(contender('b0c'), runs);
    expect(s).toMatchObject({ id: 'b0c', ok: true, rounds: 3, problems: [], eventsPerSecond: 20 });
  });

  it('fails a contender with one failed round: no speed, and every problem names its round', () => {
    const runs = [
      run('b1-1', 1, { eventsPerSecond: 5_000 }),
      failedRun('b1-1', 2, 'USD expected 120, got 118', 'EUR expected 5, got 0'),
      run('b1-1', 3, { eventsPerSecond: 7_000 }),
    ];
    const s = summarise(contender('b1-1'), runs);
    expect(s.ok).toBe(false);
    expect(s.rounds).toBe(3);
    expect(s.problems).toEqual([
      'round 2: USD expected 120, got 118',
      'round 2: EUR expected 5, got 0',
    ]);
    // A wrong result has no speed: nothing from the passing rounds leaks into the summary.
    expect(s.eventsPerSecond).toBe(0);
    expect(s.cpuMicrosPerEvent).toEqual({ worker: 0, broker: 0, redis: 0 });
    expect(s.rssBytes).toEqual({ peak: 0, steady: 0 });
    expect(s.redisCommandsPerEvent).toBe(0);
  });

  it('keeps the problems of several failed rounds in round order', () => {
    const runs = [
      failedRun('sut', 1, 'committed 5 of 10 records'),
      run('sut', 2),
      failedRun('sut', 3, 'the process exited early with code 1'),
    ];
    expect(summarise(contender('sut'), runs).problems).toEqual([
      'round 1: committed 5 of 10 records',
      'round 3: the process exited early with code 1',
    ]);
  });

  it('fails a run that is marked failed even when it lists no problem', () => {
    const s = summarise(contender('sut'), [run('sut', 1), run('sut', 2, { ok: false })]);
    expect(s.ok).toBe(false);
    expect(s.eventsPerSecond).toBe(0);
  });

  it('fails a contender that never ran', () => {
    const s = summarise(contender('ks'), [run('sut', 1)]);
    expect(s).toMatchObject({ ok: false, rounds: 0, problems: [], eventsPerSecond: 0 });
  });
});

const byName = (list: Goal[]) => Object.fromEntries(list.map((g) => [g.goal, g]));

const RATIO_B0C = 'streamfold ÷ B0c passthrough';
const RATIO_B1 = 'streamfold ÷ B1 naive at concurrency 1';
const RATIO_KS = 'streamfold ÷ Kafka Streams';
const REDIS = 'Redis commands per event';
const P99 = 'streamfold p99 latency at 50% load, ms';

describe('goals', () => {
  it('lists the five goals in order with their targets and directions', () => {
    const list = goals([], []);
    expect(list.map(({ goal, target, better }) => ({ goal, target, better }))).toEqual([
      { goal: RATIO_B0C, target: 0.75, better: 'higher' },
      { goal: RATIO_B1, target: 20, better: 'higher' },
      { goal: RATIO_KS, target: 1, better: 'higher' },
      { goal: REDIS, target: 0.1, better: 'lower' },
      { goal: P99, target: 50, better: 'lower' },
    ]);
    // Nothing ran: nothing is measured, and nothing is claimed met or missed.
    for (const g of list) expect(g).toMatchObject({ value: undefined, met: undefined });
  });

  it('divides streamfold’s rate by each peer’s and compares with the target', () => {
    const list = byName(
      goals(
        [
          summary('b0a', { eventsPerSecond: 5_000 }),
          summary('b0c', { eventsPerSecond: 4_000 }),
          summary('b1-1', { eventsPerSecond: 100 }),
          summary('b1-p', { eventsPerSecond: 400 }),
          summary('sut', { eventsPerSecond: 3_000, redisCommandsPerEvent: 0.02 }),
          summary('ks', { eventsPerSecond: 6_000 }),
        ],
        [latency('sut', { p99Ms: 12 }), latency('ks', { p99Ms: 400 })],
      ),
    );
    expect(list[RATIO_B0C]).toMatchObject({ value: 0.75, met: true });
    expect(list[RATIO_B1]).toMatchObject({ value: 30, met: true });
    expect(list[RATIO_KS]).toMatchObject({ value: 0.5, met: false });
    expect(list[REDIS]).toMatchObject({ value: 0.02, met: true });
    // streamfold's own latency, not the peer's.
    expect(list[P99]).toMatchObject({ value: 12, met: true });
  });

  it('meets a target it reaches exactly, from either direction', () => {
    const at = byName(
      goals(
        [
          summary('b0c', { eventsPerSecond: 1_000 }),
          summary('b1-1', { eventsPerSecond: 100 }),
          summary('ks', { eventsPerSecond: 2_000 }),
          summary('sut', { eventsPerSecond: 2_000, redisCommandsPerEvent: 0.1 }),
        ],
        [latency('sut', { p99Ms: 50 })],
      ),
    );
    expect(at[RATIO_B0C]).toMatchObject({ value: 2, met: true });
    expect(at[RATIO_B1]).toMatchObject({ value: 20, met: true });
    expect(at[RATIO_KS]).toMatchObject({ value: 1, met: true });
    expect(at[REDIS]).toMatchObject({ value: 0.1, met: true });
    expect(at[P99]).toMatchObject({ value: 50, met: true });
  });

  it('misses a target by the smallest step past it', () => {
    const past = byName(
      goals(
        [
          summary('b0c', { eventsPerSecond: 1_000 }),
          summary('b1-1', { eventsPerSecond: 1_000 }),
          summary('ks', { eventsPerSecond: 1_000 }),
          summary('sut', { eventsPerSecond: 749, redisCommandsPerEvent: 0.1001 }),
        ],
        [latency('sut', { p99Ms: 51 })],
      ),
    );
    expect(past[RATIO_B0C]).toMatchObject({ value: 0.749, met: false });
    expect(past[RATIO_B1]).toMatchObject({ value: 0.749, met: false });
    expect(past[RATIO_KS]).toMatchObject({ value: 0.749, met: false });
    expect(past[REDIS]).toMatchObject({ value: 0.1001, met: false });
    expect(past[P99]).toMatchObject({ value: 51, met: false });
  });

  it('reports a fast wrong streamfold run as failed, not as fast', () => {
    const list = byName(
      goals(
        [
          summary('b0c', { eventsPerSecond: 1_000 }),
          summary('b1-1', { eventsPerSecond: 10 }),
          summary('ks', { eventsPerSecond: 1_000 }),
          // Whatever speed a failed summary carries, it must not count.
          summary('sut', { ok: false, eventsPerSecond: 1e9, redisCommandsPerEvent: 0.001 }),
        ],
        [],
      ),
    );
    for (const name of [RATIO_B0C, RATIO_B1, RATIO_KS, REDIS, P99]) {
      expect(list[name]).toMatchObject({ value: undefined, met: undefined });
    }
  });

  it('leaves a ratio unmeasured when the peer failed or made no progress, and only that one', () => {
    const list = byName(
      goals(
        [
          summary('b0c', { ok: false, eventsPerSecond: 1 }),
          summary('b1-1', { eventsPerSecond: 0 }),
          summary('ks', { eventsPerSecond: 500 }),
          summary('sut', { eventsPerSecond: 1_000 }),
        ],
        [],
      ),
    );
    expect(list[RATIO_B0C]).toMatchObject({ value: undefined, met: undefined });
    expect(list[RATIO_B1]).toMatchObject({ value: undefined, met: undefined });
    expect(list[RATIO_KS]).toMatchObject({ value: 2, met: true });
  });

  it('ignores a failed latency run and the peer’s latency', () => {
    const list = byName(
      goals(
        [summary('sut')],
        [latency('sut', { ok: false, p99Ms: 1, problems: ['no latency samples'] }), latency('ks')],
      ),
    );
    expect(list[P99]).toMatchObject({ value: undefined, met: undefined });
  });
});
