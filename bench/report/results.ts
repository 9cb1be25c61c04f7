import type { ContenderSummary, Goal } from './summary.js';
import type { LatencyResult, RunResult } from '../types.js';

/** Everything one `bench` invocation measured: the JSON file under bench/results/. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  machine: Record<string, string | number>;
  settings: {
    events: number;
    partitions: number;
    rounds: number;
    seed: number;
    naiveBudgetSeconds: number;
    order: string[];
  };
  /** Records on the preloaded input topic. */
  inputRecords: number;
  runs: RunResult[];
  summary: ContenderSummary[];
  latency: LatencyResult[];
  goals: Goal[];
}
