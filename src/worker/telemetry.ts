import type { Metrics, ProcessResult } from '../metrics/index.js';
import type { SourceRecord } from '../pipeline/types.js';
import type { CommittedBatch, ProcessorObserver } from '../protocol/index.js';
import type { SourceObserver } from '../source/index.js';
import { splitPartialField } from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';

/** The aggregates a topology declares (a built-in file's carry no per-aggregate metrics). */
function aggregateNames(topology: CompiledTopology | LanguageTopology): string[] {
  return 'program' in topology ? topology.program.aggregates.map((a) => a.name) : [];
}

/** Per-batch figures for progress lines. */
export interface BatchStats {
  partition: number;
  records: number;
  applied: number;
  duplicates: number;
  anomalies: number;
  deadLettered: number;
  published: number;
}

/**
 * Turns what the source and the processor report into metrics (and progress callbacks), so
 * neither of them knows about Prometheus.
 */
export class WorkerTelemetry implements SourceObserver, ProcessorObserver {
  private readonly topic: string;
  private readonly group: string;
  private readonly commitStartedAt = new Map<number, number>();

  constructor(
    private readonly metrics: Metrics,
    private readonly topology: CompiledTopology | LanguageTopology,
    private readonly onBatch?: (stats: BatchStats) => void,
  ) {
    this.topic = topology.source.topic;
    this.group = topology.source.group;
    metrics.zeroKnownLabels({
      consumed: [this.topic],
      produced: Object.values(topology.outputs),
      topologies: [topology.name],
      aggregates: aggregateNames(topology).map((aggregate) => ({
        topology: topology.name,
        aggregate,
      })),
    });
    metrics.setAssignedPartitions(this.topic, 0);
  }

  assigned(partitions: readonly number[], total: number): void {
    this.metrics.recordRebalance('assign');
    this.metrics.setAssignedPartitions(this.topic, total);
    void partitions;
  }

  revoked(partitions: readonly number[], total: number): void {
    this.metrics.recordRebalance('revoke');
    this.metrics.setAssignedPartitions(this.topic, total);
    for (const p of partitions) this.metrics.removePartition(this.topic, p);
  }

  owned(partition: number, applied: number): void {
    this.metrics.setPartition({
      group: this.group,
      topic: this.topic,
      partition,
      appliedOffset: applied,
    });
    this.metrics.setOutboxDepth(this.topic, partition, 0);
  }

  fetched(partition: number, records: readonly SourceRecord[], highWatermark: number): void {
    this.metrics.recordConsumed(this.topic, records.length);
    const first = records[0];
    this.metrics.setPartition({
      group: this.group,
      topic: this.topic,
      partition,
      highWatermark,
      ...(first
        ? { oldestUnprocessed: { offset: first.offset, timestampMs: first.timestamp } }
        : {}),
    });
  }

  timeBatch<T>(size: number, handle: () => Promise<T>): Promise<T> {
    return this.metrics.timeBatch(this.topic, size, handle);
  }

  highWatermarks(byPartition: ReadonlyMap<number, number>): void {
    for (const [partition, highWatermark] of byPartition) {
      this.metrics.setPartition({ group: this.group, topic: this.topic, partition, highWatermark });
    }
  }

  retried(_partition: number): void {
    this.metrics.recordBatchRetry(this.topic);
  }

  /** The commit script is about to run (start of the commit-duration measurement). */
  commitStarted(partition: number): void {
    this.commitStartedAt.set(partition, performance.now());
  }

  offsetCommitted(partition: number, nextOffset: number): void {
    const started = this.commitStartedAt.get(partition);
    if (started !== undefined) {
      this.metrics.observeCommit((performance.now() - started) / 1000);
      this.commitStartedAt.delete(partition);
    }
    this.metrics.setPartition({
      group: this.group,
      topic: this.topic,
      partition,
      committedOffset: nextOffset,
    });
  }

  handedOver(_partition: number, seconds: number): void {
    this.metrics.observeHandoff(this.topology.name, seconds);
  }

  commitFailed(reason: 'fenced' | 'stale' | 'error'): void {
    this.metrics.recordCommitFailure(reason);
  }

  /** Changed groups per aggregate, read from the partials' field names. */
  private countAggregateChanges(partials: ReadonlyMap<string, unknown>): void {
    if (partials.size === 0) return;
    const perAggregate = new Map<string, number>();
    for (const field of partials.keys()) {
      const { aggregate } = splitPartialField(field);
      perAggregate.set(aggregate, (perAggregate.get(aggregate) ?? 0) + 1);
    }
    for (const [aggregate, n] of perAggregate) {
      this.metrics.recordAggregateChanges(this.topology.name, aggregate, n);
    }
  }

  committed(batch: CommittedBatch, records: readonly SourceRecord[]): void {
    const { metrics, topic } = this;
    const c = batch.counts;
    const results: [ProcessResult, number][] = [
      ['applied', c.applied],
      ['duplicate', c.duplicates],
      ['anomaly', c.anomalies],
      ['dead_lettered', c.deadLettered],
      ['held', c.held],
    ];
    for (const [result, n] of results) if (n > 0) metrics.recordProcessed(topic, result, n);
    const produced = new Map<string, number>();
    for (const out of batch.outputs) {
      produced.set(out.topic, (produced.get(out.topic) ?? 0) + 1);
      if (out.topic === this.topology.outputs.deadLetter) {
        const errorClass = out.headers['sf-error-class'] ?? 'other';
        metrics.recordFailed(topic, errorClass);
        metrics.recordDeadLetter(topic, errorClass);
      }
    }
    for (const [out, n] of produced) metrics.recordProduced(out, n);
    if (batch.partials !== undefined) this.countAggregateChanges(batch.partials);
    metrics.setPartition({
      group: this.group,
      topic,
      partition: batch.partition,
      appliedOffset: batch.lastOffset,
    });
    metrics.setOutboxDepth(topic, batch.partition, 0);
    metrics.observeEndToEndLatency(
      topic,
      records.map((r) => r.timestamp),
    );
    this.onBatch?.({ partition: batch.partition, ...c, published: batch.outputs.length });
  }
}
