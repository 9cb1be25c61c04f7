import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import type { ConnectionConfig, GroupConfig } from '../config/index.js';
import { connectKafka, createConsumer, type Consumer, type RdKafkaProps } from '../kafka/index.js';
import type { Logger } from '../logger.js';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
import { highWatermarksFromStats } from './consumer-stats.js';
import { HandoffClock } from './handoff-clock.js';
import { toSourceRecord } from './to-source-record.js';
import type { BatchOutcome, PartitionHandler, SourceObserver } from './types.js';

const { ErrorCodes } = kafkaJavascript.KafkaJS;

export interface BatchSourceOptions {
  conn: ConnectionConfig;
  log: Logger;
  topic: string;
  groupId: string;
  /** Rebalance protocol and static membership (default: classic, cooperative-sticky). */
  group?: GroupConfig;
  clientId: string;
  handler: PartitionHandler;
  /** Partitions processed at once (one batch per partition at a time). */
  concurrency: number;
  maxBatchSize: number;
  backoff?: BackoffPolicy;
  overrides?: RdKafkaProps;
  observer?: SourceObserver;
  /** Own and fence assigned partitions but fetch nothing until `resume()`. */
  startPaused?: boolean;
  /** How often the client reports high watermarks for lag (0: never). */
  statsIntervalMs?: number;
  /**
   * The consumer hit a fatal error and will never consume again (a duplicate static member id,
   * a fenced instance): the worker must stop.
   */
  onFatal?: (message: string) => void;
}

type Assignment = KafkaJS.TopicPartition[];

/**
 * The Kafka side of the worker: per-partition batches in, Kafka offset commits out, only ever
 * for offsets the handler reports as applied. Failures pause the partition and retry it after a
 * backoff instead of the client's immediate, endless redelivery.
 */
export class BatchSource {
  private readonly consumer: Consumer;
  private readonly attempts = new Map<number, number>();
  private readonly resumeTimers = new Map<number, NodeJS.Timeout>();
  private readonly owned = new Set<number>();
  private readonly handoff = new HandoffClock();
  private stopping = false;
  private joined = false;
  private paused: boolean;

  constructor(private readonly opts: BatchSourceOptions) {
    this.paused = opts.startPaused ?? false;
    const statsIntervalMs = opts.statsIntervalMs ?? 2000;
    this.consumer = createConsumer(opts.conn, opts.log, {
      clientId: opts.clientId,
      groupId: opts.groupId,
      ...(opts.group ? { group: opts.group } : {}),
      ...(opts.onFatal ? { onFatal: opts.onFatal } : {}),
      overrides: {
        'js.consumer.max.batch.size': opts.maxBatchSize,
        ...opts.overrides,
        // Awaited by the client before it applies the assignment.
        rebalance_cb: this.onRebalance.bind(this) as unknown as boolean,
        ...(statsIntervalMs > 0 && opts.observer
          ? {
              'statistics.interval.ms': statsIntervalMs,
              stats_cb: this.onStats.bind(this) as unknown as boolean,
            }
          : {}),
      },
    });
  }

  /** Partitions currently assigned to this worker. */
  get assignedCount(): number {
    return this.owned.size;
  }

  /** True once the group has assigned (possibly zero) partitions to this worker. */
  get groupJoined(): boolean {
    return this.joined;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Stops fetching every owned partition; in-flight batches finish. */
  pause(): void {
    this.paused = true;
    if (this.owned.size > 0)
      this.consumer.pause([{ topic: this.opts.topic, partitions: [...this.owned] }]);
  }

  /** Fetches again from where each partition stands. */
  resume(): void {
    this.paused = false;
    if (this.owned.size > 0) {
      this.consumer.resume([{ topic: this.opts.topic, partitions: [...this.owned] }]);
    }
  }

  async start(): Promise<void> {
    await connectKafka(this.consumer, this.opts.conn, 'consumer');
    await this.consumer.subscribe({ topics: [this.opts.topic] });
    await this.consumer.run({
      partitionsConsumedConcurrently: this.opts.concurrency,
      eachBatchAutoResolve: true,
      eachBatch: (payload) => this.onBatch(payload),
    });
  }

  /** Stops fetching; resolves once in-flight batches have finished (the client waits). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.resumeTimers.values()) clearTimeout(timer);
    this.resumeTimers.clear();
    await this.consumer.disconnect();
  }

  /**
   * Both rebalance protocols are incremental (cooperative-sticky, KIP-848): `assignment` holds
   * only the partitions added or taken away, and the client assigns or unassigns just those.
   */
  private async onRebalance(
    err: { code: number },
    assignment: Assignment,
    fns?: { assignmentLost?: () => boolean },
  ): Promise<Assignment | undefined> {
    const partitions = assignment
      .filter((tp) => tp.topic === this.opts.topic)
      .map((tp) => tp.partition);
    if (err.code === ErrorCodes.ERR__REVOKE_PARTITIONS) {
      const lost = fns?.assignmentLost?.() ?? false;
      this.opts.log.info({ partitions, lost }, lost ? 'partitions lost' : 'partitions revoked');
      this.handoff.revoked(partitions);
      for (const p of partitions) {
        clearTimeout(this.resumeTimers.get(p));
        this.resumeTimers.delete(p);
        this.attempts.delete(p);
      }
      this.opts.handler.revoked(partitions);
      for (const p of partitions) this.owned.delete(p);
      this.opts.observer?.revoked(partitions, this.owned.size);
      return undefined;
    }
    if (err.code !== ErrorCodes.ERR__ASSIGN_PARTITIONS) return undefined;
    this.handoff.assigned(partitions);
    this.opts.log.info(
      { partitions, protocol: this.opts.group?.protocol ?? 'classic' },
      'partitions assigned',
    );
    this.joined = true;
    for (const p of partitions) this.owned.add(p);
    this.opts.observer?.assigned(partitions, this.owned.size);
    this.reportCommitted(partitions);
    try {
      // Start where Redis says the partition stands; Kafka's committed offset is only a hint.
      const starts = await this.opts.handler.assigned(partitions);
      // The client hands this list to librdkafka's assign: a numeric offset is the start.
      return assignment.map((tp) => {
        const start = starts.get(tp.partition);
        return start === undefined ? tp : { ...tp, offset: start };
      });
    } catch (error) {
      // The first batch of each partition acquires it again and seeks if needed.
      this.opts.log.warn(
        { err: error, partitions },
        'could not take over partitions yet; will retry per batch',
      );
      return undefined;
    }
  }

  /** The group's committed offsets of newly owned partitions, for the committed-offset gauge. */
  private reportCommitted(partitions: readonly number[]): void {
    const observer = this.opts.observer;
    if (!observer || partitions.length === 0) return;
    const topic = this.opts.topic;
    this.consumer
      .committed(
        partitions.map((partition) => ({ topic, partition })),
        10_000,
      )
      .then((offsets) => {
        for (const o of offsets) {
          const offset = Number(o.offset);
          if (o.topic === topic && offset >= 0) observer.offsetCommitted(o.partition, offset);
        }
      })
      .catch((err: unknown) => this.opts.log.debug({ err }, 'could not read committed offsets'));
  }

  private onStats(payload: unknown): void {
    const highs = highWatermarksFromStats(payload, this.opts.topic);
    for (const p of highs.keys()) if (!this.owned.has(p)) highs.delete(p);
    if (highs.size > 0) this.opts.observer?.highWatermarks(highs);
  }

  private async onBatch(payload: KafkaJS.EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.messages.length === 0 || this.stopping) return;
    const partition = batch.partition;
    // Revoked while this batch was on its way: the new owner reads it. Handling it here would
    // take the shard back (fence the new owner) for nothing; nothing is committed either.
    if (!this.owned.has(partition)) return;
    if (this.paused) {
      // Paused while this batch was on its way: hand it back untouched.
      payload.pause();
      this.consumer.seek({ topic: batch.topic, partition, offset: batch.messages[0]!.offset });
      return;
    }
    const records = batch.messages.map((m) => toSourceRecord(batch.topic, partition, m));
    const observer = this.opts.observer;
    observer?.fetched(partition, records, Number(batch.highWatermark));
    const handle = () => this.opts.handler.handleBatch(partition, records);
    let outcome: BatchOutcome;
    try {
      outcome = await (observer ? observer.timeBatch(records.length, handle) : handle());
    } catch (error) {
      this.retryLater(payload, partition, records[0]!.offset, error);
      return;
    }
    this.attempts.delete(partition);
    if (outcome.kind === 'seek') {
      this.consumer.seek({ topic: batch.topic, partition, offset: String(outcome.offset) });
    } else if (outcome.kind === 'done') {
      // Resolves when queued, not when accepted: Redis's applied offset stays the truth.
      await this.consumer.commitOffsets([
        { topic: batch.topic, partition, offset: String(outcome.nextOffset) },
      ]);
      observer?.offsetCommitted(partition, outcome.nextOffset);
      this.handedOver(partition, outcome.nextOffset);
    }
  }

  /** The first committed batch since the partition was assigned: the handoff is complete. */
  private handedOver(partition: number, nextOffset: number): void {
    const seconds = this.handoff.committed(partition);
    if (seconds === undefined) return;
    this.opts.log.info(
      { partition, handoffSeconds: Number(seconds.toFixed(3)), nextOffset },
      'partition handoff complete',
    );
    this.opts.observer?.handedOver(partition, seconds);
  }

  private retryLater(
    payload: KafkaJS.EachBatchPayload,
    partition: number,
    fromOffset: number,
    error: unknown,
  ): void {
    this.opts.observer?.retried(partition);
    const attempt = (this.attempts.get(partition) ?? 0) + 1;
    this.attempts.set(partition, attempt);
    const delay = backoffDelay(attempt, this.opts.backoff ?? defaultBackoff);
    this.opts.log.warn(
      { err: error, partition, fromOffset, attempt, retryInMs: delay },
      'batch failed; partition paused, will re-read it',
    );
    const resume = payload.pause();
    this.consumer.seek({ topic: this.opts.topic, partition, offset: String(fromOffset) });
    clearTimeout(this.resumeTimers.get(partition));
    this.resumeTimers.set(
      partition,
      setTimeout(() => {
        this.resumeTimers.delete(partition);
        if (!this.stopping && !this.paused) resume();
      }, delay),
    );
  }
}
