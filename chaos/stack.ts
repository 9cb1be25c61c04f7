/**
 * The run's own stack: a broker and a Redis server on free ports in a temp directory, the
 * topology with unique names (as the e2e tests' Scenario makes them), its topics, and the drop
 * rules of the network faults when the run has a namespace of its own.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { Broker } from './broker.js';
import { NetFilter } from './netns.js';
import { RedisServer } from './processes.js';
import { freePort, log, sleep } from './util.js';

export interface Topics {
  source: string;
  status: string;
  revenue: string;
  anomalies: string;
  deadLetter: string;
}

/** Four distinct free ports. */
async function ports(): Promise<[number, number, number, number]> {
  const taken = new Set<number>();
  while (taken.size < 4) taken.add(await freePort());
  return [...taken] as [number, number, number, number];
}

/** One `streamfold` command; its exit code (−1 when it could not run or timed out) and output. */
export function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 0,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env, maxBuffer: 256 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = typeof error?.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export class ChaosStack {
  readonly topologyName = 'orders';
  readonly maxValueBytes = 65536;
  readonly name: string;
  readonly prefix: string;
  readonly group: string;
  readonly topics: Topics;
  readonly topologyFile: string;

  private constructor(
    private readonly root: string,
    readonly broker: Broker,
    readonly redis: RedisServer,
    readonly net: NetFilter | undefined,
    runDir: string,
  ) {
    const unique = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    this.name = `chaos-${unique}`;
    this.prefix = `sfchaos-${unique}`;
    this.group = `${this.name}-group`;
    this.topics = {
      source: `${this.name}-events`,
      status: `${this.name}-status`,
      revenue: `${this.name}-revenue`,
      anomalies: `${this.name}-anomalies`,
      deadLetter: `${this.name}-dlt`,
    };
    this.topologyFile = path.join(runDir, 'topology.yaml');
  }

  /** Ports, data directories and (inside a namespace) the drop rules; nothing started yet. */
  static async create(root: string, runDir: string, withNet: boolean): Promise<ChaosStack> {
    const [kafkaPort, controllerPort, workerPort, redisPort] = await ports();
    const broker = new Broker(
      root,
      path.join(runDir, 'kafka'),
      kafkaPort,
      controllerPort,
      workerPort,
    );
    const redis = new RedisServer(path.join(runDir, 'redis'), redisPort);
    let net: NetFilter | undefined;
    if (withNet) {
      net = new NetFilter({ kafka: workerPort, redis: redisPort });
      net.setup();
    }
    return new ChaosStack(root, broker, redis, net, runDir);
  }

  /** Env of the harness's own commands (topics, simulate, reconcile): the 127.0.0.1 paths. */
  get env(): NodeJS.ProcessEnv {
    return {
      KAFKA_BROKERS: this.broker.bootstrap,
      REDIS_URL: this.redis.url,
      STATE_PREFIX: this.prefix,
    };
  }

  /** Env of the workers: the paths the network faults cut. */
  get workerEnv(): NodeJS.ProcessEnv {
    return {
      KAFKA_BROKERS: this.broker.workerBootstrap,
      REDIS_URL: this.redis.workerUrl,
      STATE_PREFIX: this.prefix,
    };
  }

  async start(partitions: number): Promise<void> {
    log(
      `kafka on 127.0.0.1:${this.broker.port} (controller ${this.broker.controllerPort}, ` +
        `workers ${this.broker.workerBootstrap}), redis on 127.0.0.1:${this.redis.port}` +
        (this.net ? '; network faults on' : '; network faults off'),
    );
    this.broker.format();
    await Promise.all([this.broker.start(), this.redis.start()]);
    writeFileSync(this.topologyFile, stringify(this.topologyDocument(partitions)));
  }

  /**
   * The shipped topologies/orders.yaml under the run's names, without windows (the run judges
   * states, revenue and the status topic).
   */
  private topologyDocument(partitions: number): Record<string, unknown> {
    const dir = path.join(this.root, 'topologies');
    const doc = parse(readFileSync(path.join(dir, 'orders.yaml'), 'utf8')) as Record<
      string,
      unknown
    >;
    const input = doc.input as Record<string, unknown>;
    const aggregates = (doc.aggregates as Record<string, unknown>[]).map((aggregate) =>
      Object.fromEntries(Object.entries(aggregate).filter(([field]) => field !== 'windows')),
    );
    const queries = (doc.queries as { view: string }[]).filter((q) => q.view !== 'totals-windows');
    const { source, status, revenue, anomalies, deadLetter } = this.topics;
    return {
      ...doc,
      name: this.topologyName,
      description: 'chaos run',
      input: {
        ...input,
        topic: source,
        group: this.group,
        partitions,
        schema: path.join(dir, input.schema as string),
        maxValueBytes: this.maxValueBytes,
      },
      aggregates,
      outputs: { status, aggregates: revenue, anomalies, deadLetter },
      queries,
    };
  }

  /** `streamfold topics create`, retried while the fresh broker settles. */
  async createTopics(cli: string, env: NodeJS.ProcessEnv): Promise<void> {
    for (let attempt = 1; attempt <= 10; attempt++) {
      const r = await runCli(cli, ['topics', 'create', this.topologyFile, '--json'], env);
      if (r.code === 0) return;
      log(`topics create failed (attempt ${attempt})`, {
        out: `${r.stdout}${r.stderr}`.slice(-300),
      });
      await sleep(2000);
    }
    throw new Error('could not create the topics');
  }
}
