import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RedisConnection } from '../../src/state/index.js';
import {
  COMMIT_HASHES,
  createRedis,
  deleteMatching,
  masters,
  scanKeys,
  ScriptCodes,
  ScriptRunner,
  shardKeys,
  type ScriptArg,
  type ShardKeys,
} from '../../src/state/index.js';
import { testConnection, uniqueName } from '../helpers/env.js';

describe('Redis round trip through a Lua script file', () => {
  let redis: RedisConnection;
  let prefix: string;
  const scripts = new ScriptRunner();

  beforeEach(async () => {
    redis = createRedis(testConnection(), { connectionName: 'streamfold-test' });
    await redis.connect();
    scripts.register(redis);
    prefix = uniqueName('test');
  });

  afterEach(async () => {
    await deleteMatching(redis, `${prefix}:*`);
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
    // Every master forgets the script (in a cluster the shard may live on any of them).
    for (const node of masters(redis)) await node.script('FLUSH');
    expect(await scripts.run(redis, 'fence', [keys.epoch, keys.applied], [])).toEqual([2, -1]);
  });

  it('rejects a wrong key count before touching Redis', () => {
    expect(() => scripts.run(redis, 'fence', ['only-one'], [])).toThrow(/takes 2 keys, got 1/);
  });

  describe('commit-batch', () => {
    const commitKeys = (keys: ShardKeys): string[] => [
      keys.epoch,
      keys.applied,
      keys.outbox,
      ...COMMIT_HASHES.map((hash) => keys[hash]),
    ];
    const commit = (keys: ShardKeys, head: ScriptArg[], ops: ScriptArg[][], outbox = '') =>
      scripts.run(redis, 'commit-batch', commitKeys(keys), [
        ...head,
        ops.length,
        ...ops.flat(),
        outbox,
      ]);
    /** Every hash of the shard, as Redis holds it. */
    const hashes = async (keys: ShardKeys) =>
      Object.fromEntries(
        await Promise.all(COMMIT_HASHES.map(async (h) => [h, await redis.hgetall(keys[h])])),
      ) as Record<(typeof COMMIT_HASHES)[number], Record<string, string>>;

    it('applies H, I and D operations in order, sets applied and appends the outbox entry', async () => {
      const keys = shardKeys(prefix, 'orders', 1);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
      await redis.hset(keys.totals, 'USD', '100');
      await redis.hset(keys.windowsOpen, '1m|0|USD', '50', '1m|60000|USD', '5');
      await redis.hset(keys.unpark, 'o-9', '1', 'o-8', '2');

      const reply = (await commit(
        keys,
        ['1', '-1', '5'],
        [
          ['H', 4, 2, 'o-1', '{"a":1}', 'o-2', '{"b":2}'],
          ['I', 5, 2, 'USD', 25, 'EUR', -5],
          ['I', 7, 2, '1m|0|USD', 7, '1m|60000|USD', 1],
          ['D', 7, 1, '1m|0|USD'],
          ['H', 8, 1, '1m|0', '{"totals":{"USD":57}}'],
          ['H', 9, 2, 'watermark', 61_000, 'frontier|1m', 60_000],
          ['D', 11, 1, 'o-9'],
        ],
        'records',
      )) as [number, string, string];

      expect(reply.slice(0, 2)).toEqual([ScriptCodes.committed, '5']);
      expect(reply[2]).toMatch(/^\d+-\d+$/);
      expect(await redis.get(keys.applied)).toBe('5');
      expect(await hashes(keys)).toEqual({
        states: { 'o-1': '{"a":1}', 'o-2': '{"b":2}' },
        totals: { USD: '125', EUR: '-5' },
        aggregates: {},
        windowsOpen: { '1m|60000|USD': '6' },
        windowsClosed: { '1m|0': '{"totals":{"USD":57}}' },
        clock: { watermark: '61000', 'frontier|1m': '60000' },
        parked: {},
        unpark: { 'o-8': '2' },
      });
      expect(await redis.xrange(keys.outbox, '-', '+')).toEqual([
        [reply[2], ['last', '5', 'records', 'records']],
      ]);
    });

    it('writes more fields than one chunk per operation', async () => {
      const keys = shardKeys(prefix, 'orders', 2);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
      const fields = Array.from({ length: 901 }, (_, i) => `k-${i}`);
      await commit(keys, ['1', '-1', '0'], [['H', 6, 901, ...fields.flatMap((f) => [f, f])]]);
      expect(await redis.hlen(keys.aggregates)).toBe(901);
      await commit(keys, ['1', '0', '1'], [['D', 6, 900, ...fields.slice(1)]]);
      expect(await redis.hgetall(keys.aggregates)).toEqual({ 'k-0': 'k-0' });
    });

    it('a batch that only closes windows or unparks keeps applied where it is', async () => {
      const keys = shardKeys(prefix, 'orders', 3);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
      await redis.set(keys.applied, '9');
      await redis.hset(keys.unpark, 'o-1', '1');
      expect(await commit(keys, ['1', '9', '9'], [['D', 11, 1, 'o-1']])).toEqual([
        ScriptCodes.committed,
        '9',
        '',
      ]);
      expect(await redis.get(keys.applied)).toBe('9');
      expect(await redis.exists(keys.unpark, keys.outbox)).toBe(0);
    });

    it('with a wrong token is fenced and writes nothing', async () => {
      const keys = shardKeys(prefix, 'orders', 4);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);

      const reply = await commit(
        keys,
        ['1', '-1', '5'],
        [
          ['H', 4, 1, 'o-1', '{}'],
          ['I', 5, 1, 'USD', 10],
        ],
        'records',
      );

      expect(reply).toEqual([ScriptCodes.fenced, '2']);
      expect(await scanKeys(redis, `${keys.tag}:*`)).toEqual([keys.epoch]);
    });

    it('with a moved applied offset is stale and writes nothing', async () => {
      const keys = shardKeys(prefix, 'orders', 5);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
      await redis.set(keys.applied, '5');

      expect(await commit(keys, ['1', '-1', '5'], [['H', 4, 1, 'o-1', '{}']], 'x')).toEqual([
        ScriptCodes.stale,
        '5',
      ]);
      expect((await scanKeys(redis, `${keys.tag}:*`)).sort()).toEqual(
        [keys.applied, keys.epoch].sort(),
      );
    });

    it('refuses an unknown operation', async () => {
      const keys = shardKeys(prefix, 'orders', 6);
      await scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
      await expect(commit(keys, ['1', '-1', '0'], [['X', 4, 0]])).rejects.toThrow(
        /unknown operation X/,
      );
      expect(await redis.exists(keys.applied)).toBe(0);
    });
  });

  describe('retiring and restoring a shard', () => {
    const fence = (keys: ShardKeys) => scripts.run(redis, 'fence', [keys.epoch, keys.applied], []);
    const retire = (keys: ShardKeys) =>
      scripts.run(redis, 'retire-shard', [keys.epoch, keys.applied], []);
    const restore = (keys: ShardKeys) => scripts.run(redis, 'restore-shard', [keys.epoch], []);
    const commitKeys = (keys: ShardKeys) => [
      keys.epoch,
      keys.applied,
      keys.outbox,
      ...COMMIT_HASHES.map((hash) => keys[hash]),
    ];

    it('retire returns the previous epoch and where the shard stands', async () => {
      const keys = shardKeys(prefix, 'orders', 0);
      await fence(keys);
      await fence(keys);
      await redis.set(keys.applied, '7');

      expect(await retire(keys)).toEqual(['2', '7']);
      expect(await redis.get(keys.epoch)).toBe('retired:2');
      expect(await redis.get(keys.applied)).toBe('7');
    });

    it('a retired shard cannot be fenced (-3) nor committed to by its last owner', async () => {
      const keys = shardKeys(prefix, 'orders', 1);
      await fence(keys);
      await fence(keys);
      await redis.set(keys.applied, '7');
      await retire(keys);

      expect(await fence(keys)).toEqual([ScriptCodes.retired, 'retired']);
      expect(await redis.get(keys.epoch)).toBe('retired:2');
      const committed = await scripts.run(redis, 'commit-batch', commitKeys(keys), [
        '2',
        '7',
        '8',
        1,
        'H',
        4,
        1,
        'o-1',
        '{}',
        'records',
      ]);
      expect(committed).toEqual([ScriptCodes.fenced, 'retired:2']);
      expect(await redis.exists(keys.states, keys.outbox)).toBe(0);
      expect(await redis.get(keys.applied)).toBe('7');
    });

    it('retires a shard that was never owned', async () => {
      const keys = shardKeys(prefix, 'orders', 2);
      expect(await retire(keys)).toEqual(['0', '-1']);
      expect(await restore(keys)).toBe(1);
      expect(await fence(keys)).toEqual([2, -1]);
    });

    it('restore makes the shard ownable again, with an epoch above every older token', async () => {
      const keys = shardKeys(prefix, 'orders', 3);
      await fence(keys);
      await fence(keys);
      await fence(keys);
      await redis.set(keys.applied, '4');
      const [previous] = (await retire(keys)) as [string, string];
      expect(previous).toBe('3');

      expect(await restore(keys)).toBe(4);
      // The old owner's commit (token 3) is fenced; the next owner gets an epoch above it.
      expect(
        await scripts.run(redis, 'commit-batch', commitKeys(keys), ['3', '4', '5', 0, '']),
      ).toEqual([ScriptCodes.fenced, '4']);
      expect(await fence(keys)).toEqual([5, 4]);
    });

    it('restore leaves a shard that is not retired alone', async () => {
      const keys = shardKeys(prefix, 'orders', 4);
      await fence(keys);
      expect(await restore(keys)).toBe(ScriptCodes.notRetired);
      expect(await redis.get(keys.epoch)).toBe('1');
    });

    it('restore after a repeated retire still puts the epoch above older tokens', async () => {
      const keys = shardKeys(prefix, 'orders', 5);
      for (let i = 0; i < 3; i++) await fence(keys);
      await retire(keys);
      // A retried retire (its reply lost) returns the same previous epoch and changes nothing.
      expect(await retire(keys)).toEqual(['3', '-1']);
      expect(await restore(keys)).toBe(4);
      expect(await fence(keys)).toEqual([5, -1]);
    });
  });
});
