import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { BatchResult, OrderState } from '../pipeline/index.js';
import { commitOperations } from './commit-args.js';
import { COMMIT_HASHES, shardKeys, topologyKeys, type ShardKeys } from './keys.js';
import { decodeOutbox, encodeOutbox } from './outbox-codec.js';
import type { RedisConnection } from './redis-client.js';
import { ScriptCodes } from './script-codes.js';
import type { ScriptRunner } from './script-loader.js';
import { parseParked, parseWindows } from './shard-load.js';
import type { CommitOutcome, OutboxEntry, PartitionLease, StateStore } from './state-store.js';

export interface RedisStateStoreOptions {
  redis: RedisConnection;
  scripts: ScriptRunner;
  prefix: string;
  topology: string;
  /** Own this generation instead of the live one (a rebuild writes the next generation). */
  generation?: number;
}

/** Parses a Redis reply cell that must be an integer (string or number). */
function int(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new StreamfoldError(
      ErrorCodes.REDIS_SCRIPT,
      `unexpected ${what} from Redis: ${String(value)}`,
    );
  }
  return n;
}

export class RedisStateStore implements StateStore {
  private readonly redis: RedisConnection;
  private readonly scripts: ScriptRunner;
  private readonly prefix: string;
  private readonly topology: string;
  private readonly fixedGeneration: number | undefined;
  /** The keys of each partition in the generation it was acquired in. */
  private readonly shards = new Map<number, ShardKeys>();

  constructor(opts: RedisStateStoreOptions) {
    this.redis = opts.redis;
    this.scripts = opts.scripts;
    this.prefix = opts.prefix;
    this.topology = opts.topology;
    this.fixedGeneration = opts.generation;
    this.scripts.register(this.redis);
  }

  private keys(partition: number): ShardKeys {
    let keys = this.shards.get(partition);
    if (!keys) {
      keys = shardKeys(this.prefix, this.topology, partition);
      this.shards.set(partition, keys);
    }
    return keys;
  }

  /** The live generation (0 until a rebuild switches it). */
  private async generation(): Promise<number> {
    if (this.fixedGeneration !== undefined) return this.fixedGeneration;
    const value = await this.redis.get(topologyKeys(this.prefix, this.topology).generation);
    return value === null ? 0 : int(value, 'generation');
  }

  async acquire(partition: number): Promise<PartitionLease> {
    const generation = await this.generation();
    const keys = shardKeys(this.prefix, this.topology, partition, generation);
    this.shards.set(partition, keys);
    const [epoch, applied] = (await this.scripts.run(
      this.redis,
      'fence',
      [keys.epoch, keys.applied],
      [],
    )) as [unknown, unknown];
    if (epoch === ScriptCodes.retired) {
      throw new StreamfoldError(
        ErrorCodes.SHARD_RETIRED,
        `partition ${partition} of ${this.topology} (generation ${generation}) was retired by a ` +
          'rebuild; waiting for the new generation',
      );
    }
    // The pointer is read apart from the fence (another hash slot). Had a rebuild switched it
    // in between, this shard may already be dropped and the fence would have revived it: read
    // it again. Unchanged now means the fence came before the switch, hence before the
    // retirement that precedes it, which fences this lease like any other owner's.
    if (this.fixedGeneration === undefined && (await this.generation()) !== generation) {
      throw new StreamfoldError(
        ErrorCodes.SHARD_RETIRED,
        `partition ${partition} of ${this.topology}: the generation pointer moved past ` +
          `${generation} while it was being acquired; retrying with the new generation`,
      );
    }
    const [totalsReply, clock, open, parked] = await Promise.all([
      this.redis.hgetall(keys.totals),
      this.redis.hgetall(keys.clock),
      this.redis.hgetall(keys.windowsOpen),
      this.redis.hgetall(keys.parked),
      this.redis.sadd(topologyKeys(this.prefix, this.topology).partitions, String(partition)),
    ]);
    const totals = new Map<string, number>();
    for (const [currency, cents] of Object.entries(totalsReply))
      totals.set(currency, int(cents, 'total'));
    return {
      partition,
      generation,
      token: String(int(epoch, 'epoch')),
      applied: int(applied, 'applied offset'),
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

  async unparkRequests(partitions: readonly number[]): Promise<Map<number, string[]>> {
    // One command per shard, not one pipeline: the shards live in different hash slots (and, in
    // a Redis Cluster, on different nodes); they are sent together, without waiting in turn.
    const replies = await Promise.all(partitions.map((p) => this.redis.hkeys(this.keys(p).unpark)));
    const requests = new Map<number, string[]>();
    partitions.forEach((p, i) => {
      const keys = replies[i] ?? [];
      if (keys.length > 0) requests.set(p, keys);
    });
    return requests;
  }

  async commit(lease: PartitionLease, batch: BatchResult): Promise<CommitOutcome> {
    const keys = this.keys(lease.partition);
    const args: (string | number)[] = [
      lease.token,
      String(lease.applied),
      String(batch.lastOffset),
    ];
    const ops = commitOperations(batch);
    args.push(ops.count, ...ops.args);
    args.push(batch.outputs.length > 0 ? encodeOutbox(batch.outputs) : '');

    const reply = (await this.scripts.run(
      this.redis,
      'commit-batch',
      [keys.epoch, keys.applied, keys.outbox, ...COMMIT_HASHES.map((hash) => keys[hash])],
      args,
    )) as [unknown, unknown, unknown];
    const code = int(reply[0], 'commit status');
    if (code === ScriptCodes.fenced) return { status: 'fenced' };
    if (code === ScriptCodes.stale) {
      return { status: 'stale', applied: int(reply[1], 'applied offset') };
    }
    if (code !== ScriptCodes.committed) {
      throw new StreamfoldError(ErrorCodes.REDIS_SCRIPT, `unexpected commit status ${code}`);
    }
    lease.applied = batch.lastOffset;
    for (const [currency, delta] of batch.totalsDelta) {
      lease.totals.set(currency, (lease.totals.get(currency) ?? 0) + delta);
    }
    if (batch.windows !== undefined) lease.windows = batch.windows.next;
    lease.parked = batch.parked.next;
    const entry = reply[2];
    return typeof entry === 'string' && entry !== ''
      ? { status: 'committed', applied: batch.lastOffset, outboxEntry: entry }
      : { status: 'committed', applied: batch.lastOffset };
  }

  async pendingOutbox(partition: number, limit: number): Promise<OutboxEntry[]> {
    const entries = await this.redis.xrange(this.keys(partition).outbox, '-', '+', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const at = fields.indexOf('records');
      return { id, records: at >= 0 ? decodeOutbox(fields[at + 1] ?? '[]') : [] };
    });
  }

  async ackOutbox(partition: number, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(this.keys(partition).outbox, ...ids);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
