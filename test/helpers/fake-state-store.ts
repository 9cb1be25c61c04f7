/**
 * An in-memory StateStore with the guard semantics of `fence-2.lua` and `commit-batch-5.lua`:
 * acquire bumps the epoch, a commit writes only when `epoch == token` and `applied == expected`,
 * and a committed batch leaves one outbox entry with its derived records. For unit tests of the
 * worker protocol without Redis.
 */
import type { BatchResult, DerivedRecord, OrderState } from '../../src/pipeline/types.js';
import type {
  CommitOutcome,
  OutboxEntry,
  PartitionLease,
  StateStore,
} from '../../src/state/index.js';

export interface FakeShard {
  epoch: number;
  /** Last applied offset (-1: none). */
  applied: number;
  /** orderId → state JSON, as Redis holds it. */
  readonly states: Map<string, string>;
  readonly totals: Map<string, number>;
  readonly outbox: OutboxEntry[];
}

export type StoreOperation = 'acquire' | 'loadStates' | 'commit' | 'pendingOutbox' | 'ackOutbox';

export class FakeStateStore implements StateStore {
  readonly shards = new Map<number, FakeShard>();
  /** Every call, in order, as `<operation>:<partition>`. */
  readonly calls: string[] = [];
  /** Runs at the start of `commit`, before the guard (e.g. a rival fences, a resend lands). */
  beforeCommit: ((lease: PartitionLease, batch: BatchResult) => void) | undefined;
  private readonly failures = new Map<StoreOperation, Error>();
  private nextEntry = 1;

  shard(partition: number): FakeShard {
    let shard = this.shards.get(partition);
    if (!shard) {
      shard = { epoch: 0, applied: -1, states: new Map(), totals: new Map(), outbox: [] };
      this.shards.set(partition, shard);
    }
    return shard;
  }

  /** The next call of `operation` throws `error` (once). */
  failNext(operation: StoreOperation, error: Error): void {
    this.failures.set(operation, error);
  }

  /** Parsed state of one order, or undefined. */
  state(partition: number, orderId: string): OrderState | undefined {
    const json = this.shard(partition).states.get(orderId);
    return json === undefined ? undefined : (JSON.parse(json) as OrderState);
  }

  /** Adds an outbox entry directly, as a previous owner's committed batch would have. */
  appendOutbox(partition: number, records: DerivedRecord[]): string {
    const id = `${this.nextEntry++}-0`;
    this.shard(partition).outbox.push({ id, records });
    return id;
  }

  private enter(operation: StoreOperation, partition: number): void {
    this.calls.push(`${operation}:${partition}`);
    const failure = this.failures.get(operation);
    if (failure) {
      this.failures.delete(operation);
      throw failure;
    }
  }

  acquire(partition: number): Promise<PartitionLease> {
    this.enter('acquire', partition);
    const shard = this.shard(partition);
    shard.epoch += 1;
    return Promise.resolve({
      partition,
      token: String(shard.epoch),
      applied: shard.applied,
      totals: new Map(shard.totals),
    });
  }

  loadStates(partition: number, keys: readonly string[]): Promise<Map<string, OrderState>> {
    this.enter('loadStates', partition);
    const states = new Map<string, OrderState>();
    for (const key of keys) {
      const state = this.state(partition, key);
      if (state !== undefined) states.set(key, state);
    }
    return Promise.resolve(states);
  }

  /** The commit script alone: the guard and the writes, without touching any lease. */
  runCommitScript(token: string, expected: number, batch: BatchResult): CommitOutcome {
    const shard = this.shard(batch.partition);
    if (String(shard.epoch) !== token) return { status: 'fenced' };
    if (shard.applied !== expected) return { status: 'stale', applied: shard.applied };
    for (const [key, state] of batch.states) shard.states.set(key, JSON.stringify(state));
    for (const [currency, delta] of batch.totalsDelta) {
      shard.totals.set(currency, (shard.totals.get(currency) ?? 0) + delta);
    }
    shard.applied = batch.lastOffset;
    if (batch.outputs.length === 0) return { status: 'committed', applied: batch.lastOffset };
    const id = `${this.nextEntry++}-0`;
    shard.outbox.push({ id, records: [...batch.outputs] });
    return { status: 'committed', applied: batch.lastOffset, outboxEntry: id };
  }

  commit(lease: PartitionLease, batch: BatchResult): Promise<CommitOutcome> {
    this.enter('commit', lease.partition);
    this.beforeCommit?.(lease, batch);
    const outcome = this.runCommitScript(lease.token, lease.applied, batch);
    if (outcome.status === 'committed') {
      // As RedisStateStore does: the lease follows what this owner wrote.
      lease.applied = batch.lastOffset;
      for (const [currency, delta] of batch.totalsDelta) {
        lease.totals.set(currency, (lease.totals.get(currency) ?? 0) + delta);
      }
    }
    return Promise.resolve(outcome);
  }

  pendingOutbox(partition: number, limit: number): Promise<OutboxEntry[]> {
    this.enter('pendingOutbox', partition);
    return Promise.resolve(this.shard(partition).outbox.slice(0, limit));
  }

  ackOutbox(partition: number, ids: readonly string[]): Promise<void> {
    this.enter('ackOutbox', partition);
    const outbox = this.shard(partition).outbox;
    const remaining = outbox.filter((e) => !ids.includes(e.id));
    outbox.splice(0, outbox.length, ...remaining);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
