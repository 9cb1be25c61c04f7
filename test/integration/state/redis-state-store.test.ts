import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import type { BatchResult, DerivedRecord, OrderState } from '../../../src/pipeline/types.js';
import {
  connectRedis,
  createRedis,
  RedisStateStore,
  ScriptRunner,
  shardKeys,
} from '../../../src/state/index.js';
import { testConnection, uniqueName } from '../../helpers/env.js';

function order(orderId: string, status: OrderState['status'], paidCents = 0): OrderState {
  return {
    orderId,
    customerId: 'c-1',
    status,
    currency: 'USD',
    totalCents: 1000,
    paidCents,
    appliedEvents: 1,
    updatedAt: 1764300000000,
    eventIds: [`${orderId}-e1`],
  };
}

function batch(
  partition: number,
  first: number,
  last: number,
  extra: Partial<BatchResult> = {},
): BatchResult {
  const dlt: DerivedRecord = {
    topic: 'dlt',
    key: Buffer.from([0xff, 0x00]),
    value: Buffer.from([0xc3, 0x28]),
    headers: { 'sf-error-class': 'invalid-utf8' },
    id: `in/${partition}/${last}/0`,
  };
  return {
    partition,
    firstOffset: first,
    lastOffset: last,
    states: new Map([['o-1', order('o-1', 'paid', 1000)]]),
    totalsDelta: new Map([['USD', 1000]]),
    outputs: [dlt],
    counts: { records: last - first + 1, applied: 1, duplicates: 0, anomalies: 0, deadLettered: 1 },
    ...extra,
  };
}

describe('RedisStateStore against a real Redis', () => {
  let redis: Redis;
  let other: Redis;
  let prefix: string;
  let store: RedisStateStore;
  let rival: RedisStateStore;

  beforeEach(async () => {
    prefix = uniqueName('store');
    redis = await connectRedis(createRedis(testConnection()));
    other = await connectRedis(createRedis(testConnection()));
    store = new RedisStateStore({ redis, scripts: new ScriptRunner(), prefix, topology: 'orders' });
    rival = new RedisStateStore({
      redis: other,
      scripts: new ScriptRunner(),
      prefix,
      topology: 'orders',
    });
  });

  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await store.close();
    await rival.close();
  });

  it('commits a batch atomically: states, totals, outbox entry and applied offset', async () => {
    const lease = await store.acquire(2);
    expect(lease).toMatchObject({ partition: 2, token: '1', applied: -1 });
    const outcome = await store.commit(lease, batch(2, 0, 9));
    expect(outcome).toMatchObject({ status: 'committed', applied: 9 });
    const entry = outcome.status === 'committed' ? outcome.outboxEntry : undefined;
    expect(entry).toMatch(/^\d+-\d+$/);
    expect(lease.applied).toBe(9);
    expect(lease.totals.get('USD')).toBe(1000);

    const keys = shardKeys(prefix, 'orders', 2);
    expect(await redis.get(keys.applied)).toBe('9');
    expect(await redis.hget(keys.totals, 'USD')).toBe('1000');
    const states = await store.loadStates(2, ['o-1', 'o-missing']);
    expect([...states.keys()]).toEqual(['o-1']);
    expect(states.get('o-1')?.status).toBe('paid');

    const pending = await store.pendingOutbox(2, 10);
    expect(pending.map((e) => e.id)).toEqual([entry]);
    const [record] = pending[0]!.records;
    expect(Buffer.isBuffer(record?.key) && record.key.equals(Buffer.from([0xff, 0x00]))).toBe(true);
    expect(Buffer.isBuffer(record?.value) && record.value.equals(Buffer.from([0xc3, 0x28]))).toBe(
      true,
    );
    await store.ackOutbox(2, [pending[0]!.id]);
    expect(await store.pendingOutbox(2, 10)).toEqual([]);
  });

  it('fences a stale owner: its commit is rejected and writes nothing', async () => {
    const stale = await store.acquire(0);
    const owner = await rival.acquire(0);
    expect(Number(owner.token)).toBeGreaterThan(Number(stale.token));

    expect(await store.commit(stale, batch(0, 0, 4))).toEqual({ status: 'fenced' });
    const keys = shardKeys(prefix, 'orders', 0);
    expect(await redis.exists(keys.applied, keys.states, keys.totals, keys.outbox)).toBe(0);
    expect(stale.applied).toBe(-1);

    expect(await rival.commit(owner, batch(0, 0, 4))).toMatchObject({
      status: 'committed',
      applied: 4,
    });
  });

  it('rejects a commit whose expected offset is not Redis’s (a resent commit applies once)', async () => {
    const lease = await store.acquire(1);
    const first = batch(1, 0, 4);
    expect((await store.commit(lease, first)).status).toBe('committed');

    // The same commit resent (as ioredis does after a reconnect) finds applied already moved.
    const resent = { ...lease, applied: -1, totals: new Map<string, number>() };
    expect(await store.commit(resent, first)).toEqual({ status: 'stale', applied: 4 });
    const keys = shardKeys(prefix, 'orders', 1);
    expect(await redis.hget(keys.totals, 'USD')).toBe('1000');
    expect(await redis.xlen(keys.outbox)).toBe(1);
  });

  it('acquire reads where the shard stands and registers the partition', async () => {
    const lease = await store.acquire(3);
    await store.commit(
      lease,
      batch(3, 0, 41, {
        totalsDelta: new Map([
          ['EUR', -250],
          ['USD', 700],
        ]),
      }),
    );
    const again = await rival.acquire(3);
    expect(again.applied).toBe(41);
    expect(Object.fromEntries(again.totals)).toEqual({ EUR: -250, USD: 700 });
    expect(await redis.smembers(`${prefix}:orders:partitions`)).toEqual(['3']);
  });

  it('writes batches larger than one HSET chunk', async () => {
    const lease = await store.acquire(4);
    const states = new Map<string, OrderState>();
    for (let i = 0; i < 1234; i++) states.set(`o-${i}`, order(`o-${i}`, 'placed'));
    await store.commit(lease, batch(4, 0, 1233, { states, outputs: [], totalsDelta: new Map() }));
    expect(await redis.hlen(shardKeys(prefix, 'orders', 4).states)).toBe(1234);
    expect(await redis.xlen(shardKeys(prefix, 'orders', 4).outbox)).toBe(0);
  });
});
