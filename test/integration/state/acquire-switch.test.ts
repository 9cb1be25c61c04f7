import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import {
  connectRedis,
  createRedis,
  deleteMatching,
  RedisStateStore,
  ScriptRunner,
  shardKeys,
  topologyKeys,
  type RedisConnection,
} from '../../../src/state/index.js';
import { testConnection, uniqueName } from '../../helpers/env.js';

/**
 * The generation pointer is read apart from the fence script (another hash slot, in a cluster
 * another node). A rebuild that switches it between the two must not leave the owner with a
 * lease on the old generation's shard, which the rebuild drops right after the switch.
 */
describe('acquire while a rebuild switches the generation pointer', () => {
  let redis: RedisConnection;
  let prefix: string;
  let store: RedisStateStore;

  beforeEach(async () => {
    prefix = uniqueName('switch');
    redis = await connectRedis(createRedis(testConnection()));
    store = new RedisStateStore({ redis, scripts: new ScriptRunner(), prefix, topology: 'orders' });
  });

  afterEach(async () => {
    await deleteMatching(redis, `${prefix}:*`);
    await store.close();
  });

  it('fails with a retriable SHARD_RETIRED, and the retry owns the new generation', async () => {
    const pointer = topologyKeys(prefix, 'orders').generation;
    // The switch lands right after the owner's first read of the pointer: the fence then goes
    // to generation 0's shard, as if the rebuild had retired, switched and dropped it meanwhile.
    const get = redis.get.bind(redis);
    let switched = false;
    redis.get = async (key: string) => {
      const value = await get(key);
      if (key === pointer && !switched) {
        switched = true;
        await redis.set(pointer, '1');
      }
      return value;
    };

    await expect(store.acquire(3)).rejects.toMatchObject({
      code: ErrorCodes.SHARD_RETIRED,
      retriable: true,
    });
    const lease = await store.acquire(3);
    expect(lease).toMatchObject({ partition: 3, generation: 1, token: '1', applied: -1 });
    expect(await redis.get(shardKeys(prefix, 'orders', 3, 1).epoch)).toBe('1');
  });

  it('an unchanged pointer acquires at once', async () => {
    await redis.set(topologyKeys(prefix, 'orders').generation, '2');
    expect(await store.acquire(0)).toMatchObject({ generation: 2, token: '1' });
  });
});
