import { InvalidArgumentError } from 'commander';
import { ContenderIds, type ContenderId } from './types.js';

export interface BenchOptions {
  events: number;
  partitions: number;
  rounds: number;
  seed: number;
  contenders: ContenderId[];
  /** Seconds each naive run gets. */
  naiveSeconds: number;
  /** Seconds of open-loop load per contender; 0 skips the latency runs. */
  latencySeconds: number;
  /** Events/s of the open-loop runs; default half of streamfold's median rate. */
  latencyRate?: number;
  /** Folder for the JSON, markdown and chart files. */
  out: string;
  /** Where the worker's CPU profiles go (`node --cpu-prof`); off when absent. */
  cpuProf?: string;
  /** Extra flags for `streamfold run`, space-separated. */
  workerArgs?: string;
}

export const benchDefaults = {
  events: 1_000_000,
  partitions: 6,
  rounds: 3,
  seed: 42,
  contenders: [...ContenderIds],
  naiveSeconds: 60,
  latencySeconds: 30,
  out: 'bench/results',
} satisfies Omit<BenchOptions, 'latencyRate' | 'cpuProf' | 'workerArgs'>;

export const integerAtLeast =
  (min: number) =>
  (value: string): number => {
    const n = Number(value.replaceAll('_', ''));
    if (!/^\d[\d_]*$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected an integer ≥ ${min}, got "${value}"`);
    }
    return n;
  };

export function contenderList(value: string): ContenderId[] {
  const list = value.split(',').map((c) => c.trim());
  const unknown = list.filter((c) => !(ContenderIds as readonly string[]).includes(c));
  if (unknown.length > 0 || list.length === 0) {
    throw new InvalidArgumentError(
      `unknown contender ${unknown.map((u) => JSON.stringify(u)).join(', ')}; expected a comma-separated list of ${ContenderIds.join(', ')}`,
    );
  }
  return [...new Set(list)] as ContenderId[];
}
