/**
 * The benchmark harness: once as a user runs it (every contender, a small input, the report
 * files), and its correctness checks on their own, fed a wrong result they must catch.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contenders } from '../../bench/contenders/index.js';
import { deleteRedisPrefix } from '../../bench/measure/redis-cleanup.js';
import type { BenchResults } from '../../bench/report/results.js';
import type { Totals } from '../../bench/reference.js';
import { createTopics, deleteTopics, topicSize } from '../../bench/topics.js';
import { ContenderIds, type BenchContext, type Launch, type Workload } from '../../bench/types.js';
import { DUPLICATES, ordersFor, preload } from '../../bench/workload.js';
import {
  connectKafka,
  createAdmin,
  createProducer,
  type Admin,
  type Producer,
} from '../../src/kafka/index.js';
import { readTopic, topicRanges } from '../../src/kafka/read-topic.js';
import { plan } from '../../src/sim/index.js';
import { shardKeys, topologyKeys } from '../../src/state/keys.js';
import { ProgramFields } from '../../src/state/program-fields.js';
import { eventually, testConnection, testLogger, uniqueName } from '../helpers/env.js';
import { OwnRedisServer } from '../helpers/redis-server.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: readonly string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { cwd: repo, env: process.env, maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`could not run node ${args.join(' ')}`, { cause: error }));
          return;
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** What `npm run bench` does before it runs: bench/ and src/ compiled to .bench-build/. */
async function compileBench(): Promise<void> {
  const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = await run([tsc, '-p', 'tsconfig.bench.json']);
  if (build.code !== 0) throw new Error(`tsc -p tsconfig.bench.json failed:\n${build.stdout}`);
}

const EVENTS = 3_000;
const SEED = 42;
const LATENCY_RATE = 1_000;
const budgeted = new Set(ContenderIds.filter((id) => contenders[id].budgeted === true));

describe('npm run bench', () => {
  let redisServer: OwnRedisServer;
  let out: string;

  beforeAll(async () => {
    // A Redis of its own: command counts are server-wide, and other clients share the stack's.
    redisServer = await OwnRedisServer.start();
    out = mkdtempSync(join(tmpdir(), 'streamfold-bench-e2e-'));
    await compileBench();
  });

  afterAll(async () => {
    await redisServer?.stop();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('runs every contender correctly on a small input, reports it and cleans up', async () => {
    const conn = testConnection();
    const bench = await run([
      join(repo, '.bench-build', 'bench', 'main.js'),
      '--events',
      String(EVENTS),
      '--rounds',
      '1',
      '--seed',
      String(SEED),
      '--naive-seconds',
      '3',
      '--latency-seconds',
      '6',
      '--latency-rate',
      String(LATENCY_RATE),
      '--out',
      out,
      '--brokers',
      conn.brokers.join(','),
      '--redis',
      redisServer.url,
    ]);
    expect(bench.code, `bench exited ${bench.code}:\n${bench.stderr}\n${bench.stdout}`).toBe(0);

    // One result set: the JSON, the markdown and the chart, under one time stamp.
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(3);
    const stamp = files[0]!.replace(/\.json$/, '');
    expect(files).toEqual([`${stamp}.json`, `${stamp}.md`, `${stamp}.svg`]);
    expect(bench.stdout).toContain(`results: ${join(out, `${stamp}.json`)}`);
    const results = JSON.parse(readFileSync(join(out, `${stamp}.json`), 'utf8')) as BenchResults;
    const labels = ContenderIds.map((id) => contenders[id].label);

    expect(results.settings).toEqual({
      events: EVENTS,
      partitions: 6,
      rounds: 1,
      seed: SEED,
      naiveBudgetSeconds: 3,
      order: labels,
    });
    // The input is exactly what the simulator plans for the order count the preload asked for.
    const input = results.inputRecords;
    expect(input).toBe(
      plan({ orders: ordersFor(EVENTS, SEED), seed: SEED, duplicates: DUPLICATES }).records,
    );
    expect(Math.abs(input - EVENTS)).toBeLessThan(EVENTS * 0.1);

    expect(results.summary.map((s) => s.id)).toEqual([...ContenderIds]);
    for (const s of results.summary) {
      expect(s, s.label).toMatchObject({ ok: true, rounds: 1, problems: [] });
    }

    expect(results.runs.map((r) => [r.contender, r.round])).toEqual(
      ContenderIds.map((id) => [id, 1]),
    );
    for (const r of results.runs) {
      expect(r, r.contender).toMatchObject({ ok: true, problems: [] });
      // Contenders that run to the end committed the whole input; the naive ones a prefix.
      if (budgeted.has(r.contender)) {
        expect(r.processed).toBeGreaterThan(0);
        expect(r.processed).toBeLessThanOrEqual(input);
      } else {
        expect(r.processed, r.contender).toBe(input);
      }
      expect(r.events).toBeGreaterThan(0);
      expect(r.events).toBeLessThanOrEqual(r.processed);
      expect(r.seconds).toBeGreaterThan(0);
      expect(r.totalSeconds).toBeGreaterThanOrEqual(r.seconds);
      expect(r.eventsPerSecond).toBeCloseTo(r.events / r.seconds, 6);
      expect(r.rssBytes.steady).toBeGreaterThan(0);
      expect(r.rssBytes.peak).toBeGreaterThanOrEqual(r.rssBytes.steady);
    }

    const commands = Object.fromEntries(results.runs.map((r) => [r.contender, r]));
    for (const id of ['b0a', 'b0c', 'ks'] as const) {
      expect(commands[id]?.redisCommandsPerEvent, id).toBe(0);
    }
    for (const id of ['b1-1', 'b1-p'] as const) {
      // A read and a write per event at least, most events also a revenue update.
      expect(commands[id]?.redisCommandsPerEvent, id).toBeGreaterThan(1);
    }
    expect(commands.sut?.redisCommandsPerEvent).toBeGreaterThan(0);

    expect(results.latency.map((l) => l.contender)).toEqual(['sut', 'ks']);
    for (const l of results.latency) {
      expect(l, l.contender).toMatchObject({ ok: true, problems: [], targetRate: LATENCY_RATE });
      expect(l.samples).toBeGreaterThan(0);
      expect(l.achievedRate).toBeGreaterThan(0);
      expect(l.p50Ms).toBeLessThanOrEqual(l.p99Ms);
      expect(l.p99Ms).toBeLessThanOrEqual(l.maxMs);
    }

    // The goals restate the summary: ratios of the medians, streamfold's own counts.
    const rate = (id: string) => results.summary.find((s) => s.id === id)!.eventsPerSecond;
    const sut = results.summary.find((s) => s.id === 'sut')!;
    expect(results.goals).toHaveLength(5);
    expect(results.goals.map((g) => g.value)).toEqual([
      rate('sut') / rate('b0c'),
      rate('sut') / rate('b1-1'),
      rate('sut') / rate('ks'),
      sut.redisCommandsPerEvent,
      results.latency[0]!.p99Ms,
    ]);
    for (const g of results.goals) {
      expect(g.met).toBe(g.better === 'higher' ? g.value! >= g.target : g.value! <= g.target);
    }

    const markdown = readFileSync(join(out, `${stamp}.md`), 'utf8');
    for (const label of labels) expect(markdown).toContain(`| ${label} | `);
    expect(markdown.match(/\| yes \(1\/1\) \|/g)).toHaveLength(ContenderIds.length);
    expect(markdown).not.toContain('FAILED');
    expect(markdown).toContain(`![throughput and latency](${stamp}.svg)`);
    expect(bench.stdout).toContain(markdown.trim());

    const svg = readFileSync(join(out, `${stamp}.svg`), 'utf8');
    expect(svg.trimStart()).toMatch(/^<svg[\s>]/);
    for (const label of labels) expect(svg).toContain(label);

    // Nothing the run made outlives it: its topics, and its keys in Redis.
    const runId = /into (bench-[0-9a-f]{6})-events/.exec(bench.stderr)?.[1];
    expect(runId, 'the run id in the preload log line').toBeDefined();
    const admin = await connectKafka(
      createAdmin(conn, testLogger(), { clientId: uniqueName('bench-e2e') }),
      conn,
      'bench e2e',
    );
    try {
      const left = (await admin.listTopics()).filter((t) => t.startsWith(`${runId}-`));
      expect(left).toEqual([]);
    } finally {
      await admin.disconnect();
    }
    const redis = new Redis(redisServer.url, { lazyConnect: true });
    await redis.connect();
    try {
      expect(await redis.keys('*')).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('the harness’s correctness checks', () => {
  const conn = testConnection();
  const log = testLogger();
  const runId = uniqueName('benchcheck');
  const input = `${runId}-events`;
  const topics: string[] = [input];
  const prefixes: string[] = [];
  let ctx: BenchContext;
  let workload: Workload;
  let producer: Producer;
  /** Every partition committed to its end. */
  let full: Map<number, number>;

  beforeAll(async () => {
    const admin: Admin = await connectKafka(
      createAdmin(conn, log, { clientId: `${runId}-admin` }),
      conn,
      'bench check',
    );
    const redis = new Redis(conn.redisUrl, { lazyConnect: true });
    await redis.connect();
    ctx = {
      conn,
      admin,
      redis,
      log,
      runId,
      scratch: mkdtempSync(join(tmpdir(), 'streamfold-bench-check-')),
      workerArgs: [],
    };
    workload = await preload(ctx, input, 3, 600, 7);
    full = new Map((await topicRanges(admin, input)).map((r) => [r.partition, r.high]));
    producer = createProducer(conn, log, { clientId: `${runId}-producer` });
    await connectKafka(producer, conn, 'bench check');
  });

  afterAll(async () => {
    await producer?.disconnect().catch(() => undefined);
    if (ctx === undefined) return;
    await deleteTopics(ctx.admin, topics);
    for (const prefix of prefixes) await deleteRedisPrefix(ctx.redis, prefix);
    await ctx.admin.disconnect();
    ctx.redis.disconnect();
    rmSync(ctx.scratch, { recursive: true, force: true });
  });

  async function launch(id: keyof typeof contenders): Promise<Launch> {
    const l = await contenders[id].launch(ctx, workload, `${runId}-${id}`, []);
    topics.push(...l.topics);
    if (l.statePrefix !== undefined) prefixes.push(l.statePrefix);
    return l;
  }

  /** One partition's share of the reference revenue. */
  const partitionTotals = (partition: number): Totals =>
    workload.reference.totalsUpTo(new Map([[partition, Infinity]]));

  /** A currency the reference has revenue in, and that revenue. */
  function someTotal(totals: Totals): [string, number] {
    const entry = Object.entries(totals)[0];
    if (entry === undefined) throw new Error('the reference has no revenue');
    return entry;
  }

  it('preloads the records the simulator plans and references every one', async () => {
    expect(workload).toMatchObject({ input, partitions: 3 });
    expect(workload.events).toBe(
      plan({ orders: ordersFor(600, 7), seed: 7, duplicates: DUPLICATES }).records,
    );
    expect(await topicSize(ctx.admin, input)).toBe(workload.events);
    expect([...full.values()].reduce((a, b) => a + b, 0)).toBe(workload.events);
    expect(workload.reference.records).toBe(workload.events);
    expect(workload.reference.applied).toBeGreaterThan(workload.events / 2);
    expect(workload.reference.applied).toBeLessThan(workload.events);
    expect(Object.keys(workload.reference.totals()).length).toBeGreaterThan(0);
  });

  it('checks the naive consumer’s revenue against exactly the prefix it committed', async () => {
    const naive = await launch('b1-p');
    const revenue = `${naive.statePrefix}:revenue`;
    const store = async (totals: Totals): Promise<void> => {
      await ctx.redis.del(revenue);
      const entries = Object.entries(totals);
      if (entries.length > 0) await ctx.redis.hset(revenue, Object.fromEntries(entries));
    };
    const verify = (committed: ReadonlyMap<number, number>) =>
      naive.verify({ committed, report: undefined });
    const half = new Map([...full].map(([p, high]) => [p, Math.floor(high / 2)]));
    const expected = workload.reference.totalsUpTo(half);
    expect(expected).not.toEqual(workload.reference.totals());

    // Nothing committed, nothing stored: correct.
    expect(await verify(new Map())).toEqual([]);
    // Half committed and nothing stored: every currency of the prefix is missing.
    const missing = await verify(half);
    expect(missing).toEqual(Object.entries(expected).map(([c, v]) => `${c} expected ${v}, got 0`));

    await store(expected);
    expect(await verify(half)).toEqual([]);

    // Revenue of records it never committed is wrong too.
    await store(workload.reference.totals());
    expect((await verify(half)).length).toBeGreaterThan(0);
    expect(await verify(full)).toEqual([]);

    const [currency, cents] = someTotal(expected);
    await store({ ...expected, [currency]: cents + 1 });
    expect(await verify(half)).toEqual([`${currency} expected ${cents}, got ${cents + 1}`]);

    // The cleanup takes the run's keys and nothing of a neighbour's.
    const neighbour = `${naive.statePrefix}0:revenue`;
    await ctx.redis.set(neighbour, '1');
    try {
      expect(await deleteRedisPrefix(ctx.redis, naive.statePrefix!)).toBe(1);
      expect(await ctx.redis.exists(revenue)).toBe(0);
      expect(await ctx.redis.exists(neighbour)).toBe(1);
    } finally {
      await ctx.redis.del(neighbour);
    }
  });

  it('checks streamfold’s revenue summed over its shards, and that it committed everything', async () => {
    const sut = await launch('sut');
    const prefix = sut.statePrefix!;
    const verify = (committed: ReadonlyMap<number, number>) =>
      sut.verify({ committed, report: undefined });
    const totals = workload.reference.totals();

    // No state at all: every currency is reported.
    expect(await verify(full)).toEqual(
      Object.entries(totals).map(([c, v]) => `${c} expected ${v}, got 0`),
    );

    // The state the worker keeps: the revenue aggregate's partial per currency and partition.
    const shards = [...full.keys()];
    await ctx.redis.sadd(topologyKeys(prefix, 'orders').partitions, ...shards.map(String));
    const writePartials = async (p: number, sub: Record<string, number>) => {
      for (const [currency, cents] of Object.entries(sub)) {
        await ctx.redis.hset(
          shardKeys(prefix, 'orders', p).aggregates,
          ProgramFields.partial('revenue', currency),
          JSON.stringify({ cents }),
        );
      }
    };
    for (const p of shards) await writePartials(p, partitionTotals(p));
    expect(await verify(full)).toEqual([]);

    const short = new Map(full);
    short.set(0, full.get(0)! - 1);
    expect(await verify(short)).toEqual([
      `committed ${workload.events - 1} of ${workload.events} records`,
    ]);

    const shard = shards.find((p) => Object.keys(partitionTotals(p)).length > 0)!;
    const [currency] = someTotal(partitionTotals(shard));
    const sub = partitionTotals(shard);
    await writePartials(shard, { [currency]: sub[currency]! - 1 });
    expect(await verify(full)).toEqual([
      `${currency} expected ${totals[currency]}, got ${totals[currency]! - 1}`,
    ]);
  });

  it('checks the consume-only count and the passthrough copy', async () => {
    const b0a = await launch('b0a');
    const consumed = (n: number | undefined) => ({ consumed: n });
    expect(await b0a.verify({ committed: full, report: consumed(workload.events) })).toEqual([]);
    expect(await b0a.verify({ committed: full, report: consumed(workload.events + 1) })).toEqual([
      `consumed ${workload.events + 1} records, expected ${workload.events}`,
    ]);
    expect(await b0a.verify({ committed: full, report: undefined })).toEqual([
      `consumed undefined records, expected ${workload.events}`,
    ]);
    const short = new Map(full);
    short.delete(1);
    expect(await b0a.verify({ committed: short, report: consumed(workload.events) })).toEqual([
      `committed ${workload.events - full.get(1)!} of ${workload.events} records`,
    ]);

    const b0c = await launch('b0c');
    const copy = b0c.topics[0]!;
    // A topic just made reports -1 for partitions whose leader is not known yet.
    await eventually('the copy topic to have a leader per partition', async () => {
      const offsets = await ctx.admin.fetchTopicOffsets(copy);
      return offsets.every((o) => Number(o.high) >= 0) ? true : undefined;
    });
    expect(await b0c.verify({ committed: full, report: undefined })).toEqual([
      `copied 0 of ${workload.events} records`,
    ]);
    const records: { key: Buffer | null; value: Buffer | null }[] = [];
    await readTopic(conn, log, input, { onRecord: (r) => records.push(r) });
    await producer.send({
      topic: copy,
      messages: records.map((r) => ({ key: r.key, value: r.value })),
    });
    expect(await b0c.verify({ committed: full, report: undefined })).toEqual([]);
  });

  it('reads Kafka Streams’ revenue from the last changelog value per partition', async () => {
    const ks = await launch('ks');
    const changelog = ks.topics.find((t) => t.endsWith('-revenue-totals-changelog'))!;
    expect(changelog).toBe(`${runId}-ks-app-revenue-totals-changelog`);
    await createTopics(ctx.admin, workload.partitions, [changelog]);
    const long = (cents: number): Buffer => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(cents));
      return b;
    };
    const send = (partition: number, currency: string, value: Buffer | null) =>
      producer.send({ topic: changelog, messages: [{ partition, key: currency, value }] });
    const verify = () => ks.verify({ committed: full, report: undefined });

    expect(await verify()).toEqual(
      Object.entries(workload.reference.totals()).map(([c, v]) => `${c} expected ${v}, got 0`),
    );
    // Each task's store writes its running total; only the last one per currency counts.
    for (const p of full.keys()) {
      for (const [currency, cents] of Object.entries(partitionTotals(p))) {
        await send(p, currency, long(cents + 12_345));
        await send(p, currency, long(cents));
      }
      // A currency deleted from the store counts nothing.
      await send(p, 'XTS', long(99));
      await send(p, 'XTS', null);
    }
    expect(await verify()).toEqual([]);

    const [currency, cents] = someTotal(workload.reference.totals());
    const p = [...full.keys()].find((k) => partitionTotals(k)[currency] !== undefined)!;
    await send(p, currency, long(partitionTotals(p)[currency]! + 1));
    expect(await verify()).toEqual([`${currency} expected ${cents}, got ${cents + 1}`]);
  });
});
