/**
 * The generation pointer and its shards, for `streamfold rebuild`: retire a live shard so it holds
 * still, restore it on abort, carry its outbox over, switch the pointer, drop a generation.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { allShardKeys, generationOf, shardKeys, topologyKeys } from './keys.js';
import type { RedisConnection } from './redis-client.js';
import { ScriptCodes } from './script-codes.js';
import type { ScriptRunner } from './script-loader.js';

export interface Retired {
  /** The epoch before the retirement (restore continues after it). */
  previousEpoch: string;
  /** Where the shard stands, for good: nobody can commit to it now. */
  applied: number;
}

export class Generations {
  constructor(
    private readonly redis: RedisConnection,
    private readonly scripts: ScriptRunner,
    private readonly prefix: string,
    private readonly topology: string,
  ) {
    scripts.register(redis);
  }

  async live(): Promise<number> {
    return generationOf(await this.redis.get(topologyKeys(this.prefix, this.topology).generation));
  }

  /** Retires a shard of `generation`: its owner's next commit is fenced, its next fence refused. */
  async retire(generation: number, partition: number): Promise<Retired> {
    const keys = shardKeys(this.prefix, this.topology, partition, generation);
    const [previousEpoch, applied] = (await this.scripts.run(
      this.redis,
      'retire-shard',
      [keys.epoch, keys.applied],
      [],
    )) as [string, string];
    return { previousEpoch, applied: Number(applied) };
  }

  /**
   * Makes a retired shard ownable again, with an epoch past every earlier token. False when the
   * shard was not retired (it is left as it was).
   */
  async restore(generation: number, partition: number): Promise<boolean> {
    const keys = shardKeys(this.prefix, this.topology, partition, generation);
    const reply = await this.scripts.run(this.redis, 'restore-shard', [keys.epoch], []);
    return reply !== ScriptCodes.notRetired;
  }

  /** Points readers and owners at `to`, if the pointer still says `from`. */
  async switch(from: number, to: number): Promise<void> {
    const key = topologyKeys(this.prefix, this.topology).generation;
    // WATCH makes the switch refuse a concurrent rebuild's switch instead of overwriting it.
    await this.redis.watch(key);
    const current = await this.live();
    if (current !== from) {
      await this.redis.unwatch();
      throw new StreamfoldError(
        ErrorCodes.REBUILD_CONFLICT,
        `generation moved from ${from} to ${current} during the rebuild (another rebuild?)`,
      );
    }
    const done = await this.redis.multi().set(key, String(to)).exec();
    if (done === null) {
      throw new StreamfoldError(
        ErrorCodes.REBUILD_CONFLICT,
        'the generation pointer changed during the switch (another rebuild?)',
      );
    }
  }

  /**
   * Moves a frozen shard's unpublished outbox entries to the same shard of another generation,
   * whose next owner drains them. Entries the retired owner publishes meanwhile go out twice:
   * at-least-once, as after any crash (consumers drop repeats by `sf-id`).
   */
  async carryOutbox(from: number, to: number, partition: number): Promise<number> {
    const source = shardKeys(this.prefix, this.topology, partition, from).outbox;
    const target = shardKeys(this.prefix, this.topology, partition, to).outbox;
    const entries = await this.redis.xrange(source, '-', '+');
    if (entries.length === 0) return 0;
    const pipeline = this.redis.pipeline();
    for (const [, fields] of entries) pipeline.xadd(target, '*', ...fields);
    const replies = (await pipeline.exec()) ?? [];
    for (const [err] of replies) if (err) throw err;
    return entries.length;
  }

  /** Deletes every key of a generation's shards. */
  async drop(generation: number, partitions: readonly number[]): Promise<number> {
    let deleted = 0;
    for (const p of partitions) {
      deleted += await this.redis.del(
        ...allShardKeys(shardKeys(this.prefix, this.topology, p, generation)),
      );
    }
    return deleted;
  }
}
