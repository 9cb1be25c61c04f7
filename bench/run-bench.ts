/**
 * The whole benchmark: preload, interleaved rounds of every contender, open-loop latency for
 * streamfold and Kafka Streams at half of streamfold's measured rate, then the report.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { ConnectionConfig } from '../src/config/index.js';
import { connectKafka, createAdmin } from '../src/kafka/index.js';
import type { Logger } from '../src/logger.js';
import { contenders } from './contenders/index.js';
import { measureLatency } from './latency.js';
import { describeMachine } from './machine.js';
import { listenerPid, redisPid } from './measure/service-pids.js';
import type { BenchOptions } from './options.js';
import { buildKafkaStreamsPeer } from './peer-build.js';
import type { BenchResults } from './report/results.js';
import { goals, summarise } from './report/summary.js';
import { runContender, type ServicePids } from './run-contender.js';
import { deleteTopics } from './topics.js';
import type { BenchContext, LatencyResult, RunResult } from './types.js';
import { preload } from './workload.js';

/** `log` reports progress; `clientLog` takes the Kafka clients' own messages. */
export async function runBench(
  opts: BenchOptions,
  conn: ConnectionConfig,
  log: Logger,
  clientLog: Logger,
): Promise<BenchResults> {
  const startedAt = new Date().toISOString();
  if (opts.contenders.includes('ks')) await buildKafkaStreamsPeer(log);
  const admin = await connectKafka(
    createAdmin(conn, clientLog, { clientId: 'bench' }),
    conn,
    'bench',
  );
  const redis = new Redis(conn.redisUrl, { lazyConnect: true });
  await redis.connect();
  const scratch = mkdtempSync(join(tmpdir(), 'streamfold-bench-'));
  const ctx: BenchContext = {
    conn,
    admin,
    redis,
    log: clientLog,
    runId: `bench-${randomBytes(3).toString('hex')}`,
    scratch,
    workerArgs: opts.workerArgs?.split(/\s+/).filter((a) => a !== '') ?? [],
    ...(opts.cpuProf ? { cpuProfileDir: resolve(opts.cpuProf) } : {}),
  };
  const input = `${ctx.runId}-events`;
  try {
    const pids = await servicePids(ctx);
    log.info(`preloading about ${opts.events} events into ${input}`);
    const workload = await preload(ctx, input, opts.partitions, opts.events, opts.seed);
    log.info({ records: workload.events, applied: workload.reference.applied }, 'preloaded');

    const runs: RunResult[] = [];
    for (let round = 1; round <= opts.rounds; round += 1) {
      for (const id of opts.contenders) {
        const contender = contenders[id];
        log.info(`round ${round}/${opts.rounds}: ${contender.label}`);
        const run = await runContender(ctx, workload, contender, round, pids, opts.naiveSeconds);
        runs.push(run);
        log.info(
          run.ok
            ? `  ${Math.round(run.eventsPerSecond)} events/s over ${run.seconds.toFixed(1)} s, ` +
                `worker ${run.cpuMicrosPerEvent.worker.toFixed(1)} CPU-µs/event, correct`
            : `  FAILED: ${run.problems.join('; ')}`,
        );
      }
    }
    const summary = opts.contenders.map((id) => summarise(contenders[id], runs));

    const latency: LatencyResult[] = [];
    const sut = summary.find((s) => s.id === 'sut' && s.ok);
    const rate = opts.latencyRate ?? (sut ? Math.round(sut.eventsPerSecond / 2) : undefined);
    if (opts.latencySeconds > 0 && rate !== undefined) {
      for (const id of opts.contenders.filter((c) => c === 'sut' || c === 'ks')) {
        log.info(
          `open loop: ${contenders[id].label} at ${rate} events/s for ${opts.latencySeconds} s`,
        );
        const result = await measureLatency(ctx, contenders[id], {
          partitions: opts.partitions,
          rate,
          seconds: opts.latencySeconds,
          warmupSeconds: Math.min(5, opts.latencySeconds / 4),
          seed: opts.seed + 1,
        });
        latency.push(result);
        log.info(
          result.ok
            ? `  p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms over ${result.samples} records, correct`
            : `  FAILED: ${result.problems.join('; ')}`,
        );
      }
    }

    return {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: await describeMachine(redis),
      settings: {
        events: opts.events,
        partitions: opts.partitions,
        rounds: opts.rounds,
        seed: opts.seed,
        naiveBudgetSeconds: opts.naiveSeconds,
        order: opts.contenders.map((id) => contenders[id].label),
      },
      inputRecords: workload.events,
      runs,
      summary,
      latency,
      goals: goals(summary, latency),
    };
  } finally {
    await deleteTopics(admin, [input]).catch(() => undefined);
    await admin.disconnect();
    redis.disconnect();
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function servicePids(ctx: BenchContext): Promise<ServicePids> {
  const port = Number(ctx.conn.brokers[0]?.split(':').at(-1));
  const broker = listenerPid(port);
  if (broker === undefined) {
    throw new Error(
      `no local process listens on the broker port ${port}: CPU per event needs a local broker`,
    );
  }
  return { broker, redis: await redisPid(ctx.redis) };
}
