import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { ConnectionConfig } from '../../config/index.js';
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import { connectKafka, createAdmin, createConsumer, createProducer } from '../../kafka/index.js';
import { createLogger, type Logger } from '../../logger.js';
import { connectRedis, createRedis, ScriptRunner, shardKeys } from '../../state/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const PROBE_RECORDS = 300;
const PROBE_PARTITIONS = 3;

/** Produces to a throwaway topic and reads everything back through a fresh consumer group. */
async function kafkaRoundTrip(conn: ConnectionConfig, log: Logger): Promise<Check> {
  const id = `streamfold-doctor-${randomBytes(4).toString('hex')}`;
  const admin = createAdmin(conn, log, { clientId: id });
  const producer = createProducer(conn, log, { clientId: id });
  const consumer = createConsumer(conn, log, { clientId: id, groupId: id });
  const started = Date.now();
  await connectKafka(admin, conn, 'doctor');
  try {
    await admin.createTopics({
      topics: [{ topic: id, numPartitions: PROBE_PARTITIONS, replicationFactor: 1 }],
    });
    await connectKafka(producer, conn, 'doctor');
    const messages = Array.from({ length: PROBE_RECORDS }, (_, i) => ({
      key: `key-${i}`,
      value: String(i),
    }));
    await producer.send({ topic: id, messages });
    await connectKafka(consumer, conn, 'doctor');
    await consumer.subscribe({ topics: [id] });
    const seen = new Set<string>();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new StreamfoldError(
              ErrorCodes.KAFKA_TIMEOUT,
              `read back ${seen.size}/${PROBE_RECORDS} records in 30 s`,
            ),
          ),
        30_000,
      );
      consumer
        .run({
          eachBatch: ({ batch }) => {
            for (const m of batch.messages) seen.add(m.value?.toString() ?? '');
            if (seen.size === PROBE_RECORDS) {
              clearTimeout(timer);
              resolve();
            }
            return Promise.resolve();
          },
        })
        .catch((err: unknown) => {
          clearTimeout(timer);
          reject(err instanceof Error ? err : new Error(String(err)));
        });
    });
    const ms = Date.now() - started;
    return {
      name: 'kafka',
      ok: true,
      detail: `${conn.brokers.join(',')}: produced and consumed ${PROBE_RECORDS} records over ${PROBE_PARTITIONS} partitions in ${ms} ms`,
    };
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await producer.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [id] }).catch(() => undefined);
    await admin.deleteGroups([id]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Runs the fence script on a throwaway shard, then removes its keys. */
async function redisRoundTrip(conn: ConnectionConfig): Promise<Check> {
  const redis = createRedis(conn, { connectionName: 'streamfold-doctor' });
  const scripts = new ScriptRunner();
  const keys = shardKeys(conn.statePrefix, `doctor-${randomBytes(4).toString('hex')}`, 0);
  try {
    await connectRedis(redis);
    scripts.register(redis);
    const info = await redis.info('server');
    const serverVersion = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
    const [epoch] = (await scripts.run(redis, 'fence', [keys.epoch, keys.applied], [])) as number[];
    return {
      name: 'redis',
      ok: epoch === 1,
      detail: `Redis ${serverVersion}: Lua fence script returned epoch ${epoch}`,
    };
  } finally {
    await redis.del(keys.epoch, keys.applied).catch(() => undefined);
    redis.disconnect();
  }
}

async function check(name: string, probe: () => Promise<Check>): Promise<Check> {
  try {
    return await probe();
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

export function registerDoctor(program: Command): void {
  withConnectionOptions(
    program
      .command('doctor')
      .description('check that Kafka and Redis answer: a produce/consume and a Lua round trip')
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: { json?: boolean } & Parameters<typeof connectionFrom>[0]) => {
    const conn = connectionFrom(flags);
    const log = createLogger(
      conn.logLevel === 'info' ? 'warn' : conn.logLevel,
      'streamfold-doctor',
    );
    const checks = [
      await check('kafka', () => kafkaRoundTrip(conn, log)),
      await check('redis', () => redisRoundTrip(conn)),
    ];
    if (flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: checks.every((c) => c.ok), checks })}\n`);
    } else {
      for (const c of checks)
        process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}\n`);
    }
    if (!checks.every((c) => c.ok)) process.exitCode = 1;
  });
}
