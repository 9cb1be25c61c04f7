/**
 * Steps 3 and 4 of the protocol for one folded batch: the guarded commit script, then the
 * outbox's publication. Shared by record batches and by the ticks (idle closes, unparks).
 */
import type { BatchCounts, DerivedRecord, SourceRecord } from '../pipeline/index.js';
import type { OutboxRelay } from '../sinks/index.js';
import type { CommitOutcome } from '../state/index.js';
import type { Logger } from '../logger.js';
import { CrashPoints, type CrashHook } from './crash-points.js';

/** What a committed batch tells the observer, whatever the topology's engine. */
export interface CommittedBatch {
  readonly partition: number;
  readonly lastOffset: number;
  readonly outputs: readonly DerivedRecord[];
  readonly counts: BatchCounts;
  /** A program's batch: `<aggregate>|<group>` → new partial of every group it changed. */
  readonly partials?: ReadonlyMap<string, unknown>;
}

/** What the processor reports as it goes (metrics, progress); must be cheap, never throw. */
export interface ProcessorObserver {
  /** The partition was fenced and drained by this worker; `applied` is where Redis stands. */
  owned(partition: number, applied: number): void;
  /** A batch is in Redis and its derived records are published. */
  committed(batch: CommittedBatch, records: readonly SourceRecord[]): void;
  commitStarted(partition: number): void;
  commitFailed(reason: 'fenced' | 'stale' | 'error'): void;
}

export type Committed<B extends CommittedBatch = CommittedBatch> =
  { kind: 'committed'; batch: B } | { kind: 'fenced' } | { kind: 'stale' };

/** The one write a committer needs of its store: the guarded commit of a batch. */
export interface CommitStore<L, B> {
  commit(lease: L, batch: B): Promise<CommitOutcome>;
}

export interface BatchCommitterOptions<L, B> {
  store: CommitStore<L, B>;
  relay: Pick<OutboxRelay, 'publishCommitted'>;
  log: Logger;
  crash: CrashHook;
  observer?: ProcessorObserver;
}

export class BatchCommitter<L extends { readonly partition: number }, B extends CommittedBatch> {
  constructor(private readonly opts: BatchCommitterOptions<L, B>) {}

  async commit(lease: L, batch: B, records: readonly SourceRecord[]): Promise<Committed<B>> {
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
}
