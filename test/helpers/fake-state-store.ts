/**
 * An in-memory StateStore with the guard semantics of `fence-2.lua` and `commit-batch-11.lua`:
 * acquire bumps the epoch, a commit writes only when `epoch == token` and `applied == expected`,
 * carries out the batch's hash operations (`commitOperations`, the script's ARGV) in order, and
 * leaves one outbox entry with its derived records. For unit tests of the worker protocol
 * without Redis.
 */
import type { BatchResult, DerivedRecord, OrderState } from '../../src/pipeline/types.js';
import { commitOperations } from '../../src/state/commit-args.js';
import type {
  CommitHash,
  CommitOutcome,
  OutboxEntry,
  PartitionLease,
  StateStore,
} from '../../src/state/index.js';
import { COMMIT_HASHES } from '../../src/state/index.js';
import { parseParked, parseWindows } from '../../src/state/shard-load.js';

export interface FakeShard {
  epoch: number;
  /** Last applied offset (-1: none). */
  applied: number;
  /** orderId → state JSON, as Redis holds it. */
  readonly states: Map<string, string>;
  readonly totals: Map<string, number>;
  /** `<aggregate>|<key>` → partial JSON. */
  readonly aggregates: Map<string, string>;
  /** `<size>|<start>|<currency>` → cents. */
  readonly windowsOpen: Map<string, number>;
  /** `<size>|<start>` → closed window result JSON. */
  readonly windowsClosed: Map<string, string>;
  /** `watermark`, `frontier|<size>` → epoch ms, as strings (as Redis holds them). */
  readonly clock: Map<string, string>;
  /** Parked key → entry JSON. */
  readonly parked: Map<string, string>;
  /** Key → time an operator asked to unpark it. */
  readonly unpark: Map<string, string>;
  readonly outbox: OutboxEntry[];
}

export type StoreOperation =
  | 'acquire'
  | 'loadStates'
  | 'loadAggregates'
  | 'commit'
  | 'pendingOutbox'
  | 'ackOutbox'
  | 'unparkRequests';

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
      shard = {
        epoch: 0,
        applied: -1,
        states: new Map(),
        totals: new Map(),
        aggregates: new Map(),
        windowsOpen: new Map(),
        windowsClosed: new Map(),
        clock: new Map(),
        parked: new Map(),
        unpark: new Map(),
        outbox: [],
      };
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

  /** An operator's unpark request, as `streamfold unpark` writes it. */
  requestUnpark(partition: number, key: string, at = 0): void {
    this.shard(partition).unpark.set(key, String(at));
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
      generation: 0,
      token: String(shard.epoch),
      applied: shard.applied,
      totals: new Map(shard.totals),
      windows: parseWindows(
        Object.fromEntries(shard.clock),
        Object.fromEntries([...shard.windowsOpen].map(([f, cents]) => [f, String(cents)])),
      ),
      parked: parseParked(Object.fromEntries(shard.parked)),
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

  loadAggregates(
    partition: number,
    fields: readonly string[],
  ): Promise<Map<string, string | null>> {
    this.enter('loadAggregates', partition);
    const hash = this.shard(partition).aggregates;
    return Promise.resolve(new Map(fields.map((f) => [f, hash.get(f) ?? null])));
  }

  unparkRequests(partitions: readonly number[]): Promise<Map<number, string[]>> {
    this.enter('unparkRequests', partitions[0] ?? -1);
    const requests = new Map<number, string[]>();
    for (const p of partitions) {
      const keys = [...this.shard(p).unpark.keys()];
      if (keys.length > 0) requests.set(p, keys);
    }
    return Promise.resolve(requests);
  }

  /** The commit script alone: the guard and the writes, without touching any lease. */
  runCommitScript(token: string, expected: number, batch: BatchResult): CommitOutcome {
    const shard = this.shard(batch.partition);
    if (String(shard.epoch) !== token) return { status: 'fenced' };
    if (shard.applied !== expected) return { status: 'stale', applied: shard.applied };
    applyOperations(shard, commitOperations(batch));
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
      if (batch.windows !== undefined) lease.windows = batch.windows.next;
      lease.parked = batch.parked.next;
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

/** What commit-batch-11.lua does with its operations: H = HSET, I = HINCRBY, D = HDEL, in order. */
function applyOperations(
  shard: FakeShard,
  ops: { count: number; args: readonly (string | number)[] },
): void {
  const { args } = ops;
  let i = 0;
  for (let op = 0; op < ops.count; op++) {
    const kind = args[i];
    const hash = COMMIT_HASHES[Number(args[i + 1]) - 4];
    const count = Number(args[i + 2]);
    i += 3;
    if (hash === undefined) throw new Error(`commit: no hash at KEYS[${String(args[i - 2])}]`);
    const map = shard[hash satisfies CommitHash] as Map<string, string | number>;
    const numeric = hash === 'totals' || hash === 'windowsOpen';
    for (let n = 0; n < count; n++) {
      const field = String(args[i]);
      if (kind === 'H') {
        const value = args[i + 1]!;
        map.set(field, numeric ? Number(value) : String(value));
        i += 2;
      } else if (kind === 'I') {
        map.set(field, Number(map.get(field) ?? 0) + Number(args[i + 1]));
        i += 2;
      } else if (kind === 'D') {
        map.delete(field);
        i += 1;
      } else {
        throw new Error(`commit: unknown operation ${String(kind)}`);
      }
    }
  }
  if (i !== args.length) throw new Error(`commit: ${args.length - i} arguments left over`);
}
