import type { Registry } from 'prom-client';
import { createInstruments, type Instruments } from './instruments.js';
import {
  CommitFailureReasons,
  FailureReasons,
  ProcessResults,
  RebalanceTypes,
  RedisCommands,
  toFailureReason,
  type CommitFailureReason,
  type ProcessResult,
  type RebalanceType,
  type RedisCommand,
} from './label-values.js';
import { PartitionLagTracker, type PartitionProgress } from './partition-lag-tracker.js';
import type { BuildInfo, KnownTopics, MetricsOptions, Scrape } from './types.js';

const seconds = (ms: number): number => ms / 1000;

/**
 * The worker's metrics: one instance per worker, on its own registry. Methods are named by
 * kind: `record*` counts, `observe*` and `time*` feed histograms, `set*` and `remove*` keep
 * gauges. Label values from data (error classes) are mapped onto bounded sets here.
 */
export class Metrics {
  private readonly m: Instruments;
  private readonly lag = new PartitionLagTracker();
  private readonly now: () => number;
  /** Topics a topic-labelled histogram has seen: zeroing one again would wipe its buckets. */
  private readonly histogramTopics = new Set<string>();
  /** The same for the topology-labelled handoff histogram. */
  private readonly handoffTopologies = new Set<string>();
  private readonly assigned = new Map<string, number>();

  constructor(
    readonly registry: Registry,
    options: MetricsOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.m = createInstruments(registry, {
      consumerLag: () => this.refreshLag('messages'),
      consumerLagSeconds: () => this.refreshLag('seconds'),
    });
    for (const reason of Object.values(CommitFailureReasons)) {
      this.m.commitFailures.inc({ reason }, 0);
    }
    for (const type of Object.values(RebalanceTypes)) this.m.rebalances.inc({ type }, 0);
    for (const command of Object.values(RedisCommands)) {
      this.m.redisCommandDuration.zero({ command });
    }
    if (options.build) this.setBuildInfo(options.build);
  }

  /** The exposition text for `/metrics`, with the registry's own content type. */
  async scrape(): Promise<Scrape> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  setBuildInfo(info: BuildInfo): void {
    this.m.buildInfo.reset();
    this.m.buildInfo.set(
      {
        version: info.version,
        node_version: info.nodeVersion ?? process.version,
        librdkafka_version: info.librdkafkaVersion,
      },
      1,
    );
  }

  /**
   * Creates the series of every known label combination at 0, so that `rate()` and `increase()`
   * see the first event instead of a series appearing with it. Call once the topology is
   * compiled, before consuming; calling it again is harmless.
   */
  zeroKnownLabels(topics: KnownTopics): void {
    for (const topic of topics.consumed) {
      this.m.recordsConsumed.inc({ topic }, 0);
      this.m.batchRetries.inc({ topic }, 0);
      for (const result of Object.values(ProcessResults)) {
        this.m.recordsProcessed.inc({ topic, result }, 0);
      }
      for (const reason of Object.values(FailureReasons)) {
        this.m.recordsFailed.inc({ topic, reason }, 0);
        this.m.deadLetters.inc({ topic, error_class: reason }, 0);
      }
      this.m.assignedPartitions.set({ topic }, this.assigned.get(topic) ?? 0);
      if (!this.histogramTopics.has(topic)) {
        this.histogramTopics.add(topic);
        this.m.batchSize.zero({ topic });
        this.m.batchDuration.zero({ topic });
        this.m.endToEndLatency.zero({ topic });
      }
    }
    for (const topic of topics.produced) this.m.recordsProduced.inc({ topic }, 0);
    for (const topology of topics.topologies ?? []) {
      if (this.handoffTopologies.has(topology)) continue;
      this.handoffTopologies.add(topology);
      this.m.partitionHandoff.zero({ topology });
    }
    for (const labels of topics.aggregates ?? []) this.m.aggregateGroupsChanged.inc(labels, 0);
  }

  /** Records received from Kafka, before any is skipped as already applied. */
  recordConsumed(topic: string, count = 1): void {
    this.m.recordsConsumed.inc({ topic }, count);
  }

  /** After a batch's commit script succeeded: how each of its records ended. */
  recordProcessed(topic: string, result: ProcessResult, count = 1): void {
    this.m.recordsProcessed.inc({ topic, result }, count);
  }

  /** A record that failed decoding; `reason` is the decode error class (unknown → `other`). */
  recordFailed(topic: string, reason: string, count = 1): void {
    this.m.recordsFailed.inc({ topic, reason: toFailureReason(reason) }, count);
  }

  /** Records Kafka acknowledged on `topic` (a derived topic or the DLT). */
  recordProduced(topic: string, count = 1): void {
    this.m.recordsProduced.inc({ topic }, count);
  }

  /** A record dead-lettered from source `topic`; unknown error classes count as `other`. */
  recordDeadLetter(topic: string, errorClass: string, count = 1): void {
    this.m.deadLetters.inc({ topic, error_class: toFailureReason(errorClass) }, count);
  }

  /** A commit script that wrote nothing. `fenced` also counts as a fenced write. */
  recordCommitFailure(reason: CommitFailureReason): void {
    this.m.commitFailures.inc({ reason });
    if (reason === CommitFailureReasons.FENCED) this.m.fencedWrites.inc();
  }

  /** A write refused by the epoch guard outside a commit script (e.g. an outbox trim). */
  recordFencedWrite(): void {
    this.m.fencedWrites.inc();
  }

  /** One rebalance callback (not one per partition). */
  recordRebalance(type: RebalanceType): void {
    this.m.rebalances.inc({ type });
  }

  /** A batch that threw a retriable error and will be re-read after a backoff. */
  recordBatchRetry(topic: string): void {
    this.m.batchRetries.inc({ topic });
  }

  observeBatch(topic: string, size: number, durationSeconds: number): void {
    this.histogramTopics.add(topic);
    this.m.batchSize.observe({ topic }, size);
    this.m.batchDuration.observe({ topic }, durationSeconds);
  }

  /**
   * Wraps the handling of one batch: counts it in flight while `handle` runs and, when it
   * succeeds, observes its size and duration. A failed batch is counted by `recordBatchRetry`.
   */
  async timeBatch<T>(topic: string, size: number, handle: () => Promise<T>): Promise<T> {
    const started = this.now();
    this.m.inFlightBatches.inc();
    try {
      const result = await handle();
      this.observeBatch(topic, size, seconds(this.now() - started));
      return result;
    } finally {
      this.m.inFlightBatches.dec();
    }
  }

  /** Record timestamps (ms) of a committed batch; latency is measured to `committedAtMs`. */
  observeEndToEndLatency(
    topic: string,
    recordTimestampsMs: Iterable<number>,
    committedAtMs = this.now(),
  ): void {
    this.histogramTopics.add(topic);
    for (const ts of recordTimestampsMs) {
      this.m.endToEndLatency.observe({ topic }, Math.max(0, seconds(committedAtMs - ts)));
    }
  }

  observeRedisCommand(command: RedisCommand, durationSeconds: number): void {
    this.m.redisCommandDuration.observe({ command }, durationSeconds);
  }

  /** Times one Redis round trip, failed ones included (a timeout is the slowest answer). */
  async timeRedisCommand<T>(command: RedisCommand, run: () => Promise<T>): Promise<T> {
    const started = this.now();
    try {
      return await run();
    } finally {
      this.observeRedisCommand(command, seconds(this.now() - started));
    }
  }

  /** From a partition's assignment to this worker's first committed batch of it. */
  /** Groups of one aggregate whose partial a committed batch changed. */
  recordAggregateChanges(topology: string, aggregate: string, groups: number): void {
    this.m.aggregateGroupsChanged.inc({ topology, aggregate }, groups);
  }

  observeHandoff(topology: string, seconds: number): void {
    this.handoffTopologies.add(topology);
    this.m.partitionHandoff.observe({ topology }, seconds);
  }

  /** From sending the commit script to queuing the Kafka offset commit. */
  observeCommit(durationSeconds: number): void {
    this.m.commitDuration.observe(durationSeconds);
  }

  setOutboxDepth(topic: string, partition: number, depth: number): void {
    this.m.outboxDepth.set({ topic, partition: String(partition) }, depth);
  }

  setAssignedPartitions(topic: string, count: number): void {
    this.assigned.set(topic, count);
    this.m.assignedPartitions.set({ topic }, count);
  }

  /**
   * Progress of an owned partition: call on assignment (applied offset from the fence), per
   * fetched batch (high watermark, oldest unapplied record), after the commit script (applied
   * offset) and after the Kafka commit (committed offset). Fields left out keep their value.
   */
  setPartition(progress: PartitionProgress): void {
    const previousGroup = this.lag.update(progress, this.now());
    const { group, topic } = progress;
    const partition = String(progress.partition);
    if (previousGroup !== undefined && previousGroup !== group) {
      this.removeGroupSeries(previousGroup, topic, partition);
    }
    if (progress.highWatermark !== undefined) {
      this.m.highWatermark.set({ topic, partition }, progress.highWatermark);
    }
    if (progress.appliedOffset !== undefined) {
      this.m.appliedOffset.set({ topic, partition }, progress.appliedOffset);
    }
    if (progress.committedOffset !== undefined) {
      this.m.committedOffset.set({ group, topic, partition }, progress.committedOffset);
    }
  }

  /**
   * Drops every series of a partition this worker no longer owns (revoked or lost), so that
   * only the owner exports it and a dashboard never sums a stale lag with the new owner's.
   */
  removePartition(topic: string, partition: number): void {
    const group = this.lag.remove(topic, partition);
    const labels = { topic, partition: String(partition) };
    if (group !== undefined) this.removeGroupSeries(group, topic, labels.partition);
    this.m.highWatermark.remove(labels);
    this.m.appliedOffset.remove(labels);
    this.m.outboxDepth.remove(labels);
  }

  private removeGroupSeries(group: string, topic: string, partition: string): void {
    const labels = { group, topic, partition };
    this.m.consumerLag.remove(labels);
    this.m.consumerLagSeconds.remove(labels);
    this.m.committedOffset.remove(labels);
  }

  /** Runs inside a scrape: a throw here would fail the whole scrape, so it never throws. */
  private refreshLag(field: 'messages' | 'seconds'): void {
    try {
      const gauge = field === 'messages' ? this.m.consumerLag : this.m.consumerLagSeconds;
      for (const sample of this.lag.lags(this.now())) {
        const { group, topic } = sample;
        gauge.set({ group, topic, partition: String(sample.partition) }, sample[field]);
      }
    } catch {
      // Keep the previous values: a stale lag is better than no metrics at all.
    }
  }
}
