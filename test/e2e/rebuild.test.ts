import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RedisConnection } from '../../src/state/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { idleCloseOffsets } from '../../src/pipeline/index.js';
import { DEFAULT_START_TIME } from '../../src/sim/options.js';
import {
  connectRedis,
  createRedis,
  scanKeys as scanEveryMaster,
  shardKeys,
  topologyKeys,
} from '../../src/state/index.js';
import { cliPath } from '../helpers/cli.js';
import { eventually, testConnection } from '../helpers/env.js';
import { Scenario, type ScenarioTopology } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';

interface RebuildReport {
  topology: string;
  from: number;
  to: number;
  outcome: 'switched' | 'aborted';
  reason?: string;
  records: number;
  applied: Record<string, number>;
  diff: {
    empty: boolean;
    hashes: Record<
      string,
      {
        count: number;
        examples: {
          partition: number;
          field: string;
          live: string | null;
          rebuilt: string | null;
        }[];
      }
    >;
  };
  elapsedMs: number;
}

interface RebuildRun {
  code: number | null;
  report: RebuildReport;
  /** Wall-clock time each progress phase was first reported (stderr `rebuild: <phase> …`). */
  phases: Map<string, number>;
  stderr: string;
}

/** `streamfold rebuild <file> --json` as a child process, its progress phases timestamped. */
function runRebuild(scenario: Scenario): Promise<RebuildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, 'rebuild', scenario.file, '--json'], {
      env: { ...process.env, ...scenario.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const phases = new Map<string, number>();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const m of stderr.matchAll(/^rebuild: (\S+) /gm)) {
        if (!phases.has(m[1]!)) phases.set(m[1]!, Date.now());
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout) as RebuildReport, phases, stderr });
      } catch (error) {
        reject(new Error(`rebuild exited ${code}:\n${stderr}\n${stdout}`, { cause: error }));
      }
    });
  });
}

interface Traffic {
  /** True while it produces (it would take minutes to finish on its own). */
  running(): boolean;
  stderr(): string;
  stop(): Promise<void>;
}

/** Traffic not stopped yet: a failed test stops it in afterEach. */
const producing = new Set<Traffic>();

/**
 * `streamfold simulate` as a child process, stopped by the test: live traffic that goes on until
 * the test has seen what it waits for, however long the rebuild takes.
 */
function startTraffic(scenario: Scenario, args: readonly string[]): Traffic {
  const child = spawn(process.execPath, [cliPath, 'simulate', scenario.file, ...args], {
    env: { ...process.env, ...scenario.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const traffic: Traffic = {
    running: () => child.exitCode === null && child.signalCode === null,
    stderr: () => stderr,
    async stop(): Promise<void> {
      producing.delete(traffic);
      child.kill('SIGTERM');
      await exited;
    },
  };
  producing.add(traffic);
  return traffic;
}

interface Answer {
  path: string;
  /** When the request was sent and when its answer arrived. */
  sentAt: number;
  at: number;
  status: number;
  body: Record<string, unknown>;
}

async function get(base: URL, route: string): Promise<Answer> {
  const sentAt = Date.now();
  const res = await fetch(new URL(route, base));
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { unparsable: text };
  }
  return { path: route, sentAt, at: Date.now(), status: res.status, body };
}

/** Partition → applied offset, from an answer's `appliedOffsets`. */
function offsetsOf(answer: Answer): Record<string, number> {
  return answer.body.appliedOffsets as Record<string, number>;
}

async function redisClient(): Promise<RedisConnection> {
  return connectRedis(createRedis(testConnection()));
}

async function scanKeys(redis: RedisConnection, match: string): Promise<string[]> {
  return (await scanEveryMaster(redis, match)).sort();
}

/** A worker log's `partition owned` lines: partition → the generations it was owned in. */
function ownedGenerations(scenario: Scenario, file: string): Map<number, number[]> {
  const owned = new Map<number, number[]>();
  for (const line of readFileSync(path.join(scenario.dir, file), 'utf8').split('\n')) {
    if (!line.includes('"partition owned"')) continue;
    let entry: { partition: number; generation: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      continue; // a line still being written
    }
    owned.set(entry.partition, [...(owned.get(entry.partition) ?? []), entry.generation]);
  }
  return owned;
}

const PARTITIONS = 4;
const DAY = 86_400_000;

describe('streamfold rebuild', () => {
  let current: Scenario | undefined;
  afterEach(async () => {
    for (const traffic of producing) await traffic.stop();
    await current?.cleanup();
    current = undefined;
  });
  const scenario = async (shape: ScenarioTopology = {}): Promise<Scenario> => {
    current = new Scenario(PARTITIONS, {}, shape);
    await current.createTopics();
    return current;
  };

  it('during live processing: diff empty, switch done, queries uninterrupted', async () => {
    // Windows (closed on wall-clock time while the partitions are idle between the preload and
    // the live traffic) and an aggregate too: every hash a shard holds is rebuilt and diffed.
    const s = await scenario({
      windows: { sizes: ['1m', '1h'], grace: '10s', idleTimeout: '1s' },
      aggregates: ['customer-value'],
    });
    const redis = await redisClient();
    try {
      const preload = await s.simulate(['--orders', '3000', '--seed', '61']);
      const worker = s.startWorker();
      await s.waitDrained();
      const url = await workerHttpUrl(s.dir, worker.pid!);
      const preloadHighs = await s.highWatermarks();
      expect([...preloadHighs.values()].reduce((a, b) => a + b, 0)).toBe(preload.records);

      // One preloaded order per partition. The live traffic has other ids (another seed), so
      // each of these answers exactly the same before, during and after the rebuild.
      const reader = await s.reader();
      expect(reader.generation).toBe(0);
      const known = new Map<string, Record<string, unknown>>();
      for (const p of await reader.partitions()) {
        for await (const state of reader.states(p)) {
          const { appliedOffsets, ...order } = (await get(url, `/orders/${state.orderId}`)).body;
          expect(appliedOffsets).toEqual({ [String(p)]: preloadHighs.get(p)! - 1 });
          known.set(state.orderId, order);
          break;
        }
      }
      expect(known.size).toBe(PARTITIONS);
      // Idle after the preload: each partition closes its windows, logged at its applied offset.
      const partitions = [...preloadHighs.keys()];
      await eventually('the idle partitions to close their windows', async () => {
        const clocks = await reader.hashPerShard(partitions, 'clock');
        return partitions.every((p) =>
          idleCloseOffsets(clocks.get(p) ?? {}).includes(preloadHighs.get(p)! - 1),
        )
          ? true
          : undefined;
      });

      // Live traffic at a later event time, all through the rebuild and after it.
      const live = startTraffic(s, [
        '--orders',
        '20000',
        '--seed',
        '62',
        '--rate',
        '800',
        '--start-time',
        String(DEFAULT_START_TIME + DAY),
      ]);
      // The first live order (ids are `ord-<seed base 36>-<n base 36>`): once it answers 200,
      // it must never answer 404 again.
      const liveOrder = `ord-${(62).toString(36)}-0`;
      await eventually('the worker to apply live traffic', async () => {
        const applied = await reader.applied([...preloadHighs.keys()]);
        const moved = [...preloadHighs].every(([p, high]) => applied.get(p)! > high - 1 + 50);
        return moved && (await get(url, `/orders/${liveOrder}`)).status === 200 ? true : undefined;
      });

      const rebuilding = runRebuild(s);
      let rebuilt: RebuildRun | undefined;
      void rebuilding.then(
        (r) => (rebuilt = r),
        () => undefined,
      );
      const routes = ['/revenue', ...[...known.keys()].map((id) => `/orders/${id}`)];
      routes.push(`/orders/${liveOrder}`);
      const answers: Answer[] = [];
      // One request at a time: each answer is read after the previous one arrived.
      for (let i = 0; rebuilt === undefined; i += 1) {
        answers.push(await get(url, routes[i % routes.length]!));
      }
      const run = await rebuilding;
      expect(live.running(), live.stderr()).toBe(true);

      // The report: switched to the next generation, nothing differed.
      expect(run.code, run.stderr).toBe(0);
      const { report } = run;
      expect(report).toMatchObject({
        topology: 'orders',
        from: 0,
        to: 1,
        outcome: 'switched',
        diff: { empty: true, hashes: {} },
      });
      expect(report).not.toHaveProperty('reason');
      // Every record from the earliest offset up to where the live shards were retired.
      expect(Object.keys(report.applied).sort()).toEqual(['0', '1', '2', '3']);
      expect(report.records).toBe(
        Object.values(report.applied).reduce((sum, offset) => sum + offset + 1, 0),
      );
      for (const [p, high] of preloadHighs) {
        expect(report.applied[String(p)]).toBeGreaterThan(high - 1);
      }
      expect(report.records).toBeGreaterThan(preload.records as number);

      // Queries answered all along, including while the live shards were retired.
      expect(answers.length).toBeGreaterThan(routes.length * 5);
      const failed = answers.filter((a) => a.status !== 200);
      expect(failed.map((a) => `${a.path} ${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
      // The live shards are retired just before the `final` phase (reported only when there is
      // something left to read, else `diff` comes first) and stay so until the `switch`.
      const frozenFrom = run.phases.get('final') ?? run.phases.get('diff');
      const switchAt = run.phases.get('switch');
      expect(frozenFrom, run.stderr).toBeDefined();
      expect(switchAt, run.stderr).toBeDefined();
      const duringFreeze = answers.filter((a) => a.sentAt >= frozenFrom! && a.at <= switchAt!);
      expect(duringFreeze.length).toBeGreaterThan(0);

      const lastOffsets = new Map<string, Record<string, number>>();
      for (const answer of answers) {
        const { appliedOffsets, ...rest } = answer.body;
        if (answer.path === '/revenue') {
          expect(Object.keys(rest)).toEqual(['totals', 'partitions']);
          expect(Object.keys(appliedOffsets as object).sort()).toEqual(['0', '1', '2', '3']);
        } else {
          const id = answer.path.slice('/orders/'.length);
          expect(rest).toMatchObject({ orderId: id });
          if (known.has(id)) expect(rest).toEqual(known.get(id));
          expect(Object.keys(appliedOffsets as object)).toHaveLength(1);
        }
        // No answer reflects less than an earlier answer to the same route did.
        const before = lastOffsets.get(answer.path);
        if (before !== undefined) {
          for (const [p, offset] of Object.entries(offsetsOf(answer))) {
            expect(offset, `${answer.path} partition ${p}`).toBeGreaterThanOrEqual(before[p]!);
          }
        }
        lastOffsets.set(answer.path, offsetsOf(answer));
      }

      // The generation pointer moved and the old generation is gone.
      const pointer = topologyKeys(s.prefix, s.topology).generation;
      expect(await redis.get(pointer)).toBe('1');
      expect(await scanKeys(redis, `${s.prefix}:{orders:*`)).toEqual([]);
      expect(await scanKeys(redis, `${s.prefix}:{orders@1:*`)).not.toEqual([]);
      // The rebuild replayed the idle closes at the same offsets.
      const rebuiltClocks = await reader.at(1).hashPerShard(partitions, 'clock');
      for (const p of partitions) {
        expect(idleCloseOffsets(rebuiltClocks.get(p)!)).toContain(preloadHighs.get(p)! - 1);
      }

      // The live worker owns every shard again, in generation 1, and goes on from where the
      // rebuild stood; then the traffic stops and everything is applied.
      const after = await s.reader();
      expect(after.generation).toBe(1);
      await eventually('the worker to apply live traffic in generation 1', async () => {
        const applied = await after.applied(partitions);
        return Object.entries(report.applied).every(([p, o]) => applied.get(Number(p))! > o)
          ? true
          : undefined;
      });
      expect(live.running(), live.stderr()).toBe(true);
      await live.stop();
      await s.waitDrained();
      const owned = ownedGenerations(s, 'worker-0.log');
      for (let p = 0; p < PARTITIONS; p += 1) expect(owned.get(p)?.at(-1)).toBe(1);

      const { code, report: reconciled } = await s.reconcile();
      expect(reconciled, JSON.stringify(reconciled).slice(0, 4000)).toMatchObject({ ok: true });
      expect(code).toBe(0);
      expect(await scanKeys(redis, `${s.prefix}:{orders:*`)).toEqual([]);
      expect(worker.running).toBe(true);
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
      console.info(
        `rebuild: ${report.records} records in ${report.elapsedMs} ms, ${answers.length} ` +
          `answers (${duringFreeze.length} in the ${switchAt! - frozenFrom!} ms frozen)`,
      );
    } finally {
      redis.disconnect();
    }
  });

  it('aborts when the live state differs, and leaves the live generation untouched', async () => {
    const s = await scenario();
    const redis = await redisClient();
    try {
      await s.simulate(['--orders', '800', '--seed', '71']);
      const first = s.startWorker();
      await s.waitDrained();
      expect(await first.stop()).toEqual({ code: 0, signal: null });

      // Corrupt one order of the live generation while no worker runs (as a bug in an older
      // worker would have). The live traffic below has other order ids: nothing rewrites it.
      const reader = await s.reader();
      const partitions = await reader.partitions();
      expect(partitions).toEqual([0, 1, 2, 3]);
      const p = 2;
      const keys = shardKeys(s.prefix, s.topology, p);
      const [orderId, original] = Object.entries(await reader.hash(p, 'states'))[0]!;
      const state = JSON.parse(original) as { totalCents: number };
      const corrupted = JSON.stringify({ ...state, totalCents: state.totalCents + 1 });
      await redis.hset(keys.states, orderId, corrupted);
      const epochsBefore = await Promise.all(
        partitions.map((q) => redis.get(shardKeys(s.prefix, s.topology, q).epoch)),
      );

      // The rebuild runs against a live worker processing live traffic.
      const preloadHighs = await s.highWatermarks();
      const worker = s.startWorker();
      const live = startTraffic(s, [
        '--orders',
        '20000',
        '--seed',
        '72',
        '--rate',
        '800',
        '--start-time',
        String(DEFAULT_START_TIME + DAY),
      ]);
      await eventually('the worker to apply live traffic', async () => {
        const applied = await reader.applied(partitions);
        return [...preloadHighs].every(([q, high]) => applied.get(q)! > high - 1 + 50)
          ? true
          : undefined;
      });

      const run = await runRebuild(s);
      expect(run.code, run.stderr).toBe(1);
      const { report } = run;
      expect(report).toMatchObject({
        topology: 'orders',
        from: 0,
        to: 1,
        outcome: 'aborted',
        reason: 'the rebuilt state differs from the live state',
        diff: { empty: false },
      });
      expect(Object.keys(report.applied).sort()).toEqual(['0', '1', '2', '3']);
      expect(report.records).toBe(
        Object.values(report.applied).reduce((sum, offset) => sum + offset + 1, 0),
      );
      // Exactly the corrupted field, with both values: the rest caught up with the live worker.
      expect(report.diff.hashes).toEqual({
        states: {
          count: 1,
          examples: [{ partition: p, field: orderId, live: corrupted, rebuilt: original }],
        },
      });

      // The pointer did not move, nothing of generation 1 is left, and the corrupted value is
      // still there.
      expect(await redis.get(topologyKeys(s.prefix, s.topology).generation)).toBeNull();
      expect(await scanKeys(redis, `${s.prefix}:{orders@1:*`)).toEqual([]);
      expect(await redis.hget(keys.states, orderId)).toBe(corrupted);

      // The live worker owns its shards again, in generation 0, and goes on from where they
      // were frozen; then the traffic stops and everything is applied.
      expect((await s.reader()).generation).toBe(0);
      await eventually('the worker to apply live traffic after the abort', async () => {
        const applied = await reader.applied(partitions);
        return Object.entries(report.applied).every(([q, o]) => applied.get(Number(q))! > o)
          ? true
          : undefined;
      });
      expect(live.running(), live.stderr()).toBe(true);
      await live.stop();
      await s.waitDrained();
      for (const [i, q] of partitions.entries()) {
        const epoch = await redis.get(shardKeys(s.prefix, s.topology, q).epoch);
        expect(Number(epoch), `partition ${q} epoch ${epoch}`).toBeGreaterThan(
          Number(epochsBefore[i]),
        );
      }
      const owned = ownedGenerations(s, 'worker-1.log');
      expect([...owned.keys()].sort()).toEqual([0, 1, 2, 3]);
      // Each shard was owned again after the abort (the restored epoch fenced the old lease).
      for (const [q, generations] of owned) {
        expect(generations.length, `partition ${q}`).toBeGreaterThanOrEqual(2);
        expect(new Set(generations)).toEqual(new Set([0]));
      }
      expect(await redis.hget(keys.states, orderId)).toBe(corrupted);
      // Reconcile finds exactly the corrupted order, nothing else.
      const { code, report: reconciled } = await s.reconcile();
      expect(code).toBe(1);
      expect(reconciled).toMatchObject({
        ok: false,
        states: {
          ok: false,
          mismatchCount: 1,
          mismatches: [
            {
              partition: p,
              key: orderId,
              diffs: { totalCents: { expected: state.totalCents, actual: state.totalCents + 1 } },
            },
          ],
          missing: 0,
          unexpected: 0,
        },
        aggregates: { revenue: { ok: true } },
        applied: { ok: true },
        dlt: { ok: true },
      });
      expect(worker.running).toBe(true);
      expect(await worker.stop()).toEqual({ code: 0, signal: null });
    } finally {
      redis.disconnect();
    }
  });
  // The rebuild fences the live worker's leases (retire, then switch or restore): the first batch
  // the worker reads afterwards is refused, and must be read again under a new lease.
  it.each(['switched', 'aborted'] as const)(
    'a worker idle during the rebuild applies the next events (%s)',
    async (outcome) => {
      const s = await scenario();
      const redis = await redisClient();
      try {
        await s.simulate(['--orders', '300', '--seed', '91']);
        const worker = s.startWorker();
        await s.waitDrained();
        if (outcome === 'aborted') {
          const reader = await s.reader();
          const [orderId, json] = Object.entries(await reader.hash(1, 'states'))[0]!;
          const state = JSON.parse(json) as { totalCents: number };
          await redis.hset(
            shardKeys(s.prefix, s.topology, 1).states,
            orderId,
            JSON.stringify({ ...state, totalCents: state.totalCents + 1 }),
          );
        }
        const run = await runRebuild(s);
        expect(run.report.outcome, run.stderr).toBe(outcome);

        // A little traffic, sent at once: a single batch per partition, nothing after it.
        await s.simulate([
          '--orders',
          '20',
          '--seed',
          '92',
          '--start-time',
          String(DEFAULT_START_TIME + DAY),
        ]);
        const highs = await s.highWatermarks();
        const reader = await s.reader();
        await eventually(
          'the worker to apply the events read after the rebuild (its first batch is fenced ' +
            'by the retired or restored shard and must be read again)',
          async () => {
            const applied = await reader.applied([...highs.keys()]);
            return [...highs].every(([p, high]) => applied.get(p) === high - 1) ? true : undefined;
          },
          30_000,
          200,
        );
        expect(reader.generation).toBe(outcome === 'switched' ? 1 : 0);
        const owned = ownedGenerations(s, 'worker-0.log');
        for (let p = 0; p < PARTITIONS; p += 1) {
          expect(owned.get(p)?.at(-1)).toBe(reader.generation);
        }
        const { report } = await s.reconcile();
        expect(report).toMatchObject({
          ok: outcome === 'switched',
          applied: { ok: true },
          aggregates: { revenue: { ok: true } },
          states: { mismatchCount: outcome === 'switched' ? 0 : 1 },
        });
        expect(await worker.stop()).toEqual({ code: 0, signal: null });
      } finally {
        redis.disconnect();
      }
    },
  );
});
