import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { RedisConnection } from '../../src/state/index.js';
import { afterEach, beforeEach } from 'vitest';
import { connectKafka, createAdmin, type Admin } from '../../src/kafka/index.js';
import { connectRedis, createRedis, deleteMatching, StateReader } from '../../src/state/index.js';
import { runCliJson } from './cli.js';
import { eventually, testConnection, testLogger, uniqueName } from './env.js';
import { WorkerProcess } from './worker-process.js';

export interface ReconcileReport {
  ok: boolean;
  [section: string]: unknown;
}

/** What a scenario's topology holds besides the input and the base outputs. */
export interface ScenarioTopology {
  /** Topology name (state namespace); default `orders`. */
  name?: string;
  /** The revenue aggregate's windows; none when absent. */
  windows?: { sizes: string[]; grace?: string; idleTimeout?: string };
  /** Aggregates of topologies/customers.yaml to add (`customer-value`). */
  aggregates?: string[];
  parking?: { maxAttempts: number };
  /** Leave out status, revenue and anomalies (a topology that only aggregates). */
  aggregatesOnly?: boolean;
}

const topologiesDir = fileURLToPath(new URL('../../topologies/', import.meta.url));

type Doc = Record<string, unknown>;

function shipped(name: 'orders' | 'customers'): Doc {
  return parse(readFileSync(path.join(topologiesDir, `${name}.yaml`), 'utf8')) as Doc;
}

/**
 * A scenario's topology in the language: topologies/orders.yaml (or customers.yaml for a
 * topology that only aggregates) with the scenario's names, windows, aggregates and parking.
 */
function scenarioDocument(
  shape: ScenarioTopology,
  input: { topic: string; group: string; partitions: number },
  outputs: Record<string, string | undefined>,
): Doc {
  const orders = shipped('orders');
  const customers = shipped('customers');
  const base = shape.aggregatesOnly ? customers : orders;
  const extra = (customers.aggregates as Doc[]).filter((a) =>
    (shape.aggregates ?? []).includes(a.name as string),
  );
  const revenue = (orders.aggregates as Doc[]).map((a) => {
    const rest = Object.fromEntries(Object.entries(a).filter(([field]) => field !== 'windows'));
    return shape.windows ? { ...rest, windows: shape.windows } : rest;
  });
  const baseInput = base.input as Doc;
  return {
    ...base,
    name: shape.name ?? 'orders',
    description: 'e2e',
    input: {
      ...baseInput,
      ...input,
      schema: path.join(topologiesDir, baseInput.schema as string),
    },
    aggregates: shape.aggregatesOnly ? extra : [...revenue, ...extra],
    ...(shape.parking ? { parking: shape.parking } : {}),
    outputs,
    // A windows view needs the windows.
    queries: (base.queries as Doc[]).filter((q) => q.view !== 'totals-windows' || shape.windows),
  };
}

/**
 * One end-to-end run: a topology with unique topic, group and state names, written to a temp
 * file, its topics created through the CLI. `cleanup()` deletes topics and Redis keys.
 * `sibling()` adds another topology on the same source topic, as a second pipeline would.
 */
export class Scenario {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'streamfold-e2e-'));
  readonly name = uniqueName('e2e').replaceAll('_', '-').toLowerCase();
  readonly prefix = uniqueName('sfe2e');
  readonly file = path.join(this.dir, 'topology.yaml');
  readonly topology: string;
  readonly group: string;
  readonly topics: {
    source: string;
    status: string;
    revenue: string;
    anomalies: string;
    deadLetter: string;
    windows?: string;
    late?: string;
    aggregates?: string;
  };
  private readonly workers: WorkerProcess[] = [];
  private readonly siblings: Scenario[] = [];
  private admin: Admin | undefined;
  private redis: RedisConnection | undefined;

  constructor(
    readonly partitions = 6,
    private readonly extraEnv: NodeJS.ProcessEnv = {},
    shape: ScenarioTopology = {},
    base?: { name: string; prefix: string; source: string },
  ) {
    if (base) {
      this.name = base.name;
      this.prefix = base.prefix;
    }
    this.topology = shape.name ?? 'orders';
    const t = (s: string) => `${this.name}-${base ? `${this.topology}-` : ''}${s}`;
    this.group = t('group');
    this.topics = {
      source: base?.source ?? t('events'),
      status: t('status'),
      revenue: t('revenue'),
      anomalies: t('anomalies'),
      deadLetter: t('dlt'),
      ...(shape.windows ? { windows: t('windows'), late: t('late') } : {}),
      ...(shape.aggregatesOnly ? { aggregates: t('aggregates') } : {}),
    };
    const all = this.topics;
    // The revenue aggregate publishes to the revenue topic; every aggregate shares one output.
    const outputs = shape.aggregatesOnly
      ? { deadLetter: all.deadLetter, aggregates: all.aggregates }
      : {
          status: all.status,
          aggregates: all.revenue,
          anomalies: all.anomalies,
          deadLetter: all.deadLetter,
          ...(all.windows ? { windows: all.windows, late: all.late } : {}),
        };
    writeFileSync(
      this.file,
      stringify(
        scenarioDocument(shape, { topic: all.source, group: this.group, partitions }, outputs),
      ),
    );
  }

  /** Another topology on this scenario's source topic, with its own group, outputs and state. */
  sibling(shape: ScenarioTopology & { name: string }): Scenario {
    const sibling = new Scenario(this.partitions, this.extraEnv, shape, {
      name: this.name,
      prefix: this.prefix,
      source: this.topics.source,
    });
    this.siblings.push(sibling);
    return sibling;
  }

  /**
   * A short group session: a worker killed with SIGKILL leaves the group after 6 s instead of
   * 45 s, so the next one is assigned its partitions quickly (the broker allows 3 s).
   */
  get env(): NodeJS.ProcessEnv {
    return {
      STATE_PREFIX: this.prefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
      // Several workers on one host: each gets a free port for its HTTP endpoints.
      HTTP_ADDR: '127.0.0.1:0',
      ...this.extraEnv,
    };
  }

  async createTopics(): Promise<void> {
    await runCliJson(['topics', 'create', this.file, '--json'], this.env);
  }

  async simulate(args: readonly string[]): Promise<Record<string, unknown>> {
    const { json } = await runCliJson<Record<string, unknown>>(
      ['simulate', this.file, '--json', ...args],
      this.env,
    );
    return json;
  }

  startWorker(env: NodeJS.ProcessEnv = {}, args: string[] = []): WorkerProcess {
    const worker = new WorkerProcess(
      this.file,
      { ...this.env, ...env },
      path.join(this.dir, `worker-${this.workers.length}.log`),
      args,
    );
    this.workers.push(worker);
    return worker;
  }

  async kafkaAdmin(): Promise<Admin> {
    const conn = testConnection();
    this.admin ??= await connectKafka(
      createAdmin(conn, testLogger(), { clientId: uniqueName('e2e-admin') }),
      conn,
      'admin',
    );
    return this.admin;
  }

  async reader(): Promise<StateReader> {
    const conn = this.extraEnv.REDIS_URL
      ? { ...testConnection(), redisUrl: this.extraEnv.REDIS_URL }
      : testConnection();
    this.redis ??= await connectRedis(createRedis(conn));
    return StateReader.live(this.redis, this.prefix, this.topology);
  }

  /** High watermark per partition of the source topic. */
  async highWatermarks(): Promise<Map<number, number>> {
    const offsets = await (await this.kafkaAdmin()).fetchTopicOffsets(this.topics.source);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  }

  /** Waits until Redis has applied every record currently in the source topic. */
  /**
   * Waits until Redis has applied every input record; with `published`, also until every
   * outbox is empty. After a worker was killed, its last batches can be applied with their
   * derived records still in the outbox, which only the next owner publishes: a check of the
   * output topics must wait for that too.
   */
  async waitDrained(timeoutMs = 120_000, opts: { published?: boolean } = {}): Promise<void> {
    const highs = await this.highWatermarks();
    const reader = await this.reader();
    const partitions = [...highs.keys()];
    await eventually(
      opts.published
        ? 'Redis to apply and publish every input record'
        : 'Redis to apply every input record',
      async () => {
        const applied = await reader.applied(partitions);
        const done = partitions.every((p) => (applied.get(p) ?? -1) === (highs.get(p) ?? 0) - 1);
        if (!done) return undefined;
        if (!opts.published) return true;
        const outbox = await reader.outboxDepth(partitions);
        return partitions.every((p) => (outbox.get(p) ?? 0) === 0) ? true : undefined;
      },
      timeoutMs,
      200,
    );
  }

  async reconcile(): Promise<{ code: number; report: ReconcileReport }> {
    const { code, json } = await runCliJson<ReconcileReport>(
      ['reconcile', this.file, '--json'],
      this.env,
      [0, 1],
    );
    // A report that is not ok fails most tests, and the scenario deletes the evidence: keep it
    // in the output (tests that expect a difference print it too).
    if (!json.ok)
      process.stderr.write(`reconcile report of ${this.name} (not ok): ${JSON.stringify(json)}\n`);
    return { code, report: json };
  }

  async cleanup(): Promise<void> {
    for (const sibling of this.siblings) await sibling.cleanup();
    for (const w of this.workers) await w.kill();
    // Connect even when the test never did: its workers and CLI runs wrote under this prefix.
    await this.reader();
    const redis = this.redis!;
    await deleteMatching(redis, `${this.prefix}:*`);
    redis.disconnect();
    const admin = await this.kafkaAdmin();
    await admin.deleteTopics({ topics: Object.values(this.topics) }).catch(() => undefined);
    // A group whose last member was killed stays non-empty until its session times out: best effort.
    await admin.deleteGroups([this.group]).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * A fresh Scenario with its topics for every test of the calling `describe`, cleaned up after
 * each: call it at describe level and use the returned getter inside the tests.
 */
export function scenarioPerTest(partitions = 6): () => Scenario {
  let current: Scenario | undefined;
  beforeEach(async () => {
    current = new Scenario(partitions);
    await current.createTopics();
  });
  afterEach(async () => {
    await current?.cleanup();
    current = undefined;
  });
  return () => {
    if (!current) throw new Error('the scenario exists only inside a test');
    return current;
  };
}
