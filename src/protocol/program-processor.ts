/**
 * The correctness protocol for one partition-batch of a topology program (docs/architecture.md,
 * "The correctness protocol"), as PartitionProcessor runs it for the built-in order lifecycle:
 * own the shard, skip what Redis has applied, fold in memory, commit once with the epoch and
 * offset guard, publish the outbox, and only then let the source commit the Kafka offset.
 * Between batches, `tick` closes the windows of idle partitions and carries out unpark requests,
 * through the same commit. Retries are tagged outcomes of the fold, not exceptions.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { Logger } from '../logger.js';
import {
  compileFold,
  createEventDecoder,
  foldProgramBatch,
  idleCloseProgramBatch,
  unparkProgramBatch,
  type CompiledFold,
  type EventDecoder,
  type ProgramBatch,
  type ProgramBatchInput,
  type ProgramBatchOutcome,
  type ProgramEvent,
  type ProgramFoldContext,
} from '../pipeline/program/index.js';
import type { SourceRecord } from '../pipeline/index.js';
import type { OutboxRelay } from '../sinks/index.js';
import type { BatchOutcome, PartitionHandler } from '../source/index.js';
import type { CommitOutcome, ProgramLease } from '../state/index.js';
import type { LanguageTopology } from '../topology/index.js';
import { BatchCommitter, type Committed, type ProcessorObserver } from './batch-committer.js';
import { CrashPoints, type CrashHook } from './crash-points.js';
import { PartitionLocks } from './partition-locks.js';
import { PoisonCounts } from './poison-counts.js';
import { foldWithReads, type ProgramFolded, type ProgramReads } from './program-fold-states.js';

/** What the processor needs of a program's state store. */
export interface ProgramStore extends ProgramReads {
  acquire(partition: number): Promise<ProgramLease>;
  commit(lease: ProgramLease, batch: ProgramBatch): Promise<CommitOutcome>;
  unparkRequests(partitions: readonly number[]): Promise<Map<number, string[]>>;
}

export interface ProgramProcessorOptions {
  topology: LanguageTopology;
  store: ProgramStore;
  relay: Pick<OutboxRelay, 'drain' | 'publishCommitted'>;
  log: Logger;
  workerVersion: string;
  crash: CrashHook;
  observer?: ProcessorObserver;
  /** Test-only fault injection (see crash-points.ts): throws for events it must fail. */
  beforeApply?: (event: ProgramEvent) => void;
  /** Wall clock; a parameter so tests can move it. */
  now?: () => number;
  /** Per partition, offsets known to have failed for good: a rebuild replays those dead letters. */
  knownFailures?: ReadonlyMap<number, ReadonlySet<number>>;
}

const NO_OFFSETS: ReadonlySet<number> = new Set();

export class ProgramProcessor implements PartitionHandler {
  private readonly leases = new Map<number, ProgramLease>();
  /** Where each partition was last sent back to re-read from, to tell a real gap from a hole. */
  private readonly seekedTo = new Map<number, number>();
  private readonly failures: PoisonCounts;
  private readonly committer: BatchCommitter<ProgramLease, ProgramBatch>;
  /** Wall-clock time each partition last had new records, for the idle timeout of windows. */
  private readonly lastActivity = new Map<number, number>();
  private readonly locks = new PartitionLocks();
  private readonly now: () => number;
  private readonly fold: CompiledFold;
  private readonly decode: EventDecoder;
  /** The shortest idle timeout of the program's windowed aggregates (none: no windows). */
  readonly idleTimeoutMs: number | undefined;

  constructor(private readonly opts: ProgramProcessorOptions) {
    const { topology } = opts;
    this.now = opts.now ?? Date.now;
    this.failures = new PoisonCounts(topology.parking.maxAttempts);
    this.committer = new BatchCommitter(opts);
    this.fold = compileFold(topology.program);
    this.decode = createEventDecoder({
      paths: topology.program.paths,
      maxValueBytes: topology.input.maxValueBytes,
      validate: topology.schema.validate,
    });
    const idle = topology.program.aggregates.flatMap((a) =>
      a.windows ? [a.windows.idleTimeoutMs] : [],
    );
    this.idleTimeoutMs = idle.length > 0 ? Math.min(...idle) : undefined;
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
      this.failures.clear(p);
      this.lastActivity.delete(p);
    }
  }

  /**
   * Fencing first, then draining: once the epoch is bumped no older owner can append to the
   * outbox, so the drain sees every entry a previous owner committed but did not publish.
   */
  private async acquire(partition: number): Promise<ProgramLease> {
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
    const first = fresh[0];
    if (first === undefined) return { kind: 'done', nextOffset: lease.applied + 1 };
    const expected = lease.applied + 1;
    if (first.offset !== expected) {
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

    const decoded = fresh.map(this.decode);
    const keys = [...new Set(decoded.flatMap((d) => (d.ok ? [d.event.key] : [])))];
    const outcome = await this.guarded(partition, async (owned) => {
      const batch = await this.foldOrPark(owned, keys, (input) =>
        foldProgramBatch(decoded, input, this.context()),
      );
      this.failures.clear(partition);
      return this.committer.commit(owned, batch, fresh);
    });
    // Fenced: another owner (whose group assignment will revoke this one) or a rebuild's switch;
    // stale: most likely our own commit landed but its reply was lost. Either way the batch is
    // read again: the next acquire re-reads Redis and skips whatever is applied.
    if (outcome.kind !== 'committed') return { kind: 'seek', offset: first.offset };
    this.opts.crash(CrashPoints.beforeKafkaCommit);
    return { kind: 'done', nextOffset: outcome.batch.lastOffset + 1 };
  }

  /**
   * Folds with the poisoned offsets of the partition. An event whose processing failed below the
   * topology's attempt limit fails the batch, which is retried with backoff (the fault may pass);
   * at the limit the event is dead-lettered and its key parked, so the partition flows on.
   */
  private async foldOrPark(
    lease: ProgramLease,
    keys: readonly string[],
    fold: (input: ProgramBatchInput) => ProgramBatchOutcome,
  ): Promise<ProgramBatch> {
    const partition = lease.partition;
    const failed = this.opts.knownFailures?.get(partition) ?? NO_OFFSETS;
    for (;;) {
      const poisoned = this.failures.poisoned(partition);
      const outcome: ProgramFolded = await foldWithReads(
        this.opts.store,
        lease,
        keys,
        { poisoned, failed },
        fold,
      );
      if (outcome.kind === 'folded') return outcome.batch;
      const { attempts, forGood } = this.failures.failed(partition, outcome.offset);
      const message =
        `processing ${outcome.key} at offset ${outcome.offset} of partition ${partition} ` +
        `failed: ${outcome.cause instanceof Error ? outcome.cause.message : String(outcome.cause)}`;
      if (!forGood) {
        throw new StreamfoldError(ErrorCodes.PROCESSING_FAILED, message, { cause: outcome.cause });
      }
      this.opts.log.error(
        { partition, offset: outcome.offset, key: outcome.key, attempts, err: outcome.cause },
        'processing failed for good: dead-lettering the event and parking its key',
      );
    }
  }

  private context(): ProgramFoldContext {
    const { topology, workerVersion, beforeApply } = this.opts;
    return {
      fold: this.fold,
      sourceTopic: topology.input.topic,
      outputs: topology.outputs,
      workerVersion,
      now: this.now(),
      ...(beforeApply ? { beforeApply } : {}),
    };
  }

  /** Runs work against a partition's lease; any failure drops the lease (Redis may have moved). */
  private async guarded(
    partition: number,
    work: (lease: ProgramLease) => Promise<Committed<ProgramBatch>>,
  ): Promise<Committed<ProgramBatch>> {
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

  /**
   * Work between batches on every owned partition: carry out unpark requests, and close the
   * windows of partitions idle for the idle timeout. Never throws: a failed tick is logged and
   * its partition re-acquired by the next batch or tick.
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
    const idleTimeoutMs = this.idleTimeoutMs;
    const lease = this.leases.get(partition);
    if (idleTimeoutMs === undefined || lease === undefined || lease.windows.open.size === 0) return;
    const idleFor = this.now() - (this.lastActivity.get(partition) ?? this.now());
    if (idleFor < idleTimeoutMs) return;
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
    await this.guarded(partition, async (owned) => {
      const batch = await this.foldOrPark(owned, [], (input) =>
        idleCloseProgramBatch(partition, owned.applied, input, this.context()),
      );
      closed = batch.windows?.closed.length ?? 0;
      return this.committer.commit(owned, batch, []);
    });
    return closed;
  }

  /**
   * Applies a parked key's held events in order. The operator asked for it, so an event that
   * fails again is dead-lettered at once and parks the key again with the events after it.
   */
  private async unpark(lease: ProgramLease, key: string): Promise<Committed<ProgramBatch>> {
    const entry = lease.parked.get(key);
    const held = entry?.held ?? [];
    const keys = [...new Set(held.map((h) => h.event.key))];
    const fold = (input: ProgramBatchInput) =>
      unparkProgramBatch(lease.partition, entry, key, lease.applied, input, this.context());
    let outcome = await foldWithReads(
      this.opts.store,
      lease,
      keys,
      { poisoned: NO_OFFSETS, failed: NO_OFFSETS },
      fold,
    );
    if (outcome.kind === 'failed') {
      const poisoned = new Set([outcome.offset]);
      outcome = await foldWithReads(
        this.opts.store,
        lease,
        keys,
        { poisoned, failed: NO_OFFSETS },
        fold,
      );
    }
    if (outcome.kind === 'failed') {
      throw new StreamfoldError(ErrorCodes.PROCESSING_FAILED, `unpark of ${key} failed again`, {
        cause: outcome.cause,
      });
    }
    this.opts.log.info(
      { partition: lease.partition, key, released: held.length, wasParked: entry !== undefined },
      'key unparked',
    );
    return this.committer.commit(lease, outcome.batch, []);
  }
}
