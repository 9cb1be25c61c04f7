/**
 * One end-to-end run of a language topology (docs/language.md): a copy of a shipped topology file
 * with unique topic, group and state names, its schema path made absolute, its topics created
 * through the CLI. Workers run it as child processes; `cleanup()` deletes topics and Redis keys.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { connectKafka, createAdmin, type Admin } from '../../src/kafka/index.js';
import {
  connectRedis,
  createRedis,
  deleteMatching,
  StateReader,
  type RedisConnection,
} from '../../src/state/index.js';
import { runCliJson } from './cli.js';
import { eventually, testConnection, testLogger, uniqueName } from './env.js';
import type { ReconcileReport } from './scenario.js';
import { WorkerProcess } from './worker-process.js';

interface TopologyDoc {
  name: string;
  input: { topic: string; group: string; partitions?: number; schema: unknown };
  outputs: Record<string, string>;
}

export class ProgramScenario {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'streamfold-e2e-'));
  readonly prefix = uniqueName('sfe2e');
  readonly file = path.join(this.dir, 'topology.yaml');
  readonly name: string;
  readonly topics: { source: string; outputs: Record<string, string> };
  private readonly group: string;
  private readonly workers: WorkerProcess[] = [];
  private admin: Admin | undefined;
  private redis: RedisConnection | undefined;

  constructor(shipped: string, partitions = 6) {
    const doc = parse(readFileSync(shipped, 'utf8')) as TopologyDoc;
    const unique = uniqueName('e2e').replaceAll('_', '-').toLowerCase();
    this.name = doc.name;
    this.group = `${unique}-group`;
    const outputs = Object.fromEntries(
      Object.entries(doc.outputs).map(([field, topic]) => [field, `${unique}-${topic}`]),
    );
    this.topics = { source: `${unique}-${doc.input.topic}`, outputs };
    const schema =
      typeof doc.input.schema === 'string'
        ? path.resolve(path.dirname(shipped), doc.input.schema)
        : doc.input.schema;
    writeFileSync(
      this.file,
      stringify({
        ...doc,
        input: { ...doc.input, topic: this.topics.source, group: this.group, partitions, schema },
        outputs,
      }),
    );
  }

  /** A short group session, so the next worker gets a killed one's partitions quickly. */
  get env(): NodeJS.ProcessEnv {
    return {
      STATE_PREFIX: this.prefix,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
      HTTP_ADDR: '127.0.0.1:0',
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
    const log = path.join(this.dir, `worker-${this.workers.length}.log`);
    const worker = new WorkerProcess(this.file, { ...this.env, ...env }, log, args);
    this.workers.push(worker);
    return worker;
  }

  async reader(): Promise<StateReader> {
    this.redis ??= await connectRedis(createRedis(testConnection()));
    return StateReader.live(this.redis, this.prefix, this.name);
  }

  private async kafkaAdmin(): Promise<Admin> {
    const conn = testConnection();
    this.admin ??= await connectKafka(
      createAdmin(conn, testLogger(), { clientId: uniqueName('e2e-admin') }),
      conn,
      'admin',
    );
    return this.admin;
  }

  /** Waits until Redis has applied every input record and every outbox is empty. */
  async waitDrained(timeoutMs = 180_000): Promise<void> {
    const offsets = await (await this.kafkaAdmin()).fetchTopicOffsets(this.topics.source);
    const highs = new Map(offsets.map((o) => [o.partition, Number(o.high)]));
    const reader = await this.reader();
    const partitions = [...highs.keys()];
    await eventually(
      'Redis to apply and publish every input record',
      async () => {
        const applied = await reader.applied(partitions);
        const done = partitions.every((p) => (applied.get(p) ?? -1) === (highs.get(p) ?? 0) - 1);
        if (!done) return undefined;
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
    if (!json.ok) {
      process.stderr.write(`reconcile report of ${this.name} (not ok): ${JSON.stringify(json)}\n`);
    }
    return { code, report: json };
  }

  async cleanup(): Promise<void> {
    for (const w of this.workers) await w.kill();
    await this.reader();
    await deleteMatching(this.redis!, `${this.prefix}:*`);
    this.redis?.disconnect();
    const admin = await this.kafkaAdmin();
    const topics = [this.topics.source, ...Object.values(this.topics.outputs)];
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.deleteGroups([this.group]).catch(() => undefined);
    await admin.disconnect();
  }
}
