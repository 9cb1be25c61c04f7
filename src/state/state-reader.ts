import type { OrderState } from '../pipeline/types.js';
import { generationOf, shardKeys, topologyKeys, type ShardKeys } from './keys.js';
import type { RedisConnection } from './redis-client.js';

/**
 * Read-only views over one generation of a topology's shards, for queries, reconciliation and
 * rebuild. `StateReader.live` reads the generation pointer; a query that must not straddle a
 * rebuild's switch checks `liveGeneration()` again after reading.
 */
export class StateReader {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly topology: string,
    readonly generation = 0,
  ) {}

  /** A reader of the generation that is live now. */
  static async live(
    redis: RedisConnection,
    prefix: string,
    topology: string,
  ): Promise<StateReader> {
    const reader = new StateReader(redis, prefix, topology);
    return new StateReader(redis, prefix, topology, await reader.liveGeneration());
  }

  async liveGeneration(): Promise<number> {
    return generationOf(await this.redis.get(topologyKeys(this.prefix, this.topology).generation));
  }

  /** The same topology in another generation. */
  at(generation: number): StateReader {
    return new StateReader(this.redis, this.prefix, this.topology, generation);
  }

  /** Partitions that have ever been owned, ascending. */
  async partitions(): Promise<number[]> {
    const members = await this.redis.smembers(topologyKeys(this.prefix, this.topology).partitions);
    return members.map(Number).sort((a, b) => a - b);
  }

  shard(partition: number): ShardKeys {
    return shardKeys(this.prefix, this.topology, partition, this.generation);
  }

  /** One field of one hash in every given shard (null where absent). */
  async fieldPerShard(
    partitions: readonly number[],
    hash: 'aggregates' | 'windowsClosed' | 'parked',
    field: string,
  ): Promise<Map<number, string | null>> {
    const values = await Promise.all(
      partitions.map((p) => this.redis.hget(this.shard(p)[hash], field)),
    );
    return new Map(partitions.map((p, i) => [p, values[i] ?? null]));
  }

  /** Many fields of one hash in every given shard. */
  async fieldsPerShard(
    partitions: readonly number[],
    hash: 'windowsClosed',
    fields: readonly string[],
  ): Promise<Map<number, (string | null)[]>> {
    if (fields.length === 0) return new Map(partitions.map((p) => [p, []]));
    const values = await Promise.all(
      partitions.map((p) => this.redis.hmget(this.shard(p)[hash], ...fields)),
    );
    return new Map(partitions.map((p, i) => [p, values[i] ?? []]));
  }

  /** Asks the partition's owner to unpark a key (its next tick carries it out). */
  async requestUnpark(partition: number, key: string): Promise<void> {
    await this.redis.hset(this.shard(partition).unpark, key, String(Date.now()));
  }

  /** True while the request is not carried out. */
  async unparkPending(partition: number, key: string): Promise<boolean> {
    return (await this.redis.hexists(this.shard(partition).unpark, key)) === 1;
  }

  /** A whole hash of one shard, read with HSCAN so large shards do not block Redis. */
  async hash(
    partition: number,
    hash: 'states' | 'totals' | 'aggregates' | 'windowsOpen' | 'windowsClosed' | 'parked' | 'clock',
  ): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(
        this.shard(partition)[hash],
        cursor,
        'COUNT',
        1000,
      );
      for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]!] = flat[i + 1]!;
      cursor = next;
    } while (cursor !== '0');
    return out;
  }

  /** A whole hash of every given shard. */
  async hashPerShard(
    partitions: readonly number[],
    hash: 'windowsOpen' | 'windowsClosed' | 'parked' | 'clock',
  ): Promise<Map<number, Record<string, string>>> {
    const values = await Promise.all(
      partitions.map((p) => this.redis.hgetall(this.shard(p)[hash])),
    );
    return new Map(partitions.map((p, i) => [p, values[i] ?? {}]));
  }

  /** Last applied offset per partition (-1: nothing applied). */
  async applied(partitions: readonly number[]): Promise<Map<number, number>> {
    const values = await Promise.all(partitions.map((p) => this.redis.get(this.shard(p).applied)));
    return new Map(partitions.map((p, i) => [p, values[i] == null ? -1 : Number(values[i])]));
  }

  /** Revenue subtotal per partition and currency, integer cents. */
  async totals(partitions: readonly number[]): Promise<Map<number, Map<string, number>>> {
    const hashes = await Promise.all(
      partitions.map((p) => this.redis.hgetall(this.shard(p).totals)),
    );
    return new Map(
      partitions.map((p, i) => [
        p,
        new Map(Object.entries(hashes[i] ?? {}).map(([c, v]) => [c, Number(v)])),
      ]),
    );
  }

  /** One order, looked up in every shard (an order lives in exactly one). */
  async order(
    orderId: string,
    partitions: readonly number[],
  ): Promise<{ partition: number; state: OrderState } | undefined> {
    const values = await Promise.all(
      partitions.map((p) => this.redis.hget(this.shard(p).states, orderId)),
    );
    const at = values.findIndex((v) => v !== null);
    if (at < 0) return undefined;
    return { partition: partitions[at]!, state: JSON.parse(values[at]!) as OrderState };
  }

  /** Every state of one partition, streamed with HSCAN so large shards do not block Redis. */
  async *states(partition: number): AsyncGenerator<OrderState> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(
        this.shard(partition).states,
        cursor,
        'COUNT',
        1000,
      );
      for (let i = 1; i < flat.length; i += 2) yield JSON.parse(flat[i]!) as OrderState;
      cursor = next;
    } while (cursor !== '0');
  }

  /** Outbox entries not yet published, per partition. */
  async outboxDepth(partitions: readonly number[]): Promise<Map<number, number>> {
    const lengths = await Promise.all(partitions.map((p) => this.redis.xlen(this.shard(p).outbox)));
    return new Map(partitions.map((p, i) => [p, lengths[i] ?? 0]));
  }
}
