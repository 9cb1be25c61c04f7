import type { Redis } from 'ioredis';
import type { OrderState } from '../pipeline/types.js';
import { shardKeys, topologyKeys } from './keys.js';

/** Read-only views over a topology's shards, for queries and reconciliation. */
export class StateReader {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly topology: string,
  ) {}

  /** Partitions that have ever been owned, ascending. */
  async partitions(): Promise<number[]> {
    const members = await this.redis.smembers(topologyKeys(this.prefix, this.topology).partitions);
    return members.map(Number).sort((a, b) => a - b);
  }

  private shard(partition: number) {
    return shardKeys(this.prefix, this.topology, partition);
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
