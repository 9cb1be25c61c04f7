/**
 * `make chaos DURATION=180 SEED=1`: two workers, the simulator at a steady rate and a seeded
 * fault injector against a Kafka broker and a Redis server of the run's own (free ports, temp
 * directories; never the shared stack). After the load: heal, drain, judge, and write
 * chaos/results/<timestamp>.json. Exits 1 when a judgement fails. docs/reliability.md explains it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Redis } from 'ioredis';
import { loadConnectionConfig } from '../src/config/index.js';
import { connectKafka, createAdmin, type Admin } from '../src/kafka/index.js';
import { createLogger } from '../src/logger.js';
import { connectRedis, createRedis, StateReader } from '../src/state/index.js';
import { FaultInjector, SESSION_TIMEOUT_MS, type FaultRecord } from './faults.js';
import { checkStatusGapFree, runReconcile, waitDrained, type GapVerdict } from './judge.js';
import { Load, SIM_FLAGS } from './load.js';
import { Broker, RedisServer, WorkerSlot, type Exit } from './processes.js';
import { Sampler, type LagPoint } from './sampler.js';
import { cleanEnv, elapsed, freePort, log, originMs, sleep, slope } from './util.js';

interface Options {
  duration: number;
  seed: number;
  rate: number;
  partitions: number;
  out: string;
  keepData: boolean;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function parseOptions(argv: string[]): Options {
  const o: Options = {
    duration: 180,
    seed: 1,
    rate: 200,
    partitions: 6,
    out: path.join(root, 'chaos/results'),
    keepData: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    const num = () => {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
      i += 1;
      return n;
    };
    switch (flag) {
      case '--duration':
        o.duration = num();
        break;
      case '--seed':
        o.seed = Math.trunc(num());
        break;
      case '--rate':
        o.rate = num();
        break;
      case '--partitions':
        o.partitions = Math.trunc(num());
        break;
      case '--out':
        o.out = path.resolve(value ?? o.out);
        i += 1;
        break;
      case '--keep-data':
        o.keepData = true;
        break;
      case '--help':
        process.stdout.write(
          'usage: npm run chaos -- [--duration s (180)] [--seed n (1)] [--rate events/s (200)]\n' +
            '                        [--partitions n (6)] [--out dir (chaos/results)] [--keep-data]\n',
        );
        return process.exit(0);
      default:
        throw new Error(`unknown argument ${flag}`);
    }
  }
  if (o.duration <= 0 || o.rate <= 0) throw new Error('--duration and --rate must be positive');
  return o;
}

/** `2026-11-28T06-39-44Z`, like bench/results. */
function stamp(at = new Date()): string {
  return at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replaceAll(':', '-');
}

function runCli(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = typeof error?.code === 'number' ? error.code : error ? -1 : 0;
        resolve({ code, out: `${stdout}${stderr}` });
      },
    );
  });
}

/** Per fault: from its heal to the first sample with no lag, and with under a second of lag. */
function recoveries(
  faults: readonly FaultRecord[],
  lag: readonly LagPoint[],
  endMs: number,
  rate: number,
) {
  return faults.map((f, i) => {
    const from = f.healedAtMs ?? f.atMs;
    const until = faults[i + 1]?.atMs ?? endMs;
    const window = lag.filter((p) => p.atMs >= from && p.atMs <= until);
    const zero = window.find((p) => p.totalLag === 0);
    const small = window.find((p) => p.totalLag <= rate);
    const peak = window.reduce((m, p) => Math.max(m, p.totalLag), 0);
    return {
      kind: f.kind,
      healedAtMs: from,
      toLagZeroMs: zero ? zero.atMs - from : null,
      toLagUnderOneSecondMs: small ? small.atMs - from : null,
      peakLagAfterHeal: peak,
      windowMs: until - from,
    };
  });
}

/** Error and fatal lines of the worker logs, counted by message. */
function workerErrors(files: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const entry = JSON.parse(line) as {
          level?: number;
          msg?: string;
          err?: { message?: string };
        };
        if ((entry.level ?? 0) < 50) continue;
        const key = `${entry.level === 60 ? 'fatal' : 'error'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 140)})` : ''}`;
        counts[key] = (counts[key] ?? 0) + 1;
      } catch {
        // not a log line
      }
    }
  }
  return counts;
}

async function main(): Promise<number> {
  const opts = parseOptions(process.argv.slice(2));
  const cli = path.join(root, 'dist/cli/main.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const startedAt = new Date();
  const id = stamp(startedAt);
  const runDir = mkdtempSync(path.join(tmpdir(), 'streamfold-chaos-'));
  log(
    `run ${id}: duration ${opts.duration} s, seed ${opts.seed}, rate ${opts.rate}/s; logs in ${runDir}`,
  );

  const kafkaPort = await freePort();
  let controllerPort = await freePort();
  while (controllerPort === kafkaPort) controllerPort = await freePort();
  let redisPort = await freePort();
  while (redisPort === kafkaPort || redisPort === controllerPort) redisPort = await freePort();

  const broker = new Broker(root, path.join(runDir, 'kafka'), kafkaPort, controllerPort);
  const redisServer = new RedisServer(path.join(runDir, 'redis'), redisPort);
  const workers: WorkerSlot[] = [];
  const unexpected: { what: string; pid?: number; atMs: number; exit: Exit; logTail?: string }[] =
    [];
  let shuttingDown = false;
  let admin: Admin | undefined;
  let redis: Redis | undefined;

  const shutdown = async () => {
    if (shuttingDown) return;
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
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(
      `kafka on 127.0.0.1:${kafkaPort} (controller ${controllerPort}), redis on 127.0.0.1:${redisPort}`,
    );
    broker.format();
    broker.process.onUnexpectedExit = (exit) => {
      if (!shuttingDown) unexpected.push({ what: 'kafka', atMs: elapsed(), exit });
    };
    redisServer.process.onUnexpectedExit = (exit) => {
      if (!shuttingDown) unexpected.push({ what: 'redis', atMs: elapsed(), exit });
    };
    await Promise.all([broker.start(), redisServer.start()]);

    // A topology of the run's own: unique topics, group and state prefix (as test/helpers/scenario.ts).
    const unique = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const name = `chaos-${unique}`;
    const prefix = `sfchaos-${unique}`;
    const topics = {
      source: `${name}-events`,
      status: `${name}-status`,
      revenue: `${name}-revenue`,
      anomalies: `${name}-anomalies`,
      deadLetter: `${name}-dlt`,
    };
    const group = `${name}-group`;
    const topologyName = 'orders';
    const maxValueBytes = 65536;
    const topologyFile = path.join(runDir, 'topology.yaml');
    const { source, ...outputs } = topics;
    writeFileSync(
      topologyFile,
      stringify({
        name: topologyName,
        description: 'chaos run',
        source: { topic: source, group, partitions: opts.partitions, replicationFactor: 1 },
        event: { schema: 'order-event/v1', maxValueBytes },
        outputs,
      }),
    );

    const baseEnv: NodeJS.ProcessEnv = {
      ...cleanEnv(),
      KAFKA_BROKERS: broker.bootstrap,
      REDIS_URL: redisServer.url,
      STATE_PREFIX: prefix,
      LOG_LEVEL: 'warn',
    };
    const workerEnv: NodeJS.ProcessEnv = {
      ...baseEnv,
      LOG_LEVEL: 'info',
      HTTP_ADDR: '127.0.0.1:0',
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      KAFKA_HEARTBEAT_INTERVAL_MS: '1000',
    };

    let created = false;
    for (let attempt = 1; attempt <= 10 && !created; attempt++) {
      const r = await runCli(cli, ['topics', 'create', topologyFile, '--json'], baseEnv);
      created = r.code === 0;
      if (!created) {
        log(`topics create failed (attempt ${attempt})`, { out: r.out.slice(-300) });
        await sleep(2000);
      }
    }
    if (!created) throw new Error('could not create the topics');

    const conn = loadConnectionConfig(
      { brokers: broker.bootstrap, redisUrl: redisServer.url, statePrefix: prefix },
      {},
    );
    const quiet = createLogger('fatal', 'streamfold-chaos');
    redis = await connectRedis(
      createRedis(conn, { connectionName: 'chaos-observer', commandTimeoutMs: 2000 }),
    );
    redis.on('error', () => undefined);
    const reader = await StateReader.live(redis, prefix, topologyName);
    const partitions = Array.from({ length: opts.partitions }, (_, p) => p);

    for (let i = 0; i < 2; i++) {
      const slot = new WorkerSlot(
        i,
        cli,
        topologyFile,
        workerEnv,
        path.join(runDir, `worker-${i}.log`),
      );
      slot.process.onUnexpectedExit = (exit) => {
        if (shuttingDown) return;
        const pid = slot.instances.at(-1)?.pid;
        const file = path.join(runDir, `worker-${i}.log`);
        const logTail = existsSync(file)
          ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')
          : undefined;
        unexpected.push({
          what: `worker-${i}`,
          ...(pid ? { pid } : {}),
          atMs: elapsed(),
          exit,
          ...(logTail ? { logTail } : {}),
        });
        log(`worker-${i} exited on its own; restarting it in 1 s`, { ...exit });
        setTimeout(() => {
          if (!shuttingDown && !slot.process.running) slot.start();
        }, 1000);
      };
      workers.push(slot);
      slot.start();
    }
    // Let both join the group before load and faults begin.
    await sleep(5000);

    const sampler = new Sampler(
      {
        brokers: broker.bootstrap,
        redisUrl: redisServer.url,
        prefix,
        topology: topologyName,
        group,
        topic: topics.source,
        partitions,
        intervalMs: 200,
      },
      workers,
    );
    sampler.start();
    const loadStartMs = elapsed();
    const loadEnd = Date.now() + opts.duration * 1000;
    const load = new Load(cli, topologyFile, baseEnv, opts.seed, opts.rate, (at) => elapsed(at));
    load.start(loadEnd);
    const injector = new FaultInjector(opts.seed, broker, redisServer, workers);
    injector.start(loadEnd);

    while (Date.now() < loadEnd) await sleep(Math.min(1000, loadEnd - Date.now()));
    log('load period over: no new faults; healing');
    await injector.stop();
    // Heal: every component running and resumed.
    const healNotes: string[] = [];
    if (!broker.process.running) {
      healNotes.push('kafka was down: restarted');
      await broker.start();
    } else if (broker.process.stopped) {
      healNotes.push('kafka was stopped: SIGCONT');
      broker.process.signal('SIGCONT');
    }
    if (!redisServer.process.running) {
      healNotes.push('redis was down: restarted');
      await redisServer.start();
    }
    for (const w of workers) {
      if (w.process.stopped) {
        healNotes.push(`worker-${w.index} was stopped: SIGCONT`);
        w.process.signal('SIGCONT');
      }
      if (!w.process.running) {
        healNotes.push(`worker-${w.index} was down: restarted`);
        w.start();
      }
    }
    const healedAtMs = elapsed();
    await load.stop();
    const loadStoppedAtMs = elapsed();
    log('load stopped; waiting until Redis has applied every record');
    // The harness's own Kafka client only now, after the heal: the observer process takes the
    // risk of a native client abort during the faults.
    admin = await connectKafka(
      createAdmin(conn, quiet, { clientId: `${name}-judge` }),
      conn,
      'chaos judge',
    );

    const drain = await waitDrained(admin, reader, topics.source, partitions, 300_000);
    const drainedAtMs = elapsed();
    await sleep(1000);
    await sampler.stop();
    log(
      drain.ok ? `drained ${drain.waitedMs} ms after the load stopped` : 'NOT drained within 300 s',
      drain.ok ? undefined : drain.last,
    );

    log('reconciling');
    const reconcileVerdict = await runReconcile(cli, topologyFile, baseEnv);
    log('checking the status topic against the reference');
    let gap: GapVerdict | { ok: false; error: string };
    try {
      gap = await checkStatusGapFree(conn, quiet, topics, maxValueBytes);
    } catch (error) {
      gap = { ok: false, error: error instanceof Error ? error.message : String(error) };
    }

    const records = await admin.fetchTopicOffsets(topics.source);
    const produced = records.reduce((a, o) => a + Number(o.high) - Number(o.low), 0);
    const rssSeries = [...sampler.rss.values()].map((s) => {
      const first = s.samples[0];
      const last = s.samples.at(-1);
      const lifeMs = first && last ? last[0] - first[0] : 0;
      // The first 20 s are start-up (JIT, buffers): the trend is over the rest.
      const steady = s.samples.filter(([t]) => first !== undefined && t - first[0] >= 20_000);
      const perMs = slope(steady.map(([t, kb]) => [t, kb / 1024] as [number, number]));
      return {
        slot: s.slot,
        pid: s.pid,
        lifetimeS: Math.round(lifeMs / 1000),
        firstMb: first ? +(first[1] / 1024).toFixed(1) : null,
        maxMb: +(Math.max(...s.samples.map(([, kb]) => kb)) / 1024).toFixed(1),
        lastMb: last ? +(last[1] / 1024).toFixed(1) : null,
        slopeMbPerMin: perMs === null ? null : +(perMs * 60_000).toFixed(2),
        samples: s.samples.map(([t, kb]) => [t, Math.round(kb / 1024)]),
      };
    });
    const longLived = rssSeries.filter((s) => s.lifetimeS >= 60 && s.slopeMbPerMin !== null);

    const faults = injector.faults;
    const recovery = recoveries(faults, sampler.lag, loadStoppedAtMs, opts.rate);
    const judgements = {
      drained: { ok: drain.ok, waitedMs: drain.waitedMs, last: drain.last },
      reconcile: {
        ok: reconcileVerdict.ok,
        exitCode: reconcileVerdict.exitCode,
        ...(reconcileVerdict.error ? { error: reconcileVerdict.error } : {}),
      },
      statusGapFree: gap,
      statusExplained: {
        ok: 'unexplainedStatusRecords' in gap ? gap.unexplainedStatusRecords === 0 : false,
      },
      committedNeverAheadOfApplied: {
        ok: sampler.violations.length === 0 && sampler.samples > 0,
        samples: sampler.samples,
        failedSamples: sampler.failed,
        maxExcess: Number.isFinite(sampler.maxExcess) ? sampler.maxExcess : null,
        violations: sampler.violations.length,
        violationExamples: sampler.violations.slice(0, 20),
        violationsByPartition: Object.fromEntries(
          partitions.map((p) => [
            String(p),
            sampler.violations.filter((v) => v.partition === p).length,
          ]),
        ),
      },
    };
    const ok = Object.values(judgements).every((j) => j.ok);
    const report = {
      id,
      ok,
      seed: opts.seed,
      durationS: opts.duration,
      rate: opts.rate,
      simulator: { ...SIM_FLAGS, segments: load.segments },
      startedAt: startedAt.toISOString(),
      originEpochMs: originMs,
      topology: { file: topologyFile, name, group, prefix, topics, partitions: opts.partitions },
      stack: {
        kafkaPort,
        controllerPort,
        redisPort,
        redis: '--appendonly yes --appendfsync everysec',
      },
      workerEnv: {
        KAFKA_SESSION_TIMEOUT_MS: SESSION_TIMEOUT_MS,
        KAFKA_HEARTBEAT_INTERVAL_MS: 1000,
      },
      timeline: { loadStartMs, healedAtMs, loadStoppedAtMs, drainedAtMs, healNotes },
      faults,
      judgements,
      numbers: {
        recordsProduced: produced,
        faultsInjected: faults.length,
        faultsByKind: faults.reduce<Record<string, number>>(
          (m, f) => ({ ...m, [f.kind]: (m[f.kind] ?? 0) + 1 }),
          {},
        ),
        recoveries: recovery,
        finalHealToLagZeroMs: drain.ok ? drainedAtMs - healedAtMs : null,
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
      reconcileReport: reconcileVerdict.report,
      logsDir: runDir,
    };
    mkdirSync(opts.out, { recursive: true });
    const file = path.join(opts.out, `${id}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printSummary(report, file);
    return ok ? 0 : 1;
  } finally {
    await shutdown();
  }
}

function printSummary(
  r: {
    ok: boolean;
    seed: number;
    durationS: number;
    faults: FaultRecord[];
    judgements: Record<string, { ok: boolean }>;
    numbers: {
      recordsProduced: number;
      recoveries: {
        kind: string;
        toLagZeroMs: number | null;
        toLagUnderOneSecondMs: number | null;
      }[];
      finalHealToLagZeroMs: number | null;
      rssTrendLongLivedMbPerMin: {
        slot: number;
        pid: number;
        lifetimeS: number;
        slope: number | null;
      }[];
      unexpectedExits: { what: string; atMs: number; exit: Exit }[];
      observerExits: { atMs: number; signal: string | null }[];
    };
  },
  file: string,
): void {
  const lines: string[] = [];
  lines.push(
    `chaos: seed ${r.seed}, ${r.durationS} s, ${r.numbers.recordsProduced} records, ${r.faults.length} faults`,
  );
  r.faults.forEach((f, i) => {
    const rec = r.numbers.recoveries[i];
    const target = f.worker === undefined ? '' : ` worker-${f.worker}`;
    const fmt = (ms: number | null | undefined) =>
      ms == null ? '—' : `${(ms / 1000).toFixed(1)}s`;
    lines.push(
      `  ${(f.atMs / 1000).toFixed(1).padStart(6)}s ${f.kind}${target} (${f.ms} ms) healed +${fmt((f.healedAtMs ?? f.atMs) - f.atMs)}, lag 0 after ${fmt(rec?.toLagZeroMs)}, <1s of lag after ${fmt(rec?.toLagUnderOneSecondMs)}${f.notes.length ? `; ${f.notes.join('; ')}` : ''}`,
    );
  });
  lines.push(`  final heal → lag 0: ${r.numbers.finalHealToLagZeroMs ?? '—'} ms`);
  for (const s of r.numbers.rssTrendLongLivedMbPerMin) {
    lines.push(`  RSS trend worker-${s.slot} pid ${s.pid} (${s.lifetimeS} s): ${s.slope} MB/min`);
  }
  for (const u of r.numbers.unexpectedExits) {
    lines.push(
      `  UNEXPECTED EXIT ${u.what} at ${(u.atMs / 1000).toFixed(1)}s: code ${u.exit.code} signal ${u.exit.signal}`,
    );
  }
  for (const o of r.numbers.observerExits) {
    lines.push(
      `  observer process died at ${(o.atMs / 1000).toFixed(1)}s (signal ${o.signal}); restarted`,
    );
  }
  for (const [name, j] of Object.entries(r.judgements))
    lines.push(`  ${j.ok ? 'PASS' : 'FAIL'} ${name}`);
  lines.push(`${r.ok ? 'PASS' : 'FAIL'}: report ${path.relative(process.cwd(), file)}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(
      `chaos run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(2);
  },
);
