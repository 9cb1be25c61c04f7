import type { BatchResult, OrderState } from '../pipeline/index.js';
import { commitOperations } from './commit-args.js';
import { parseParked, parseWindows } from './shard-load.js';
import { int, ShardStore, type ShardStoreOptions } from './shard-store.js';
import type { CommitOutcome, PartitionLease, StateStore } from './state-store.js';

export type RedisStateStoreOptions = ShardStoreOptions;

/** The state store of the built-in order lifecycle: order states, revenue totals, windows. */
export class RedisStateStore extends ShardStore implements StateStore {
  async acquire(partition: number): Promise<PartitionLease> {
    const shard = await this.fence(partition);
    const { keys } = shard;
    const [totalsReply, clock, open, parked] = await Promise.all([
      this.redis.hgetall(keys.totals),
      this.redis.hgetall(keys.clock),
      this.redis.hgetall(keys.windowsOpen),
      this.redis.hgetall(keys.parked),
    ]);
    const totals = new Map<string, number>();
    for (const [currency, cents] of Object.entries(totalsReply))
      totals.set(currency, int(cents, 'total'));
    return {
      partition,
      generation: shard.generation,
      token: shard.token,
      applied: shard.applied,
      totals,
      windows: parseWindows(clock, open),
      parked: parseParked(parked),
    };
  }

  async loadStates(partition: number, keys: readonly string[]): Promise<Map<string, OrderState>> {
    const states = new Map<string, OrderState>();
    if (keys.length === 0) return states;
    const values = await this.redis.hmget(this.keys(partition).states, ...keys);
    values.forEach((json, i) => {
      if (json !== null) states.set(keys[i]!, JSON.parse(json) as OrderState);
    });
    return states;
  }

  async loadAggregates(
    partition: number,
    fields: readonly string[],
  ): Promise<Map<string, string | null>> {
    if (fields.length === 0) return new Map();
    const values = await this.redis.hmget(this.keys(partition).aggregates, ...fields);
    return new Map(fields.map((field, i) => [field, values[i] ?? null]));
  }

  async commit(lease: PartitionLease, batch: BatchResult): Promise<CommitOutcome> {
    const outcome = await this.runCommit(
      lease.partition,
      lease,
      batch.lastOffset,
      commitOperations(batch),
      batch.outputs,
    );
    if (outcome.status !== 'committed') return outcome;
    lease.applied = batch.lastOffset;
    for (const [currency, delta] of batch.totalsDelta) {
      lease.totals.set(currency, (lease.totals.get(currency) ?? 0) + delta);
    }
    if (batch.windows !== undefined) lease.windows = batch.windows.next;
    lease.parked = batch.parked.next;
    return outcome;
  }
}
