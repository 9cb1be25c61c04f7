/** Medians per contender and the goals, from the raw runs. Pure: unit-tested. */
import { median } from '../stats.js';
import type { Contender, ContenderId, LatencyResult, Measures, RunResult } from '../types.js';

export interface ContenderSummary extends Measures {
  id: ContenderId;
  label: string;
  description: string;
  /** False when any round failed its correctness check: its speed is not reported. */
  ok: boolean;
  rounds: number;
  problems: string[];
}

export interface Goal {
  goal: string;
  value: number | undefined;
  target: number;
  /** Whether a higher or a lower value is better. */
  better: 'higher' | 'lower';
  met: boolean | undefined;
}

export function summarise(
  contender: Pick<Contender, 'id' | 'label' | 'description'>,
  runs: readonly RunResult[],
): ContenderSummary {
  const mine = runs.filter((r) => r.contender === contender.id);
  const ok = mine.length > 0 && mine.every((r) => r.ok);
  const m = (pick: (r: RunResult) => number): number => (ok ? median(mine.map(pick)) : 0);
  return {
    id: contender.id,
    label: contender.label,
    description: contender.description,
    ok,
    rounds: mine.length,
    problems: mine.flatMap((r) => r.problems.map((p) => `round ${r.round}: ${p}`)),
    eventsPerSecond: m((r) => r.eventsPerSecond),
    cpuMicrosPerEvent: {
      worker: m((r) => r.cpuMicrosPerEvent.worker),
      broker: m((r) => r.cpuMicrosPerEvent.broker),
      redis: m((r) => r.cpuMicrosPerEvent.redis),
    },
    rssBytes: { peak: m((r) => r.rssBytes.peak), steady: m((r) => r.rssBytes.steady) },
    redisCommandsPerEvent: m((r) => r.redisCommandsPerEvent),
  };
}

export function goals(
  summaries: readonly ContenderSummary[],
  latency: readonly LatencyResult[],
): Goal[] {
  const rate = (id: ContenderId): number | undefined => {
    const s = summaries.find((x) => x.id === id);
    return s?.ok ? s.eventsPerSecond : undefined;
  };
  const sut = rate('sut');
  const ratio = (id: ContenderId): number | undefined => {
    const other = rate(id);
    return sut !== undefined && other !== undefined && other > 0 ? sut / other : undefined;
  };
  const sutSummary = summaries.find((s) => s.id === 'sut' && s.ok);
  const sutLatency = latency.find((l) => l.contender === 'sut' && l.ok);
  const goal = (
    name: string,
    value: number | undefined,
    target: number,
    better: Goal['better'],
  ): Goal => ({
    goal: name,
    value,
    target,
    better,
    met: value === undefined ? undefined : better === 'higher' ? value >= target : value <= target,
  });
  return [
    goal('streamfold ÷ B0c passthrough', ratio('b0c'), 0.75, 'higher'),
    goal('streamfold ÷ B1 naive at concurrency 1', ratio('b1-1'), 20, 'higher'),
    goal('streamfold ÷ Kafka Streams', ratio('ks'), 1, 'higher'),
    goal('Redis commands per event', sutSummary?.redisCommandsPerEvent, 0.1, 'lower'),
    goal('streamfold p99 latency at 50% load, ms', sutLatency?.p99Ms, 50, 'lower'),
  ];
}
