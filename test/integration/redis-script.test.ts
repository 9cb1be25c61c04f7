import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { createRedis, ScriptRunner, shardKeys } from '../../src/state/index.js';
import { testConnection, uniqueName } from '../helpers/env.js';

describe('Redis round trip through a Lua script file', () => {
  let redis: Redis;
  let prefix: string;
  const scripts = new ScriptRunner();

  beforeEach(async () => {
    redis = createRedis(testConnection(), { connectionName: 'streamfold-test' });
    await redis.connect();
    scripts.register(redis);
    prefix = uniqueName('test');
  });

  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('fence bumps the owner epoch and returns the applied offset', async () => {
    const keys = shardKeys(prefix, 'orders', 3);
    const fence = () => scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);

    expect(await fence()).toEqual([1, -1]);
    await redis.set(keys.applied, '41');
    expect(await fence()).toEqual([2, 41]);
    expect(await redis.get(keys.epoch)).toBe('2');
  });

  it('runs from a pipeline and after the script cache is flushed', async () => {
    const keys = shardKeys(prefix, 'orders', 0);
    const results = await scripts
      .queue(redis.pipeline(), 'fence', [keys.epoch, keys.applied], [])
      .exec();
    expect(results).toEqual([[null, [1, -1]]]);
    await redis.script('FLUSH');
    expect(await scripts.run(redis, 'fence', [keys.epoch, keys.applied], [])).toEqual([2, -1]);
  });

  it('rejects a wrong key count before touching Redis', () => {
    expect(() => scripts.run(redis, 'fence', ['only-one'], [])).toThrow(/takes 2 keys, got 1/);
  });
});
