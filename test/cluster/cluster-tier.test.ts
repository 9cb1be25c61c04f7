import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRedis,
  createRedis,
  masters,
  shardKeys,
  topologyKeys,
  type RedisConnection,
} from '../../src/state/index.js';
import { testConnection } from '../helpers/env.js';

/**
 * The e2e-cluster tier runs the correctness files against a Redis Cluster: this file proves it
 * really does (not a single Redis by mistake) and that the shards spread over the masters.
 */
describe('the Redis the cluster tier talks to', () => {
  let redis: RedisConnection;

  beforeAll(async () => {
    redis = await connectRedis(
      createRedis(testConnection(), { connectionName: 'streamfold-test' }),
    );
  });

  afterAll(async () => {
    await redis.quit();
  });

  it('is a Redis Cluster of at least 3 masters, every slot served', async () => {
    expect(redis).toBeInstanceOf(Cluster);
    expect(masters(redis).length).toBeGreaterThanOrEqual(3);
    const info = await masters(redis)[0]!.cluster('INFO');
    expect(info).toMatch(/cluster_state:ok/);
    expect(info).toMatch(/cluster_slots_assigned:16384/);
  });

  it('keeps each shard in one slot, with the shards of a topology on several masters', async () => {
    const nodesOf = new Set<string>();
    for (let p = 0; p < 6; p++) {
      const keys = shardKeys('sf', 'orders', p);
      const slots = await Promise.all(
        [keys.epoch, keys.applied, keys.outbox, keys.states, keys.totals].map((k) =>
          redis.cluster('KEYSLOT', k),
        ),
      );
      expect(new Set(slots).size).toBe(1);
      const owner = (redis as Cluster).slots[slots[0]!]?.[0];
      expect(owner).toBeDefined();
      nodesOf.add(owner!);
    }
    expect(nodesOf.size).toBeGreaterThan(1);
    // The generation pointer and the partition set are outside every shard's slot.
    const pointer = await redis.cluster('KEYSLOT', topologyKeys('sf', 'orders').generation);
    const shard0 = await redis.cluster('KEYSLOT', shardKeys('sf', 'orders', 0).epoch);
    expect(pointer).not.toBe(shard0);
  });
});
