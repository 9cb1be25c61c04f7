/**
 * One chaos run: start the stack and two workers, load and faults for the duration, heal, drain,
 * judge, and write chaos/results/<timestamp>.json. Resolves to the exit code: 1 when a judgement
 * fails. docs/reliability.md explains it.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConnectionConfig } from '../src/config/index.js';
import { connectKafka, createAdmin, type Admin } from '../src/kafka/index.js';
import { createLogger } from '../src/logger.js';
import { connectRedis, createRedis, StateReader } from '../src/state/index.js';
import { FaultInjector, SESSION_TIMEOUT_MS } from './faults.js';
import { judge } from './judgements.js';
import { Load, SIM_FLAGS } from './load.js';
import type { Options } from './options.js';
import type { WorkerSlot } from './processes.js';
import { printSummary, recoveries, rssReport, stamp, workerErrors } from './report.js';
import { Sampler } from './sampler.js';
import { ChaosStack } from './stack.js';
import { healAll, startWorkers, type UnexpectedExit } from './workers.js';
import { cleanEnv, elapsed, log, originMs, sleep } from './util.js';

export async function runChaos(opts: Options, root: string, netns?: string): Promise<number> {
  const cli = path.join(root, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const startedAt = new Date();
  const id = stamp(startedAt);
  const runDir = mkdtempSync(path.join(tmpdir(), 'streamfold-chaos-'));
  const interval = `${opts.interval.minMs / 1000}-${opts.interval.maxMs / 1000} s`;
  log(
    `run ${id}: duration ${opts.duration} s, seed ${opts.seed}, rate ${opts.rate}/s, ` +
      `a fault every ${interval}; logs in ${runDir}`,
  );

  const stack = await ChaosStack.create(root, runDir, netns !== undefined);
  const { broker, redis: redisServer, topics } = stack;
  let workers: WorkerSlot[] = [];
  const unexpected: UnexpectedExit[] = [];
  let shuttingDown = false;
  let admin: Admin | undefined;
  let redis: ReturnType<typeof createRedis> | undefined;

  // One shutdown, however many signals arrive (Ctrl-C reaches both this harness and its parent).
  let stopped: Promise<void> | undefined;
  const shutdown = (): Promise<void> => (stopped ??= stopAll());
  const stopAll = async () => {
    shuttingDown = true;
    await Promise.all(workers.map((w) => w.process.terminate(15_000)));
    await redis?.quit().catch(() => redis?.disconnect());
    await admin?.disconnect().catch(() => undefined);
    await redisServer.process.kill();
    await broker.process.terminate(30_000);
    if (!opts.keepData) {
      rmSync(path.join(runDir, 'kafka/logs'), { recursive: true, force: true });
      rmSync(path.join(runDir, 'kafka/tmp'), { recursive: true, force: true });
      rmSync(path.join(redisServer.dir, 'appendonlydir'), { recursive: true, force: true });
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping everything the run started`);
    void shutdown().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    broker.process.onUnexpectedExit = (exit) => {
      if (!shuttingDown) unexpected.push({ what: 'kafka', atMs: elapsed(), exit });
    };
    redisServer.process.onUnexpectedExit = (exit) => {
      if (!shuttingDown) unexpected.push({ what: 'redis', atMs: elapsed(), exit });
    };
    await stack.start(opts.partitions);
    const baseEnv: NodeJS.ProcessEnv = { ...cleanEnv(), ...stack.env, LOG_LEVEL: 'warn' };
    const workerEnv: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      ...stack.workerEnv,
      LOG_LEVEL: 'info',
      HTTP_ADDR: '127.0.0.1:0',
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
    };
    await stack.createTopics(cli, baseEnv);

    const conn = loadConnectionConfig(
      { brokers: broker.bootstrap, redisUrl: redisServer.url, statePrefix: stack.prefix },
      {},
    );
    const quiet = createLogger('fatal', 'streamfold-chaos');
    const client = await connectRedis(
      createRedis(conn, { connectionName: 'chaos-observer', commandTimeoutMs: 2000 }),
    );
    redis = client;
    client.on('error', () => undefined);
    const reader = await StateReader.live(client, stack.prefix, stack.topologyName);
    const partitions = Array.from({ length: opts.partitions }, (_, p) => p);

    workers = startWorkers(cli, stack, workerEnv, runDir, unexpected, () => shuttingDown);
    // Let both join the group before load and faults begin.
    await sleep(5000);

    const sampler = new Sampler(
      {
        brokers: broker.bootstrap,
        redisUrl: redisServer.url,
        prefix: stack.prefix,
        topology: stack.topologyName,
        group: stack.group,
        topic: topics.source,
        partitions,
        intervalMs: 200,
      },
      workers,
    );
    sampler.start();
    const loadStartMs = elapsed();
    const loadEnd = Date.now() + opts.duration * 1000;
    const load = new Load(cli, stack.topologyFile, baseEnv, opts.seed, opts.rate, (at) =>
      elapsed(at),
    );
    load.start(loadEnd);
    const injector = new FaultInjector(
      opts.seed,
      opts.interval,
      broker,
      redisServer,
      workers,
      stack.net,
    );
    injector.start(loadEnd);

    while (Date.now() < loadEnd) await sleep(Math.min(1000, loadEnd - Date.now()));
    log('load period over: no new faults; healing');
    await injector.stop();
    const healNotes = await healAll(stack, workers);
    const healedAtMs = elapsed();
    await load.stop();
    const loadStoppedAtMs = elapsed();
    log('load stopped; waiting until Redis has applied every record');
    // The harness's own Kafka client only now, after the heal: the observer process takes the
    // risk of a native client abort during the faults.
    admin = await connectKafka(
      createAdmin(conn, quiet, { clientId: `${stack.name}-judge` }),
      conn,
      'chaos judge',
    );
    const verdict = await judge({
      admin,
      reader,
      cli,
      env: baseEnv,
      conn,
      quiet,
      stack,
      partitions,
      sampler,
      injected: injector.injected,
      minFaults: opts.minFaults,
    });
    const drainedAtMs = verdict.drainedAtMs;

    const records = await admin.fetchTopicOffsets(topics.source);
    const produced = records.reduce((a, o) => a + Number(o.high) - Number(o.low), 0);
    const rssSeries = rssReport(sampler.rss.values());
    const longLived = rssSeries.filter((s) => s.lifetimeS >= 60 && s.slopeMbPerMin !== null);
    const faults = injector.faults;
    const report = {
      id,
      ok: verdict.ok,
      seed: opts.seed,
      durationS: opts.duration,
      rate: opts.rate,
      intervalS: [opts.interval.minMs / 1000, opts.interval.maxMs / 1000],
      faultKinds: injector.kinds,
      networkNamespace: netns ?? null,
      simulator: { ...SIM_FLAGS, segments: load.segments },
      startedAt: startedAt.toISOString(),
      originEpochMs: originMs,
      topology: {
        file: stack.topologyFile,
        name: stack.name,
        group: stack.group,
        prefix: stack.prefix,
        topics,
        partitions: opts.partitions,
      },
      stack: {
        kafkaPort: broker.port,
        controllerPort: broker.controllerPort,
        workerKafka: broker.workerBootstrap,
        redisPort: redisServer.port,
        workerRedis: redisServer.workerUrl,
        redis: '--appendonly yes --appendfsync everysec',
      },
      workerEnv: {
        KAFKA_SESSION_TIMEOUT_MS: SESSION_TIMEOUT_MS,
        KAFKA_HEARTBEAT_INTERVAL_MS: 1000,
      },
      timeline: { loadStartMs, healedAtMs, loadStoppedAtMs, drainedAtMs, healNotes },
      faults,
      judgements: verdict.judgements,
      numbers: {
        recordsProduced: produced,
        faultsInjected: injector.injected,
        faultsByKind: faults
          .filter((f) => f.injected)
          .reduce<Record<string, number>>((m, f) => ({ ...m, [f.kind]: (m[f.kind] ?? 0) + 1 }), {}),
        recoveries: recoveries(faults, sampler.lag, loadStoppedAtMs, opts.rate),
        finalHealToLagZeroMs: verdict.drained ? drainedAtMs - healedAtMs : null,
        rss: rssSeries,
        rssTrendLongLivedMbPerMin: longLived.map((s) => ({
          slot: s.slot,
          pid: s.pid,
          lifetimeS: s.lifetimeS,
          slope: s.slopeMbPerMin,
        })),
        samplerFailures: Object.fromEntries(sampler.failures),
        observerExits: sampler.observerExits,
        workerInstances: workers.map((w) => ({ slot: w.index, instances: w.instances })),
        unexpectedExits: unexpected,
        workerErrorLines: workerErrors(
          workers.map((w) => path.join(runDir, `worker-${w.index}.log`)),
        ),
      },
      reconcileReport: verdict.reconcileReport,
      logsDir: runDir,
    };
    mkdirSync(opts.out, { recursive: true });
    const file = path.join(opts.out, `${id}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printSummary(report, file);
    return verdict.ok ? 0 : 1;
  } finally {
    await shutdown();
  }
}
