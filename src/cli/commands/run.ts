import { Option, type Command } from 'commander';
import { ConfigError, ErrorCodes, StreamfoldError } from '../../errors.js';
import { connectKafka, createAdmin, missingTopics } from '../../kafka/index.js';
import { createLogger, type Logger } from '../../logger.js';
import {
  loadRunnableTopology,
  topologyTopics,
  type CompiledTopology,
  type LanguageTopology,
} from '../../topology/index.js';
import { Worker, type BatchStats } from '../../worker/index.js';
import type { ConnectionConfig } from '../../config/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { groupFrom, withGroupOptions, type GroupFlagValues } from '../group-options.js';
import { positiveInt } from '../parse-options.js';
import { whileKafkaUnavailable } from '../wait-for-kafka.js';
import { version } from '../version.js';

type ConnectionFlags = Parameters<typeof connectionFrom>[0];

interface RunFlags {
  paused?: boolean;
  concurrency?: number;
  maxBatch?: number;
  drainTimeoutMs?: number;
  kafkaWaitMs?: number;
}

/** Refuses to start against a cluster that lacks the topology's topics. */
async function checkTopics(
  conn: ConnectionConfig,
  topology: CompiledTopology | LanguageTopology,
  log: Logger,
) {
  const admin = await connectKafka(
    createAdmin(conn, log, { clientId: 'streamfold-run-check' }),
    conn,
    'admin',
  );
  try {
    const missing = await missingTopics(admin, topologyTopics(topology));
    if (missing.length > 0) {
      throw new ConfigError(topology.file, [
        {
          path: 'topics',
          message: `missing on the cluster: ${missing.join(', ')} (create them with: streamfold topics create ${topology.file})`,
        },
      ]);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Ends the process without waiting for native threads (a stuck client cannot block it). */
function hardExit(): never {
  process.kill(process.pid, 'SIGKILL');
  throw new StreamfoldError(ErrorCodes.INTERNAL, 'unreachable');
}

/** Logs throughput every few seconds while the worker runs. */
function progressLogger(log: Logger): { onBatch: (s: BatchStats) => void; stop: () => void } {
  const totals = {
    records: 0,
    applied: 0,
    duplicates: 0,
    anomalies: 0,
    deadLettered: 0,
    batches: 0,
  };
  let last = { records: 0, at: Date.now() };
  const timer = setInterval(() => {
    const now = Date.now();
    if (totals.records === last.records) return;
    const rate = Math.round(((totals.records - last.records) * 1000) / (now - last.at));
    log.info({ ...totals, eventsPerSecond: rate }, 'progress');
    last = { records: totals.records, at: now };
  }, 5000);
  timer.unref();
  return {
    onBatch: (s) => {
      totals.batches += 1;
      totals.records += s.records;
      totals.applied += s.applied;
      totals.duplicates += s.duplicates;
      totals.anomalies += s.anomalies;
      totals.deadLettered += s.deadLettered;
    },
    stop: () => clearInterval(timer),
  };
}

export function registerRun(program: Command): void {
  withConnectionOptions(
    withGroupOptions(
      program
        .command('run')
        .description('run the worker for a topology until SIGTERM or SIGINT')
        .argument('[topology]', 'topology file', 'topologies/orders.yaml')
        .addOption(
          new Option(
            '--concurrency <n>',
            'partitions processed at once (default: the topology partitions)',
          ).argParser(positiveInt('--concurrency')),
        )
        .addOption(
          new Option('--max-batch <n>', 'records per batch at most')
            .default(2000)
            .argParser(positiveInt('--max-batch')),
        )
        .option(
          '--paused',
          'own the partitions and report lag, but process nothing until POST /resume',
        )
        .addOption(
          new Option('--drain-timeout-ms <ms>', 'how long a stop waits for in-flight batches')
            .default(30_000)
            .argParser(positiveInt('--drain-timeout-ms')),
        )
        .addOption(
          new Option(
            '--kafka-wait-ms <ms>',
            'how long the start waits for an unreachable broker before exiting 1',
          )
            .default(60_000)
            .argParser(positiveInt('--kafka-wait-ms')),
        ),
    ),
  ).action(async (file: string, flags: RunFlags & GroupFlagValues & ConnectionFlags) => {
    const conn = connectionFrom(flags);
    const group = groupFrom(flags);
    const { topology } = await loadRunnableTopology(file);
    const log = createLogger(conn.logLevel, 'streamfold');
    await whileKafkaUnavailable(
      () => checkTopics(conn, topology, log),
      flags.kafkaWaitMs ?? 60_000,
      log,
    );
    const progress = progressLogger(log);
    let requestStop: (reason: NodeJS.Signals | 'fatal') => void = () => undefined;
    const worker = new Worker({
      conn,
      group,
      topology,
      log,
      version,
      ...(flags.concurrency ? { concurrency: flags.concurrency } : {}),
      ...(flags.maxBatch ? { maxBatchSize: flags.maxBatch } : {}),
      ...(flags.drainTimeoutMs ? { drainTimeoutMs: flags.drainTimeoutMs } : {}),
      onBatch: progress.onBatch,
      startPaused: flags.paused ?? false,
      onFatal: () => {
        process.exitCode = 1;
        requestStop('fatal');
      },
    });

    let stopping = false;
    const stopped = new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals | 'fatal') => {
        if (stopping) {
          log.warn({ signal }, 'second signal: exiting now');
          hardExit();
        }
        stopping = true;
        log.info({ signal }, 'stopping');
        // A native consumer close can block forever (seen rarely during a rebalance), and then
        // so does process.exit, which joins the native threads. State is safe at any point.
        const watchdogMs = (flags.drainTimeoutMs ?? 30_000) + 15_000;
        setTimeout(() => {
          log.error({ watchdogMs }, 'stop did not finish; exiting hard');
          hardExit();
        }, watchdogMs).unref();
        worker
          .stop()
          .catch((err: unknown) => {
            log.error({ err }, 'stop failed');
            process.exitCode = 1;
          })
          .finally(() => {
            progress.stop();
            resolve();
          });
      };
      requestStop = stop;
      process.on('SIGTERM', stop);
      process.on('SIGINT', stop);
    });

    log.info(
      {
        topology: topology.name,
        topic: topology.source.topic,
        group: topology.source.group,
        groupProtocol: group.protocol,
        ...(group.instanceId === undefined ? {} : { groupInstanceId: group.instanceId }),
        version,
      },
      'starting',
    );
    try {
      await worker.start();
    } catch (error) {
      progress.stop();
      await worker.stop().catch(() => undefined);
      throw error;
    }
    await stopped;
    log.info('stopped');
  });
}
