import {
  aggregateField,
  decodeBatch,
  foldBatch,
  idleCloseBatch,
  keysTouched,
  MissingStatesError,
  ProcessingError,
  unparkBatch,
  type BatchResult,
  type FoldContext,
  type FoldInput,
  type OrderEvent,
  type SourceRecord,
} from '../pipeline/index.js';
import type { OutboxRelay } from '../sinks/index.js';
import type { BatchOutcome, PartitionHandler } from '../source/index.js';
import type { PartitionLease, StateStore } from '../state/index.js';
import type { CompiledTopology } from '../topology/index.js';
import type { Logger } from '../logger.js';
import { CrashPoints, type CrashHook } from './crash-points.js';
import { PartitionLocks } from './partition-locks.js';

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
  relay: Pick<OutboxRelay, 'drain' | 'publishCommitted'>;
  log: Logger;
  workerVersion: string;
  crash: CrashHook;
  observer?: ProcessorObserver;
  /** Test-only fault injection (see crash-points.ts): throws for events it must fail. */
  beforeApply?: (event: OrderEvent) => void;
  /** Wall clock; a parameter so tests can move it. */
  now?: () => number;
  /** Per partition, offsets known to have failed for good: a rebuild replays those dead letters. */
  knownFailures?: ReadonlyMap<number, ReadonlySet<number>>;
}

const NO_OFFSETS: ReadonlySet<number> = new Set();

type Committed = { kind: 'committed'; batch: BatchResult } | { kind: 'fenced' } | { kind: 'stale' };

/**
 * The correctness protocol for one partition-batch (DESIGN.md §2): own the shard, skip what
 * Redis has applied, fold in memory, commit once with the epoch and offset guard, publish the
 * outbox, and only then let the source commit the Kafka offset. Between batches, `tick` closes
 * the windows of idle partitions and carries out unpark requests, through the same commit.
 */
export class PartitionProcessor implements PartitionHandler {
  private readonly leases = new Map<number, PartitionLease>();
  /** Where each partition was last sent back to re-read from, to tell a real gap from a hole. */
  private readonly seekedTo = new Map<number, number>();
  /** Failed processing attempts per partition and offset: the poison check. */
  private readonly failures = new Map<number, Map<number, number>>();
  /** Wall-clock time each partition last had new records, for the idle timeout of windows. */
  private readonly lastActivity = new Map<number, number>();
  private readonly locks = new PartitionLocks();
  private readonly now: () => number;

  constructor(private readonly opts: PartitionProcessorOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Fence, drain, and report where each partition must be read from. */
  async assigned(partitions: readonly number[]): Promise<Map<number, number>> {
    const starts = new Map<number, number>();
    for (const p of partitions) {
      const lease = await this.locks.run(p, () => this.acquire(p));
      starts.set(p, lease.applied + 1);
    }
    return starts;
  }

  revoked(partitions: readonly number[]): void {
    for (const p of partitions) {
      this.leases.delete(p);
      this.seekedTo.delete(p);
      this.failures.delete(p);
      this.lastActivity.delete(p);
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
    this.lastActivity.set(partition, this.now());
    this.opts.observer?.owned(partition, lease.applied);
    this.opts.log.info(
      {
        partition,
        generation: lease.generation,
        epoch: lease.token,
        applied: lease.applied,
        drained: published,
        parked: lease.parked.size,
      },
      'partition owned',
    );
    return lease;
  }

  handleBatch(partition: number, records: readonly SourceRecord[]): Promise<BatchOutcome> {
    return this.locks.run(partition, () => this.batch(partition, records));
  }

  private async batch(partition: number, records: readonly SourceRecord[]): Promise<BatchOutcome> {
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
    this.lastActivity.set(partition, this.now());

    const decoded = await decodeBatch(fresh, this.opts.topology.event.maxValueBytes);
    const events = decoded.flatMap((d) => (d.ok ? [d.event] : []));
    const outcome = await this.guarded(partition, async (owned) => {
      const poisoned = this.poisoned(partition);
      const fold = (input: FoldInput) => foldBatch(decoded, input, this.context());
      let batch: BatchResult;
      try {
        batch = await this.foldWithStates(owned, events, poisoned, fold);
      } catch (error) {
        if (!(error instanceof ProcessingError)) throw error;
        batch = await this.onProcessingError(owned, error, events, fold);
      }
      this.failures.delete(partition);
      return this.commit(owned, batch, fresh);
    });
    // Fenced: another owner (whose group assignment will revoke this one) or a rebuild's switch;
    // stale: most likely our own commit landed but its reply was lost. Either way the batch is
    // read again: the next acquire re-reads Redis and skips whatever is applied.
    if (outcome.kind !== 'committed') return { kind: 'seek', offset: fresh[0]!.offset };
    this.opts.crash(CrashPoints.beforeKafkaCommit);
    return { kind: 'done', nextOffset: outcome.batch.lastOffset + 1 };
  }

  /**
   * An event's processing failed. Below the topology's attempt limit the batch fails and is
   * retried with backoff (the fault may pass); at the limit the event is dead-lettered and its key
   * parked, so the partition flows on. Every offset keeps its own count: a batch may hold several
   * failing events, each found after the one before it is parked.
   */
  private async onProcessingError(
    lease: PartitionLease,
    error: ProcessingError,
    events: readonly OrderEvent[],
    fold: (input: FoldInput) => BatchResult,
  ): Promise<BatchResult> {
    const { partition, offset } = error;
    let counts = this.failures.get(partition);
    if (counts === undefined) this.failures.set(partition, (counts = new Map<number, number>()));
    const attempts = (counts.get(offset) ?? 0) + 1;
    counts.set(offset, attempts);
    if (attempts < this.opts.topology.parking.maxAttempts) throw error;
    this.opts.log.error(
      { partition, offset, key: error.key, attempts, err: error.cause },
      'processing failed for good: dead-lettering the event and parking its key',
    );
    return this.foldWithStates(lease, events, this.poisoned(partition), fold);
  }

  private poisoned(partition: number): Set<number> {
    const limit = this.opts.topology.parking.maxAttempts;
    const counts = this.failures.get(partition) ?? new Map<number, number>();
    return new Set([...counts].filter(([, attempts]) => attempts >= limit).map(([o]) => o));
  }

  /** Loads the states a fold needs and folds; one more load when aggregates need more keys. */
  private async foldWithStates(
    lease: PartitionLease,
    events: readonly OrderEvent[],
    poisoned: ReadonlySet<number>,
    fold: (input: FoldInput) => BatchResult,
  ): Promise<BatchResult> {
    const { store } = this.opts;
    const partition = lease.partition;
    const [states, aggregates] = await Promise.all([
      store.loadStates(partition, keysTouched(events)),
      this.loadAggregates(partition, this.aggregateHints(events)),
    ]);
    const input = (): FoldInput => ({
      states,
      aggregates,
      totals: lease.totals,
      windows: lease.windows,
      parked: lease.parked,
      poisoned,
      failed: this.opts.knownFailures?.get(partition) ?? NO_OFFSETS,
    });
    try {
      return fold(input());
    } catch (error) {
      if (!(error instanceof MissingStatesError)) throw error;
      for (const [field, state] of await this.loadAggregates(partition, error.fields)) {
        aggregates.set(field, state);
      }
      return fold(input());
    }
  }

  private aggregateHints(events: readonly OrderEvent[]): string[] {
    const fields = new Set<string>();
    for (const aggregator of this.opts.topology.aggregators) {
      for (const event of events) {
        const key = aggregator.keyHint(event);
        if (key !== undefined) fields.add(aggregateField(aggregator.name, key));
      }
    }
    return [...fields];
  }

  private async loadAggregates(
    partition: number,
    fields: readonly string[],
  ): Promise<Map<string, unknown>> {
    const loaded = new Map<string, unknown>();
    if (fields.length === 0) return loaded;
    const byName = new Map(this.opts.topology.aggregators.map((a) => [a.name, a]));
    for (const [field, json] of await this.opts.store.loadAggregates(partition, fields)) {
      const aggregator = byName.get(field.slice(0, field.indexOf('|')));
      loaded.set(field, json === null || aggregator === undefined ? null : aggregator.parse(json));
    }
    return loaded;
  }

  private context(): FoldContext {
    const { topology } = this.opts;
    return {
      sourceTopic: topology.source.topic,
      outputs: topology.outputs,
      workerVersion: this.opts.workerVersion,
      now: this.now(),
      aggregators: topology.aggregators,
      ...(topology.windows ? { windows: topology.windows } : {}),
      ...(this.opts.beforeApply ? { beforeApply: this.opts.beforeApply } : {}),
    };
  }

  /** Runs work against a partition's lease; any failure drops the lease (Redis may have moved). */
  private async guarded(
    partition: number,
    work: (lease: PartitionLease) => Promise<Committed>,
  ): Promise<Committed> {
    const lease = this.leases.get(partition);
    if (lease === undefined) return { kind: 'fenced' };
    try {
      const outcome = await work(lease);
      if (outcome.kind !== 'committed') this.leases.delete(partition);
      return outcome;
    } catch (error) {
      this.leases.delete(partition);
      this.opts.observer?.commitFailed('error');
      throw error;
    }
  }

  /** The commit script, then the outbox: steps 3 and 4 of the protocol. */
  private async commit(
    lease: PartitionLease,
    batch: BatchResult,
    records: readonly SourceRecord[],
  ): Promise<Committed> {
    const { store, relay, crash, log, observer } = this.opts;
    const partition = lease.partition;
    observer?.commitStarted(partition);
    const outcome = await store.commit(lease, batch);
    if (outcome.status !== 'committed') observer?.commitFailed(outcome.status);
    if (outcome.status === 'fenced') {
      log.warn({ partition }, 'fenced: another owner took this partition, or a rebuild retired it');
      return { kind: 'fenced' };
    }
    if (outcome.status === 'stale') {
      log.warn({ partition, applied: outcome.applied }, 'stale commit; re-reading');
      return { kind: 'stale' };
    }
    crash(CrashPoints.afterCommitScript);
    if (outcome.outboxEntry !== undefined) {
      await relay.publishCommitted(partition, outcome.outboxEntry, batch.outputs);
    }
    crash(CrashPoints.afterOutboxPublish);
    observer?.committed(batch, records);
    return { kind: 'committed', batch };
  }

  /**
   * Work between batches on every owned partition: carry out unpark requests, and close the
   * windows of partitions idle for the topology's idle timeout. Never throws: a failed tick is
   * logged and its partition re-acquired by the next batch or tick.
   */
  async tick(): Promise<void> {
    const partitions = [...this.leases.keys()];
    if (partitions.length === 0) return;
    let requests = new Map<number, string[]>();
    try {
      requests = await this.opts.store.unparkRequests(partitions);
    } catch (err) {
      this.opts.log.warn({ err }, 'could not read unpark requests');
    }
    await Promise.all(
      partitions.map((p) =>
        this.locks
          .run(p, () => this.tickPartition(p, requests.get(p) ?? []))
          .catch((err: unknown) => this.opts.log.warn({ err, partition: p }, 'tick failed')),
      ),
    );
  }

  private async tickPartition(partition: number, unparks: readonly string[]): Promise<void> {
    for (const key of unparks) {
      await this.guarded(partition, (lease) => this.unpark(lease, key));
    }
    const spec = this.opts.topology.windows;
    const lease = this.leases.get(partition);
    if (spec === undefined || lease === undefined || lease.windows.open.size === 0) return;
    const idleFor = this.now() - (this.lastActivity.get(partition) ?? this.now());
    if (idleFor < spec.idleTimeoutMs) return;
    const closed = await this.idleClose(partition);
    this.opts.log.info({ partition, idleForMs: idleFor, closed }, 'idle partition: windows closed');
  }

  /** Unparks a key now (a rebuild replays the live generation's unparks this way). */
  unparkNow(partition: number, key: string): Promise<void> {
    return this.locks.run(partition, async () => {
      await this.guarded(partition, (lease) => this.unpark(lease, key));
    });
  }

  /**
   * Closes every open window of a partition now, at its applied offset (a rebuild replays the
   * live generation's idle closes this way). Returns how many closed.
   */
  closeIdleWindows(partition: number): Promise<number> {
    return this.locks.run(partition, () => this.idleClose(partition));
  }

  private async idleClose(partition: number): Promise<number> {
    let closed = 0;
    await this.guarded(partition, (owned) => {
      const input = { ...this.baseInput(owned), windows: owned.windows };
      const batch = idleCloseBatch(partition, owned.applied, input, this.context());
      closed = batch.windows?.closed.length ?? 0;
      return this.commit(owned, batch, []);
    });
    return closed;
  }

  /**
   * Applies a parked key's held events in order. The operator asked for it, so an event that
   * fails again is dead-lettered at once and parks the key again with the events after it.
   */
  private async unpark(lease: PartitionLease, key: string): Promise<Committed> {
    const entry = lease.parked.get(key);
    const held = (entry?.held ?? []).map((h) => h.event);
    const fold = (input: FoldInput) =>
      unparkBatch(lease.partition, entry, key, lease.applied, input, this.context());
    let batch: BatchResult;
    try {
      batch = await this.foldWithStates(lease, held, new Set(), fold);
    } catch (error) {
      if (!(error instanceof ProcessingError)) throw error;
      batch = await this.foldWithStates(lease, held, new Set([error.offset]), fold);
    }
    this.opts.log.info(
      { partition: lease.partition, key, released: held.length, wasParked: entry !== undefined },
      'key unparked',
    );
    return this.commit(lease, batch, []);
  }

  private baseInput(lease: PartitionLease): FoldInput {
    return {
      states: new Map(),
      aggregates: new Map(),
      totals: lease.totals,
      parked: lease.parked,
    };
  }
}
