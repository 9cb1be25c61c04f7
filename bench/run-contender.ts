/**
 * One contender, one round: start its process on the preloaded input, follow its committed
 * offsets, take CPU, memory and Redis readings at the edges of the measured window, stop it,
 * check its result against the reference and clean up what the run made.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { committedOffsets } from '../src/lag/committed-offsets.js';
import { ContenderChild } from './child.js';
import { cpuMicros, memory } from './measure/proc.js';
import { redisCommandCount } from './measure/redis-commands.js';
import { deleteRedisPrefix } from './measure/redis-cleanup.js';
import { median } from './stats.js';
import { deleteTopics, offsetTotal } from './topics.js';
import type { BenchContext, Contender, RunResult, Workload } from './types.js';

const POLL_MS = 100;
/** The window starts once this share of the input is committed: start-up and join stay out. */
const WARM_SHARE = 0.05;
/** A run that commits nothing new for this long has failed. */
const STALL_MS = 120_000;

export interface ServicePids {
  broker: number;
  redis: number;
}

interface Mark {
  at: number;
  done: number;
  worker: number;
  broker: number;
  redis: number;
}

export async function runContender(
  ctx: BenchContext,
  workload: Workload,
  contender: Contender,
  round: number,
  pids: ServicePids,
  budgetSeconds: number,
): Promise<RunResult> {
  const tag = `${ctx.runId}-${contender.id}-r${round}`;
  const launch = await contender.launch(ctx, workload, tag, []);
  // A budgeted contender is slow: its window opens early so the budget measures a steady rate.
  const warm = contender.budgeted
    ? Math.min(1_000, workload.events * WARM_SHARE)
    : workload.events * WARM_SHARE;
  const commandsBefore = await redisCommandCount(ctx.redis);
  const started = Date.now();
  const child = new ContenderChild(launch, join(ctx.scratch, `${tag}.log`));
  const problems: string[] = [];
  const rss: number[] = [];
  let peak = 0;

  const mark = (done: number): Mark => ({
    at: Date.now(),
    done,
    worker: cpuMicros(child.pid) ?? 0,
    broker: cpuMicros(pids.broker) ?? 0,
    redis: cpuMicros(pids.redis) ?? 0,
  });
  const committedSum = async (): Promise<number> =>
    offsetTotal(await committedOffsets(ctx.admin, launch.group, workload.input));

  const spawned = mark(0);
  let first: Mark | undefined;
  let last: Mark | undefined;
  let lastProgress = { at: started, done: 0 };
  let processed = 0;
  let commands = 0;
  try {
    try {
      for (;;) {
        await sleep(POLL_MS);
        if (child.exit !== undefined) {
          problems.push(`the process exited early with code ${String(child.exit)}`);
          break;
        }
        const done = await committedSum();
        const mem = memory(child.pid);
        if (mem) peak = Math.max(peak, mem.peak);
        if (done > lastProgress.done) lastProgress = { at: Date.now(), done };
        if (first === undefined && done >= warm) first = mark(done);
        if (first !== undefined && mem) rss.push(mem.rss);
        const overBudget =
          first !== undefined &&
          contender.budgeted === true &&
          Date.now() - first.at >= budgetSeconds * 1000;
        if (done >= workload.events || overBudget) {
          last = mark(done);
          break;
        }
        if (Date.now() - lastProgress.at > STALL_MS) {
          problems.push(`no progress for ${STALL_MS / 1000} s at ${done} of ${workload.events}`);
          break;
        }
      }
    } finally {
      const code = await child.stop();
      if (code !== 0 && problems.length === 0)
        problems.push(`the process exited with code ${code}`);
    }
    commands = (await redisCommandCount(ctx.redis)) - commandsBefore;
    const committed = await committedOffsets(ctx.admin, launch.group, workload.input);
    processed = offsetTotal(committed);
    if (problems.length === 0) {
      problems.push(...(await launch.verify({ committed, report: child.report() })));
    }
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await deleteTopics(ctx.admin, launch.topics);
    if (launch.statePrefix !== undefined) await deleteRedisPrefix(ctx.redis, launch.statePrefix);
  }

  // A small input may be done by the first poll: then the window starts at the spawn.
  const from = first && last && last.done > first.done ? first : spawned;
  const window = last && last.done > from.done ? { first: from, last } : undefined;
  const events = window ? window.last.done - window.first.done : 0;
  const seconds = window ? (window.last.at - window.first.at) / 1000 : 0;
  const perEvent = (key: 'worker' | 'broker' | 'redis'): number =>
    window ? (window.last[key] - window.first[key]) / events : 0;
  return {
    contender: contender.id,
    round,
    ok: problems.length === 0 && window !== undefined,
    problems: window ? problems : [...problems, 'no measured window'],
    events,
    seconds,
    eventsPerSecond: seconds > 0 ? events / seconds : 0,
    totalSeconds: ((last?.at ?? Date.now()) - started) / 1000,
    processed,
    cpuMicrosPerEvent: {
      worker: perEvent('worker'),
      broker: perEvent('broker'),
      redis: perEvent('redis'),
    },
    rssBytes: { peak, steady: rss.length > 0 ? median(rss) : 0 },
    redisCommandsPerEvent: processed > 0 ? commands / processed : 0,
  };
}
