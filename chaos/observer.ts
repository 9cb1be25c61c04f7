/**
 * The observer as a process of its own (`node .chaos-build/chaos/observer.js`), started and
 * restarted by the harness: a native abort of the Kafka client (librdkafka asserts during broker
 * restarts) ends only this process, not the run. Every 200 ms it reads the group's committed
 * offsets, then Redis's applied offsets, then the high watermarks, and prints one JSON line.
 */
import { loadConnectionConfig } from '../src/config/index.js';
import { connectKafka, createAdmin, type Admin } from '../src/kafka/index.js';
import { committedOffsets } from '../src/lag/committed-offsets.js';
import { createLogger } from '../src/logger.js';
import { connectRedis, createRedis, StateReader } from '../src/state/index.js';
import { sleep } from './util.js';

export interface ObserverConfig {
  brokers: string;
  redisUrl: string;
  prefix: string;
  topology: string;
  group: string;
  topic: string;
  partitions: number[];
  intervalMs: number;
}

/** One line per sample: `f` when it failed, else violations `v` ([p, committed, applied]). */
export interface ObserverLine {
  t: number;
  f?: string;
  v?: [number, number, number][];
  /** Largest committed − (applied + 1) of the sample. */
  x?: number;
  /** Σ (high watermark − 1 − applied). */
  lag?: number;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const emit = (line: ObserverLine) => process.stdout.write(`${JSON.stringify(line)}\n`);
const reason = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).slice(0, 120);

async function main(): Promise<void> {
  const cfg = JSON.parse(process.env.CHAOS_OBSERVER ?? '') as ObserverConfig;
  const conn = loadConnectionConfig(
    { brokers: cfg.brokers, redisUrl: cfg.redisUrl, statePrefix: cfg.prefix },
    {},
  );
  const log = createLogger('fatal', 'streamfold-chaos-observer');
  let running = true;
  process.once('SIGTERM', () => (running = false));

  let admin: Admin | undefined;
  let clients = 0;
  const connectAdmin = async (): Promise<void> => {
    while (running && admin === undefined) {
      try {
        clients += 1;
        admin = await connectKafka(
          createAdmin(conn, log, { clientId: `chaos-observer-${process.pid}-${clients}` }),
          conn,
          'observer',
        );
      } catch (error) {
        emit({ t: Date.now(), f: `connect kafka: ${reason(error)}` });
        await sleep(1000);
      }
    }
  };
  await connectAdmin();
  let kafkaFailures = 0;
  const redis = createRedis(conn, { connectionName: 'chaos-observer', commandTimeoutMs: 2000 });
  redis.on('error', () => undefined);
  let reader: StateReader | undefined;
  while (running && reader === undefined) {
    try {
      await connectRedis(redis);
      reader = await StateReader.live(redis, cfg.prefix, cfg.topology);
    } catch (error) {
      emit({ t: Date.now(), f: `connect redis: ${reason(error)}` });
      await sleep(1000);
    }
  }
  while (running && admin !== undefined && reader !== undefined) {
    const began = Date.now();
    try {
      const committed = await withTimeout(
        committedOffsets(admin, cfg.group, cfg.topic),
        5000,
        'committed offsets',
      );
      const applied = await withTimeout(reader.applied(cfg.partitions), 3000, 'applied offsets');
      const t = Date.now();
      const v: [number, number, number][] = [];
      let x = Number.NEGATIVE_INFINITY;
      for (const p of cfg.partitions) {
        const c = committed.get(p);
        if (c === undefined) continue;
        const a = applied.get(p) ?? -1;
        x = Math.max(x, c - (a + 1));
        if (c > a + 1) v.push([p, c, a]);
      }
      const offsets = await withTimeout(admin.fetchTopicOffsets(cfg.topic), 5000, 'watermarks');
      let lag = 0;
      for (const o of offsets) {
        lag += Math.max(0, Number(o.high) - 1 - (applied.get(o.partition) ?? -1));
      }
      emit({ t, v, ...(Number.isFinite(x) ? { x } : {}), lag });
      kafkaFailures = 0;
    } catch (error) {
      emit({ t: Date.now(), f: reason(error) });
      // An admin client that timed out twice in a row after a broker restart tends to stay
      // stuck: start a fresh one rather than sample nothing until the next fault.
      if (!/applied offsets|max retries|Connection is closed/i.test(reason(error))) {
        kafkaFailures += 1;
      }
      if (kafkaFailures >= 2 && admin) {
        const old = admin;
        admin = undefined;
        kafkaFailures = 0;
        void withTimeout(old.disconnect(), 5000, 'disconnect').catch(() => undefined);
        await connectAdmin();
      }
    }
    const wait = cfg.intervalMs - (Date.now() - began);
    if (wait > 0) await sleep(wait);
  }
  redis.disconnect();
  await admin?.disconnect().catch(() => undefined);
}

if (process.env.CHAOS_OBSERVER !== undefined) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`observer failed: ${reason(error)}\n`);
      process.exit(2);
    },
  );
}
