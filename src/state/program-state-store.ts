/**
 * The state store of a topology program (docs/language.md): key states, running aggregate
 * partials, windows and parked keys in the partition's shard (program-fields.ts). The owner keeps
 * the partials it has read or written in its lease, since it is their only writer until fenced.
 */
import type {
  GroupPartial,
  KeyState,
  ProgramBatch,
  ProgramParkedEntry,
  ProgramWindowState,
  StateShape,
} from '../pipeline/program/index.js';
import { programCommitOperations } from './program-commit-args.js';
import { parseProgramParked, parseProgramWindows, parseStates } from './program-shard-load.js';
import { ShardStore, type ShardStoreOptions } from './shard-store.js';
import type { CommitOutcome } from './state-store.js';

/** At most this many partials stay cached per lease; the least recently used go first. */
export const PARTIAL_CACHE_LIMIT = 10_000;

/** What an owner holds for a program's partition between assignment and revocation. */
export interface ProgramLease {
  readonly partition: number;
  readonly generation: number;
  readonly token: string;
  /** Last applied input offset (-1: none). Advanced by successful commits. */
  applied: number;
  /** Running partials as in Redis (undefined: known to have none), least recently used first. */
  readonly partials: Map<string, GroupPartial | undefined>;
  windows: ProgramWindowState;
  parked: Map<string, ProgramParkedEntry>;
}

export interface ProgramStateStoreOptions extends ShardStoreOptions {
  readonly shape: StateShape;
}

export class ProgramStateStore extends ShardStore {
  private readonly shape: StateShape;

  constructor(opts: ProgramStateStoreOptions) {
    super(opts);
    this.shape = opts.shape;
  }

  async acquire(partition: number): Promise<ProgramLease> {
    const shard = await this.fence(partition);
    const [clock, open, parked] = await Promise.all([
      this.redis.hgetall(shard.keys.clock),
      this.redis.hgetall(shard.keys.windowsOpen),
      this.redis.hgetall(shard.keys.parked),
    ]);
    return {
      partition,
      generation: shard.generation,
      token: shard.token,
      applied: shard.applied,
      partials: new Map(),
      windows: parseProgramWindows(clock, open),
      parked: parseProgramParked(parked),
    };
  }

  /** Current states of the given keys; absent keys have no state. */
  async loadStates(partition: number, keys: readonly string[]): Promise<Map<string, KeyState>> {
    if (keys.length === 0) return new Map();
    const values = await this.redis.hmget(this.keys(partition).states, ...keys);
    return parseStates(this.shape, keys, values);
  }

  /**
   * The partials of the given groups, from the lease where it has them, else from Redis (which
   * the lease then keeps). A group with none maps to undefined.
   */
  async loadPartials(
    lease: ProgramLease,
    fields: readonly string[],
  ): Promise<Map<string, GroupPartial | undefined>> {
    const loaded = new Map<string, GroupPartial | undefined>();
    const missing: string[] = [];
    for (const field of fields) {
      if (lease.partials.has(field)) loaded.set(field, lease.partials.get(field));
      else missing.push(field);
    }
    if (missing.length > 0) {
      const values = await this.redis.hmget(this.keys(lease.partition).aggregates, ...missing);
      missing.forEach((field, i) => {
        const text = values[i];
        const partial = text == null ? undefined : (JSON.parse(text) as GroupPartial);
        loaded.set(field, partial);
        remember(lease, field, partial);
      });
    }
    return loaded;
  }

  async commit(lease: ProgramLease, batch: ProgramBatch): Promise<CommitOutcome> {
    const outcome = await this.runCommit(
      lease.partition,
      lease,
      batch.lastOffset,
      programCommitOperations(batch, this.shape),
      batch.outputs,
    );
    if (outcome.status !== 'committed') return outcome;
    lease.applied = batch.lastOffset;
    for (const [field, partial] of batch.partials) remember(lease, field, partial);
    if (batch.windows !== undefined) lease.windows = batch.windows.next;
    lease.parked = batch.parked.next;
    return outcome;
  }
}

function remember(lease: ProgramLease, field: string, partial: GroupPartial | undefined): void {
  lease.partials.delete(field);
  lease.partials.set(field, partial);
  if (lease.partials.size > PARTIAL_CACHE_LIMIT) {
    const oldest = lease.partials.keys().next().value;
    if (oldest !== undefined) lease.partials.delete(oldest);
  }
}
