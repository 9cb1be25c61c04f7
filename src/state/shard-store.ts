/**
 * What every owner of a topology's partition shards does alike, whatever its state looks like:
 * fence a shard and read where it stands, run the guarded commit script, read and trim the
 * outbox, read unpark requests. RedisStateStore (the built-in order lifecycle) and
 * ProgramStateStore (a topology program) add how their states are read and written.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { DerivedRecord } from '../pipeline/index.js';
import { COMMIT_HASHES, shardKeys, topologyKeys, type ShardKeys } from './keys.js';
import { decodeOutbox, encodeOutbox } from './outbox-codec.js';
import type { RedisConnection } from './redis-client.js';
import { ScriptCodes } from './script-codes.js';
import type { ScriptArg, ScriptRunner } from './script-loader.js';
import type { CommitOutcome, OutboxEntry } from './state-store.js';

export interface ShardStoreOptions {
  redis: RedisConnection;
  scripts: ScriptRunner;
  prefix: string;
  topology: string;
  /** Own this generation instead of the live one (a rebuild writes the next generation). */
  generation?: number;
}

/** Parses a Redis reply cell that must be an integer (string or number). */
export function int(value: unknown, what: string): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new StreamfoldError(
      ErrorCodes.REDIS_SCRIPT,
      `unexpected ${what} from Redis: ${String(value)}`,
    );
  }
  return n;
}

/** A fenced shard: its keys in the generation it was fenced in, the epoch token, the offset. */
export interface FencedShard {
  readonly keys: ShardKeys;
  readonly generation: number;
  readonly token: string;
  readonly applied: number;
}

export abstract class ShardStore {
  protected readonly redis: RedisConnection;
  protected readonly scripts: ScriptRunner;
  protected readonly prefix: string;
  protected readonly topology: string;
  private readonly fixedGeneration: number | undefined;
  /** The keys of each partition in the generation it was acquired in. */
  private readonly shards = new Map<number, ShardKeys>();

  constructor(opts: ShardStoreOptions) {
    this.redis = opts.redis;
    this.scripts = opts.scripts;
    this.prefix = opts.prefix;
    this.topology = opts.topology;
    this.fixedGeneration = opts.generation;
    this.scripts.register(this.redis);
  }

  protected keys(partition: number): ShardKeys {
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

  /** Fences older owners (INCR epoch) and reads the applied offset; records the partition. */
  protected async fence(partition: number): Promise<FencedShard> {
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
    await this.redis.sadd(topologyKeys(this.prefix, this.topology).partitions, String(partition));
    return {
      keys,
      generation,
      token: String(int(epoch, 'epoch')),
      applied: int(applied, 'applied offset'),
    };
  }

  /** The guarded commit script (lua/commit-batch-11.lua) with a batch's operations. */
  protected async runCommit(
    partition: number,
    guard: { token: string; applied: number },
    lastOffset: number,
    ops: { count: number; args: ScriptArg[] },
    outputs: readonly DerivedRecord[],
  ): Promise<CommitOutcome> {
    const keys = this.keys(partition);
    const args: ScriptArg[] = [guard.token, String(guard.applied), String(lastOffset)];
    args.push(ops.count, ...ops.args);
    args.push(outputs.length > 0 ? encodeOutbox(outputs) : '');
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
    const entry = reply[2];
    return typeof entry === 'string' && entry !== ''
      ? { status: 'committed', applied: lastOffset, outboxEntry: entry }
      : { status: 'committed', applied: lastOffset };
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

  async pendingOutbox(partition: number, limit: number): Promise<OutboxEntry[]> {
    const entries = await this.redis.xrange(this.keys(partition).outbox, '-', '+', 'COUNT', limit);
    return entries.map(([id, fields]) => {
      const at = fields.indexOf('records');
      return { id, records: at >= 0 ? decodeOutbox(fields[at + 1] ?? '[]') : [] };
    });
  }

  /** Removes published outbox entries. */
  async ackOutbox(partition: number, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await this.redis.xdel(this.keys(partition).outbox, ...ids);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
