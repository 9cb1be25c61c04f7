import { decodeBatch, foldBatch, keysTouched } from '../pipeline/index.js';
import type { BatchResult, FoldContext, SourceRecord } from '../pipeline/types.js';
import type { OutboxRelay } from '../sinks/index.js';
import type { BatchOutcome, PartitionHandler } from '../source/index.js';
import type { PartitionLease, StateStore } from '../state/index.js';
import type { CompiledTopology } from '../topology/index.js';
import type { Logger } from '../logger.js';
import { CrashPoints, type CrashHook } from './crash-points.js';

/** What the processor reports as it goes (metrics, progress); must be cheap, never throw. */
export interface ProcessorObserver {
  /** The partition was fenced and drained by this worker; `applied` is where Redis stands. */
  owned(partition: number, applied: number): void;
  /** A batch is in Redis and its derived records are published. */
  committed(batch: BatchResult, records: readonly SourceRecord[]): void;
  commitStarted(partition: number): void;
  commitFailed(reason: 'fenced' | 'stale' | 'error'): void;
}

export interface PartitionProcessorOptions {
  topology: CompiledTopology;
  store: StateStore;
  relay: OutboxRelay;
  log: Logger;
  workerVersion: string;
  crash: CrashHook;
  observer?: ProcessorObserver;
}

/**
 * The correctness protocol for one partition-batch (DESIGN.md §2): own the shard, skip what
 * Redis has applied, fold in memory, commit once with the epoch and offset guard, publish the
 * outbox, and only then let the source commit the Kafka offset.
 */
export class PartitionProcessor implements PartitionHandler {
  private readonly leases = new Map<number, PartitionLease>();
  /** Where each partition was last sent back to re-read from, to tell a real gap from a hole. */
  private readonly seekedTo = new Map<number, number>();

  constructor(private readonly opts: PartitionProcessorOptions) {}

  /** Fence, drain, and report where each partition must be read from. */
  async assigned(partitions: readonly number[]): Promise<Map<number, number>> {
    const starts = new Map<number, number>();
    for (const p of partitions) {
      const lease = await this.acquire(p);
      starts.set(p, lease.applied + 1);
    }
    return starts;
  }

  revoked(partitions: readonly number[]): void {
    for (const p of partitions) {
      this.leases.delete(p);
      this.seekedTo.delete(p);
    }
  }

  /**
   * Fencing first, then draining: once the epoch is bumped no older owner can append to the
   * outbox, so the drain sees every entry a previous owner committed but did not publish.
   */
  private async acquire(partition: number): Promise<PartitionLease> {
    const lease = await this.opts.store.acquire(partition);
    const published = await this.opts.relay.drain(partition);
    this.leases.set(partition, lease);
    this.opts.observer?.owned(partition, lease.applied);
    this.opts.log.info(
      { partition, epoch: lease.token, applied: lease.applied, drained: published },
      'partition owned',
    );
    return lease;
  }

  async handleBatch(partition: number, records: readonly SourceRecord[]): Promise<BatchOutcome> {
    const { store, relay, crash, topology } = this.opts;
    let lease = this.leases.get(partition);
    try {
      lease ??= await this.acquire(partition);
    } catch (error) {
      this.leases.delete(partition);
      throw error;
    }
    const fresh = records.filter((r) => r.offset > lease.applied);
    if (fresh.length === 0) return { kind: 'done', nextOffset: lease.applied + 1 };
    const expected = lease.applied + 1;
    if (fresh[0]!.offset !== expected) {
      // A gap means the fetch position ran ahead of Redis (e.g. a stale Kafka commit): re-read
      // from `expected`. If the batch right after that seek still starts later, Kafka holds no
      // record there (a transaction marker, a compacted or deleted record): go on from it.
      if (this.seekedTo.get(partition) !== expected) {
        this.seekedTo.set(partition, expected);
        return { kind: 'seek', offset: expected };
      }
    }
    this.seekedTo.delete(partition);

    try {
      const decoded = await decodeBatch(fresh, topology.event.maxValueBytes);
      const states = await store.loadStates(partition, keysTouched(decoded));
      const ctx: FoldContext = {
        outputs: topology.outputs,
        workerVersion: this.opts.workerVersion,
        now: Date.now(),
      };
      const batch = foldBatch(decoded, states, lease.totals, ctx);
      this.opts.observer?.commitStarted(partition);
      const outcome = await store.commit(lease, batch);
      if (outcome.status !== 'committed') this.opts.observer?.commitFailed(outcome.status);
      if (outcome.status === 'fenced') {
        this.leases.delete(partition);
        this.opts.log.warn({ partition }, 'fenced: another owner took this partition');
        return { kind: 'none' };
      }
      if (outcome.status === 'stale') {
        // Most likely our own commit landed but its reply was lost; acquire re-reads Redis.
        this.leases.delete(partition);
        this.opts.log.warn({ partition, applied: outcome.applied }, 'stale commit; re-reading');
        return { kind: 'seek', offset: fresh[0]!.offset };
      }
      crash(CrashPoints.afterCommitScript);
      if (outcome.outboxEntry !== undefined) {
        await relay.publishCommitted(partition, outcome.outboxEntry, batch.outputs);
      }
      crash(CrashPoints.afterOutboxPublish);
      this.opts.observer?.committed(batch, fresh);
      crash(CrashPoints.beforeKafkaCommit);
      return { kind: 'done', nextOffset: batch.lastOffset + 1 };
    } catch (error) {
      // Whatever happened, Redis may have moved: the retry starts by owning the shard again.
      this.leases.delete(partition);
      this.opts.observer?.commitFailed('error');
      throw error;
    }
  }
}
