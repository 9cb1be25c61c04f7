import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/errors.js';
import {
  unparkBatch,
  type BatchResult,
  type DerivedRecord,
  type FoldContext,
  type OrderEvent,
  type OrderState,
  type ParkedEntry,
} from '../../../src/pipeline/index.js';
import {
  connectRedis,
  createRedis,
  deleteMatching,
  RedisStateStore,
  type RedisConnection,
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
    aggregates: new Map(),
    parked: { next: new Map(), changed: new Map(), removed: [] },
    unparked: [],
    outputs: [dlt],
    counts: {
      records: last - first + 1,
      applied: 1,
      duplicates: 0,
      anomalies: 0,
      deadLettered: 1,
      held: 0,
      late: 0,
    },
    ...extra,
  };
}

describe('RedisStateStore against a real Redis', () => {
  let redis: RedisConnection;
  let other: RedisConnection;
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
    await deleteMatching(redis, `${prefix}:*`);
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

  it('acquire of a fresh shard: generation 0, no windows, nothing parked', async () => {
    const lease = await store.acquire(5);
    expect(lease).toMatchObject({ partition: 5, generation: 0, applied: -1 });
    expect(lease.windows).toEqual({ watermark: null, frontiers: new Map(), open: new Map() });
    expect(lease.parked).toEqual(new Map());
  });

  it('commits windows, aggregates and parked keys; the next owner reads them back', async () => {
    const H = Date.UTC(2025, 0, 1, 10, 0, 0);
    const entry: ParkedEntry = {
      key: 'o-7',
      eventId: 'e-7',
      offset: 3,
      reason: 'boom',
      parkedAt: 99,
      held: [],
    };
    const windows = {
      next: {
        watermark: H + 61_000,
        frontiers: new Map([['1m', H + 60_000]]),
        open: new Map([[`1m|${H + 60_000}`, new Map([['USD', 40]])]]),
      },
      increments: new Map([
        [`1m|${H}|USD`, 5],
        [`1m|${H + 60_000}|USD`, 40],
      ]),
      closed: [
        {
          partition: 6,
          size: '1m',
          sizeMs: 60_000,
          start: H,
          end: H + 60_000,
          totals: { USD: 5 },
          closedBy: 'watermark' as const,
        },
      ],
    };
    const lease = await store.acquire(6);
    const outcome = await store.commit(
      lease,
      batch(6, 0, 4, {
        aggregates: new Map([['customer-value|c-1', { orders: 1 }]]),
        windows,
        parked: {
          next: new Map([['o-7', entry]]),
          changed: new Map([['o-7', entry]]),
          removed: [],
        },
      }),
    );
    expect(outcome.status).toBe('committed');
    expect(lease.windows).toBe(windows.next);
    expect(lease.parked.get('o-7')).toEqual(entry);

    const keys = shardKeys(prefix, 'orders', 6);
    expect(await redis.hgetall(keys.windowsOpen)).toEqual({ [`1m|${H + 60_000}|USD`]: '40' });
    expect(JSON.parse((await redis.hget(keys.windowsClosed, `1m|${H}`)) ?? 'null')).toEqual(
      windows.closed[0],
    );

    const again = await rival.acquire(6);
    expect(again.windows).toEqual(windows.next);
    expect(again.parked).toEqual(new Map([['o-7', entry]]));
    expect(await rival.loadAggregates(6, ['customer-value|c-1', 'customer-value|c-2'])).toEqual(
      new Map([
        ['customer-value|c-1', '{"orders":1}'],
        ['customer-value|c-2', null],
      ]),
    );
    expect(await rival.loadAggregates(6, [])).toEqual(new Map());
  });

  it('lists unpark requests per partition, leaving out partitions without any', async () => {
    await redis.hset(shardKeys(prefix, 'orders', 1).unpark, 'o-1', '1', 'o-2', '2');
    await redis.hset(shardKeys(prefix, 'orders', 3).unpark, 'o-3', '3');
    const requests = await store.unparkRequests([1, 2, 3]);
    expect([...requests.keys()]).toEqual([1, 3]);
    expect(requests.get(1)?.sort()).toEqual(['o-1', 'o-2']);
    expect(requests.get(3)).toEqual(['o-3']);
  });

  it('acquire of a retired shard fails with a retriable SHARD_RETIRED error', async () => {
    await redis.set(shardKeys(prefix, 'orders', 7).epoch, 'retired:3');
    await expect(store.acquire(7)).rejects.toMatchObject({
      code: ErrorCodes.SHARD_RETIRED,
      retriable: true,
    });
    expect(await redis.get(shardKeys(prefix, 'orders', 7).epoch)).toBe('retired:3');
  });

  it('a key parked again during its unpark is still parked for the next owner', async () => {
    const placedEvent = {
      eventId: 'e-1',
      type: 'OrderPlaced',
      orderId: 'o-1',
      customerId: 'c-1',
      timestamp: 1,
      data: { items: [], totalCents: 10, currency: 'USD' },
    } as OrderEvent;
    const later: OrderEvent = { ...placedEvent, eventId: 'e-2', timestamp: 2 };
    const entry: ParkedEntry = {
      key: 'o-1',
      eventId: 'e-0',
      offset: 0,
      reason: 'boom',
      parkedAt: 1,
      held: [
        { offset: 1, recordTimestamp: 1, event: placedEvent },
        { offset: 2, recordTimestamp: 2, event: later },
      ],
    };
    const lease = await store.acquire(8);
    await store.commit(
      lease,
      batch(8, 0, 2, {
        parked: {
          next: new Map([['o-1', entry]]),
          changed: new Map([['o-1', entry]]),
          removed: [],
        },
      }),
    );
    const ctx: FoldContext = {
      sourceTopic: 'in',
      outputs: { deadLetter: 'dlt' },
      workerVersion: 't',
      now: 5,
      aggregators: [],
      beforeApply: (event) => {
        if (event.eventId === 'e-1') throw new Error('boom again');
      },
    };
    const unparked = unparkBatch(
      8,
      entry,
      'o-1',
      2,
      {
        states: new Map(),
        aggregates: new Map(),
        totals: new Map(),
        parked: lease.parked,
        poisoned: new Set([1]),
      },
      ctx,
    );
    expect(unparked.parked.next.get('o-1')?.held.map((h) => h.offset)).toEqual([2]);
    expect((await store.commit(lease, unparked)).status).toBe('committed');

    const next = await rival.acquire(8);
    expect(next.parked.get('o-1')?.held.map((h) => h.offset)).toEqual([2]);
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
