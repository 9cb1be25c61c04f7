import type {
  BatchResult,
  DerivedRecord,
  OrderState,
  ParkedEntry,
  WindowState,
} from '../pipeline/index.js';

/** What an owner holds for a partition between assignment and revocation. */
export interface PartitionLease {
  readonly partition: number;
  /** The generation of state this owner writes (see `streamfold rebuild`). */
  readonly generation: number;
  /** The epoch this owner set; every commit carries it. */
  readonly token: string;
  /** Last applied input offset (-1: none). Advanced by successful commits. */
  applied: number;
  /** Revenue subtotal per currency, as in Redis: this owner is the only writer. */
  readonly totals: Map<string, number>;
  /** The partition's event-time clock and open windows, as in Redis. */
  windows: WindowState;
  /** Parked keys and their held events, as in Redis. */
  parked: Map<string, ParkedEntry>;
}

export type CommitOutcome =
  /** `outboxEntry`: the id of the batch's outbox entry, when it derived any records. */
  | { status: 'committed'; applied: number; outboxEntry?: string }
  /** Another owner fenced this one: drop the partition's in-flight work. */
  | { status: 'fenced' }
  /** Redis's applied offset is not what the lease expected (e.g. a resent commit landed). */
  | { status: 'stale'; applied: number };

/** A committed batch's derived records, waiting to be published. */
export interface OutboxEntry {
  readonly id: string;
  readonly records: DerivedRecord[];
}

/** Everything the worker needs from its state backend (Redis, or Redis Cluster). */
export interface StateStore {
  /** Fences older owners (INCR epoch) and reads where the shard stands. */
  acquire(partition: number): Promise<PartitionLease>;
  /** Current states of the given keys; absent keys have no state. */
  loadStates(partition: number, keys: readonly string[]): Promise<Map<string, OrderState>>;
  /** Stored aggregate partials of the given fields, `null` where there is none. */
  loadAggregates(partition: number, fields: readonly string[]): Promise<Map<string, string | null>>;
  /** The atomic, guarded write of one batch (see lua/commit-batch-11.lua). */
  commit(lease: PartitionLease, batch: BatchResult): Promise<CommitOutcome>;
  pendingOutbox(partition: number, limit: number): Promise<OutboxEntry[]>;
  /** Removes published outbox entries. */
  ackOutbox(partition: number, ids: readonly string[]): Promise<void>;
  /** Keys an operator asked to unpark, per partition. */
  unparkRequests(partitions: readonly number[]): Promise<Map<number, string[]>>;
  close(): Promise<void>;
}
