import type { BenchResults } from '../../../bench/report/results.js';
import type { ContenderSummary } from '../../../bench/report/summary.js';
import type { ContenderId, LatencyResult, RunResult } from '../../../bench/types.js';

export const labels: Record<ContenderId, string> = {
  b0a: 'B0a consume-only',
  b0c: 'B0c passthrough',
  'b1-1': 'B1 naive, 1 at a time',
  'b1-p': 'B1 naive, 1 per partition',
  sut: 'streamfold',
  ks: 'Kafka Streams',
};

export const contender = (id: ContenderId) => ({
  id,
  label: labels[id],
  description: `how ${id} runs`,
});

/** A correct run of one round; every number distinct so a mixed-up field shows. */
export function run(
  id: ContenderId,
  round: number,
  overrides: Partial<Omit<RunResult, 'contender' | 'round'>> = {},
): RunResult {
  return {
    contender: id,
    round,
    ok: true,
    problems: [],
    events: 9_500,
    seconds: 2,
    eventsPerSecond: 4_750,
    totalSeconds: 3,
    processed: 10_000,
    cpuMicrosPerEvent: { worker: 11, broker: 7, redis: 3 },
    rssBytes: { peak: 200 * 2 ** 20, steady: 150 * 2 ** 20 },
    redisCommandsPerEvent: 0.05,
    ...overrides,
  };
}

/** A failed run as run-contender reports one. */
export function failedRun(id: ContenderId, round: number, ...problems: string[]): RunResult {
  return run(id, round, { ok: false, problems });
}

export function summary(
  id: ContenderId,
  overrides: Partial<Omit<ContenderSummary, 'id'>> = {},
): ContenderSummary {
  return {
    id,
    label: labels[id],
    description: `how ${id} runs`,
    ok: true,
    rounds: 3,
    problems: [],
    eventsPerSecond: 1_000,
    cpuMicrosPerEvent: { worker: 12.34, broker: 5.67, redis: 0.89 },
    rssBytes: { peak: 300 * 2 ** 20, steady: 250 * 2 ** 20 },
    redisCommandsPerEvent: 0.0123,
    ...overrides,
  };
}

export function latency(
  id: ContenderId,
  overrides: Partial<Omit<LatencyResult, 'contender'>> = {},
): LatencyResult {
  return {
    contender: id,
    ok: true,
    problems: [],
    targetRate: 20_000,
    achievedRate: 19_876,
    seconds: 30,
    samples: 500_000,
    p50Ms: 7,
    p99Ms: 31,
    maxMs: 88,
    ...overrides,
  };
}

export function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    startedAt: '2025-01-02T03:04:05.678Z',
    finishedAt: '2025-01-02T03:34:05.678Z',
    machine: { cpu: 'Test CPU', cores: 8, node: 'v24.0.0' },
    settings: {
      events: 1_000_000,
      partitions: 6,
      rounds: 3,
      seed: 42,
      naiveBudgetSeconds: 60,
      order: Object.values(labels),
    },
    inputRecords: 1_000_123,
    runs: [],
    summary: [],
    latency: [],
    goals: [],
    ...overrides,
  };
}
