import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { ConnectionConfig, GroupConfig } from '../config/index.js';
import { startHttpServer, type HttpServer, type Readiness } from '../http/index.js';
import { connectKafka, createProducer, type Producer } from '../kafka/index.js';
import type { Logger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import { BatchSource } from '../source/index.js';
import { connectRedis, createRedis, ProgramReader, StateReader } from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { buildProcessor } from './build-processor.js';
import { canTransition, type WorkerState } from './lifecycle.js';
import { namedQueryRoutes, programQueryRoutes } from '../query/program/index.js';
import { queryRoutes } from './query-routes.js';
import { WorkerTelemetry, type BatchStats } from './telemetry.js';

export interface WorkerOptions {
  conn: ConnectionConfig;
  /** Rebalance protocol and static membership of the consumer (default: classic). */
  group?: GroupConfig;
  /** A built-in order topology, or a program of the topology language (docs/language.md). */
  topology: CompiledTopology | LanguageTopology;
  log: Logger;
  version: string;
  /** Partitions processed at once by this worker. */
  concurrency?: number;
  maxBatchSize?: number;
  /** How long a SIGTERM waits for in-flight batches before giving up on them. */
  drainTimeoutMs?: number;
  onBatch?: (stats: BatchStats) => void;
  /** How often idle windows and unpark requests are looked at (at most; default 1000 ms). */
  tickMs?: number;
  /** Join, own and fence partitions, report lag, but process nothing until resumed. */
  startPaused?: boolean;
  /**
   * A fault retrying cannot fix (Redis refused a command: NOPERM). The worker is not ready
   * from then on; the caller should stop it and exit non-zero.
   */
  onFatal?: (error: StreamfoldError) => void;
}

/** A fatal consumer error as the worker reports it; with static membership, the likely cause. */
function consumerFatal(message: string, instanceId: string | undefined): StreamfoldError {
  const hint =
    instanceId === undefined
      ? ''
      : ` (is another worker running with group.instance.id "${instanceId}"?)`;
  return new StreamfoldError(
    ErrorCodes.KAFKA_UNAVAILABLE,
    `the Kafka consumer hit a fatal error and cannot consume again${hint}: ${message.split('\n')[0] ?? ''}`,
    { retriable: false },
  );
}

/** Wires source → processor → state store and outbox relay, and owns their lifecycle. */
export class Worker {
  private state: WorkerState = 'starting';
  private source: BatchSource | undefined;
  private producer: Producer | undefined;
  private store: { close(): Promise<void> } | undefined;
  private reader: StateReader | undefined;
  private programReader: ProgramReader | undefined;
  private http: HttpServer | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private redisReady: () => boolean = () => false;
  private fatal: StreamfoldError | undefined;
  readonly metrics: Metrics;

  constructor(private readonly opts: WorkerOptions) {
    this.metrics = createMetrics(undefined, {
      build: { version: opts.version, librdkafkaVersion: kafkaJavascript.librdkafkaVersion },
    });
  }

  /** Ready once Kafka and Redis answer and the group has assigned this worker its share. */
  readiness(): Readiness {
    const checks = {
      state: this.state === 'running' ? true : this.state,
      redis: this.fatal ? this.fatal.message : this.redisReady() ? true : 'not connected',
      kafka: this.source?.groupJoined ? true : 'group not joined',
    };
    return { ready: Object.values(checks).every((c) => c === true), checks };
  }

  /** Where /metrics is served (the real port when 0 was asked for). */
  get httpUrl(): string | undefined {
    return this.http?.url;
  }

  get status(): WorkerState {
    return this.state;
  }

  private moveTo(next: WorkerState): void {
    if (!canTransition(this.state, next))
      throw new StreamfoldError(
        ErrorCodes.INTERNAL,
        `worker cannot go from ${this.state} to ${next}`,
      );
    this.opts.log.info({ from: this.state, to: next }, 'worker state');
    this.state = next;
  }

  async start(): Promise<void> {
    const { conn, topology, log } = this.opts;
    // Liveness and metrics first, so a slow Kafka or Redis shows up as not-ready, not as down.
    this.http = await startHttpServer({
      address: conn.httpAddr,
      scrape: () => this.metrics.scrape(),
      readiness: () => this.readiness(),
      onError: (err, where) => log.warn({ err, ...where }, 'http handler failed'),
      routes: [
        { method: 'POST', pattern: /^\/pause$/, handler: () => this.control('pause') },
        { method: 'POST', pattern: /^\/resume$/, handler: () => this.control('resume') },
        ...('kind' in topology
          ? [
              ...programQueryRoutes(topology, () => this.programReader),
              ...namedQueryRoutes(topology, () => this.programReader),
            ]
          : queryRoutes(() => this.reader, topology)),
      ],
    });
    log.info({ url: this.http.url }, 'http listening');
    const telemetry = new WorkerTelemetry(this.metrics, topology, this.opts.onBatch);
    const redis = await connectRedis(
      createRedis(conn, {
        connectionName: `streamfold-${topology.name}`,
        onPermissionDenied: (error) => this.failed(error),
      }),
    );
    this.redisReady = () => redis.status === 'ready';
    this.reader = new StateReader(redis, conn.statePrefix, topology.name);
    this.programReader = new ProgramReader(redis, conn.statePrefix, topology.name);
    this.producer = await connectKafka(
      createProducer(conn, log, { clientId: `streamfold-${topology.name}-producer` }),
      conn,
      'producer',
    );
    const built = buildProcessor(topology, {
      conn,
      log,
      version: this.opts.version,
      metrics: this.metrics,
      redis,
      producer: this.producer,
      observer: telemetry,
    });
    this.store = built.store;
    this.source = new BatchSource({
      conn,
      log,
      topic: topology.source.topic,
      groupId: topology.source.group,
      ...(this.opts.group ? { group: this.opts.group } : {}),
      clientId: `streamfold-${topology.name}`,
      handler: built.handler,
      concurrency: this.opts.concurrency ?? topology.source.partitions,
      maxBatchSize: this.opts.maxBatchSize ?? 2000,
      observer: telemetry,
      startPaused: this.opts.startPaused ?? false,
      onFatal: (message) => this.failed(consumerFatal(message, this.opts.group?.instanceId)),
    });
    await this.source.start();
    this.startTicking(built.handler, built.idleTimeoutMs);
    // A fatal fault during start has begun a stop already.
    if (this.state === 'starting') this.moveTo('running');
  }

  /** Not ready from now on, said once in the log; the caller decides to stop. */
  private failed(error: StreamfoldError): void {
    if (this.fatal) return;
    this.fatal = error;
    // Not the error itself: its cause carries the refused command's arguments (batch data).
    this.opts.log.error({ code: error.code }, error.message);
    this.opts.onFatal?.(error);
  }

  /** Idle windows and unpark requests are handled between batches, on a timer. */
  private startTicking(
    processor: { tick(): Promise<void> },
    idleTimeoutMs: number | undefined,
  ): void {
    const idle = idleTimeoutMs ?? Infinity;
    const everyMs = Math.max(50, Math.min(this.opts.tickMs ?? 1000, idle / 4));
    let running = false;
    this.ticker = setInterval(() => {
      if (running || this.state !== 'running' || this.source?.isPaused === true) return;
      running = true;
      processor
        .tick()
        .catch((err: unknown) => this.opts.log.warn({ err }, 'tick failed'))
        .finally(() => {
          running = false;
        });
    }, everyMs);
    this.ticker.unref();
  }

  /** Operator control over HTTP: pause or resume processing of every owned partition. */
  private control(action: 'pause' | 'resume'): Promise<{ status: number; body: unknown }> {
    if (!this.source || this.state !== 'running') {
      return Promise.resolve({ status: 409, body: { error: `worker is ${this.state}` } });
    }
    if (action === 'pause') this.source.pause();
    else this.source.resume();
    this.opts.log.info({ action }, 'processing control');
    return Promise.resolve({ status: 200, body: { paused: this.source.isPaused } });
  }

  /** Stops fetching, lets in-flight batches finish (bounded), then closes every client. */
  async stop(): Promise<void> {
    if (this.state === 'draining' || this.state === 'stopped') return;
    this.moveTo('draining');
    clearInterval(this.ticker);
    const timeoutMs = this.opts.drainTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const drained = (this.source?.stop() ?? Promise.resolve()).then(() => 'drained' as const);
    const how = await Promise.race([drained, timedOut]);
    clearTimeout(timer);
    if (how === 'timeout') {
      // Abandoned batches are safe: nothing past Redis's applied offset was committed to Kafka.
      this.opts.log.warn({ timeoutMs }, 'drain timed out; abandoning in-flight batches');
    }
    await this.producer
      ?.disconnect()
      .catch((err: unknown) => this.opts.log.warn({ err }, 'producer close'));
    await this.store?.close();
    await this.http?.close();
    this.moveTo('stopped');
  }
}
