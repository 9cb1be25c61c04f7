import { describe, expect, it } from 'vitest';
import type { Aggregate, Program } from '../../../../src/pipeline/program/index.js';
import {
  groupKeyOfFilter,
  groupValuesOf,
  queryAggregate,
  queryAggregateWindows,
  queryGroup,
  queryState,
  queryTotals,
  queryTotalsWindows,
  totalsMetric,
  type QueriedTopology,
} from '../../../../src/query/program/index.js';
import {
  customersProgram,
  customerValueAggregate,
  ordersProgram,
  revenueAggregate,
} from '../../pipeline/program/orders-program.js';
import { MemoryProgramReader } from './memory-reader.js';

const orders: QueriedTopology = { name: 'orders', program: ordersProgram };
const customers: QueriedTopology = { name: 'customers', program: customersProgram };

const stored =
  '{"orderId":"o-1","customerId":"c-1","status":"paid","currency":"USD","totalCents":9998,' +
  '"paidCents":9998,"appliedEvents":2,"updatedAt":1764300000000,"eventIds":["e1","e2"]}';

/** An aggregate of every other metric kind, grouped by an event path and an integer field. */
const stats: Aggregate = {
  name: 'stats',
  groupBy: [
    { name: 'region', ref: { kind: 'event', path: ['data', 'region'] } },
    { name: 'totalCents', ref: { kind: 'state', field: 'totalCents' } },
  ],
  metrics: [
    { name: 'latest', kind: 'last', of: { kind: 'state', field: 'status' } },
    { name: 'customers', kind: 'distinct', of: { kind: 'state', field: 'customerId' } },
    { name: 'smallest', kind: 'min', of: { kind: 'state', field: 'paidCents' } },
  ],
};
const statsTopology: QueriedTopology = {
  name: 'stats',
  program: { ...ordersProgram, aggregates: [stats] } satisfies Program,
};

function revenueShards(): MemoryProgramReader {
  return new MemoryProgramReader()
    .setPartial(0, 'revenue', 'USD', { cents: 100 })
    .setPartial(0, 'revenue', 'EUR', { cents: 0 })
    .setPartial(1, 'revenue', 'USD', { cents: 50 })
    .setPartial(1, 'revenue', 'GBP', { cents: 7 })
    .setPartial(2, 'other', 'USD', { cents: 1 });
}

function windowShards(): MemoryProgramReader {
  return new MemoryProgramReader()
    .setClosed(0, {
      aggregate: 'revenue',
      size: '1m',
      sizeMs: 60_000,
      start: 0,
      end: 60_000,
      groups: { EUR: { cents: 0 }, USD: { cents: 5 } },
      closedBy: 'watermark',
    })
    .setOpen(1, 'revenue', '1m', 0, { USD: { cents: 7 } })
    .setOpen(0, 'revenue', '1m', 60_000, { USD: { cents: 1 } })
    .setOpen(0, 'revenue', '1m', 180_000, { USD: { cents: 9 } })
    .setOpen(1, 'revenue', '1h', 0, { USD: { cents: 7 } })
    .setClosed(1, {
      aggregate: 'revenue',
      size: '1m',
      sizeMs: 60_000,
      start: 120_000,
      end: 180_000,
      groups: { USD: { cents: 3 } },
      closedBy: 'idle',
    });
}

describe('queryState', () => {
  it('gives the stored state without eventIds, in the stored order', async () => {
    const reader = new MemoryProgramReader();
    reader.shard(0);
    reader.shard(2).states.set('o-1', stored);
    const result = await queryState(reader, orders, 'o-1');
    expect(result.kind).toBe('found');
    if (result.kind !== 'found') return;
    expect(result.partition).toBe(2);
    expect(JSON.stringify(result.state)).toBe(
      '{"orderId":"o-1","customerId":"c-1","status":"paid","currency":"USD","totalCents":9998,' +
        '"paidCents":9998,"appliedEvents":2,"updatedAt":1764300000000}',
    );
  });

  it('says not-found for a key no shard holds', async () => {
    const reader = new MemoryProgramReader();
    reader.shard(0).states.set('o-1', stored);
    expect(await queryState(reader, orders, 'o-2')).toEqual({ kind: 'not-found' });
  });

  it('refuses a stored value of another shape with SF_REDIS_SCRIPT', async () => {
    const reader = new MemoryProgramReader();
    reader.shard(0).states.set('o-1', '{"orderId":"o-1"}');
    await expect(queryState(reader, orders, 'o-1')).rejects.toMatchObject({
      code: 'SF_REDIS_SCRIPT',
      message: 'state of o-1: stored state lacks orderId, status or its bookkeeping',
    });
  });
});

describe('queryAggregate', () => {
  it('merges every shard and shows each partition, groups ascending', async () => {
    expect(await queryAggregate(revenueShards(), orders, 'revenue')).toEqual({
      aggregate: 'revenue',
      groups: [
        { currency: 'EUR', cents: 0 },
        { currency: 'GBP', cents: 7 },
        { currency: 'USD', cents: 150 },
      ],
      partitions: {
        '0': [
          { currency: 'EUR', cents: 0 },
          { currency: 'USD', cents: 100 },
        ],
        '1': [
          { currency: 'GBP', cents: 7 },
          { currency: 'USD', cents: 50 },
        ],
        '2': [],
      },
    });
  });

  it('gives one group for a filter by field or by key, none for a group no shard holds', async () => {
    const one = {
      aggregate: 'revenue',
      groups: [{ currency: 'USD', cents: 150 }],
      partitions: {
        '0': [{ currency: 'USD', cents: 100 }],
        '1': [{ currency: 'USD', cents: 50 }],
        '2': [],
      },
    };
    expect(await queryAggregate(revenueShards(), orders, 'revenue', ['currency=USD'])).toEqual(one);
    expect(await queryAggregate(revenueShards(), orders, 'revenue', ['USD'])).toEqual(one);
    expect(await queryAggregate(revenueShards(), orders, 'revenue', ['JPY'])).toEqual({
      aggregate: 'revenue',
      groups: [],
      partitions: { '0': [], '1': [], '2': [] },
    });
  });

  it('shows last as its value (a tie to the higher partition), distinct as a count', async () => {
    const key = JSON.stringify(['eu', '9998']);
    const reader = new MemoryProgramReader()
      .setPartial(0, 'stats', key, {
        latest: { value: 'paid', time: 5 },
        customers: ['"c-1"', '"c-2"'],
        smallest: 40,
      })
      .setPartial(1, 'stats', key, {
        latest: { value: 'shipped', time: 5 },
        customers: ['"c-2"', '"c-3"'],
        smallest: null,
      })
      .setPartial(2, 'stats', key, {
        latest: { value: 'cancelled', time: 4 },
        customers: [],
        smallest: 30,
      });
    const result = await queryAggregate(reader, statsTopology, 'stats', [
      'totalCents=9998',
      'region=eu',
    ]);
    expect(JSON.stringify(result.groups)).toBe(
      '[{"region":"eu","totalCents":9998,"latest":"shipped","customers":3,"smallest":30}]',
    );
  });

  it('refuses an aggregate the topology does not have', async () => {
    await expect(queryAggregate(revenueShards(), orders, 'nope')).rejects.toMatchObject({
      code: 'SF_QUERY_INVALID',
      message: 'topology orders has no aggregate nope: it has revenue',
    });
  });
});

describe('group filters and keys', () => {
  it('build the key the fold stores, in groupBy order', () => {
    expect(groupKeyOfFilter(stats, ['totalCents=5', 'region=a=b'])).toBe('["a=b","5"]');
    expect(groupKeyOfFilter(stats, ['["a","5"]'])).toBe('["a","5"]');
    expect(groupKeyOfFilter(revenueAggregate, ['currency=USD'])).toBe('USD');
    expect(groupKeyOfFilter(revenueAggregate, ['x=y'])).toBe('x=y');
  });

  it('refuse a filter that names a group only in part, or a field twice', () => {
    expect(() => groupKeyOfFilter(stats, ['region=eu'])).toThrow('group of stats lacks totalCents');
    expect(() => groupKeyOfFilter(stats, ['region=eu', 'region=us'])).toThrow(
      'group field region given twice',
    );
    expect(() => groupKeyOfFilter(stats, ['region=eu', 'size=1'])).toThrow(
      'group size=1: expected <field>=<value> with a field of region, totalCents',
    );
  });

  it('read back typed values: a string field as text, an integer as a number', () => {
    const shape = ordersProgram.state;
    expect(groupValuesOf(stats, shape, '["12","9998"]')).toEqual([12, 9998]);
    expect(groupValuesOf(stats, shape, '["eu","null"]')).toEqual(['eu', null]);
    expect(groupValuesOf(revenueAggregate, shape, '123')).toEqual(['123']);
  });
});

describe('the totals view', () => {
  it("is today's revenue answer: sums per group value, zero subtotals left out", async () => {
    expect(JSON.stringify(await queryTotals(revenueShards(), orders, 'revenue'))).toBe(
      '{"totals":{"GBP":7,"USD":150},"partitions":{"0":{"USD":100},"1":{"GBP":7,"USD":50},"2":{}}}',
    );
  });

  it('fits one group field and one count or sum only', async () => {
    expect(totalsMetric(revenueAggregate)?.name).toBe('cents');
    expect(totalsMetric(customerValueAggregate)).toBeUndefined();
    await expect(queryTotals(revenueShards(), customers, 'customer-value')).rejects.toThrow(
      'aggregate customer-value has no totals view: it needs one group field and one count or sum',
    );
  });

  it("is today's windows answer: open and closed parts, zeros kept, final once all closed", async () => {
    const view = await queryTotalsWindows(
      windowShards(),
      orders,
      'revenue',
      '60s',
      30_000,
      180_000,
    );
    expect(JSON.stringify(view)).toBe(
      JSON.stringify({
        size: '1m',
        from: 30_000,
        to: 180_000,
        windows: [
          {
            start: 0,
            end: 60_000,
            totals: { EUR: 0, USD: 12 },
            final: false,
            partitions: {
              '0': { totals: { EUR: 0, USD: 5 }, state: 'watermark' },
              '1': { totals: { USD: 7 }, state: 'open' },
            },
          },
          {
            start: 60_000,
            end: 120_000,
            totals: { USD: 1 },
            final: false,
            partitions: { '0': { totals: { USD: 1 }, state: 'open' } },
          },
          {
            start: 120_000,
            end: 180_000,
            totals: { USD: 3 },
            final: true,
            partitions: { '1': { totals: { USD: 3 }, state: 'idle' } },
          },
        ],
      }),
    );
  });

  it('refuses a size the aggregate lacks and a range the wrong way round', async () => {
    await expect(queryTotalsWindows(windowShards(), orders, 'revenue', '2m', 0, 1)).rejects.toThrow(
      'no windows of size 2m: the aggregate has 1m, 1h',
    );
    await expect(queryTotalsWindows(windowShards(), orders, 'revenue', null, 0, 1)).rejects.toThrow(
      'size is required: one of 1m, 1h',
    );
    await expect(queryTotalsWindows(windowShards(), orders, 'revenue', '1m', 5, 5)).rejects.toThrow(
      'from must be before to',
    );
  });
});

describe('queryAggregateWindows', () => {
  it('shows each window per group, merged and per partition', async () => {
    const result = await queryAggregateWindows(windowShards(), orders, 'revenue', '1m', 0, 60_000);
    expect(result).toEqual({
      aggregate: 'revenue',
      size: '1m',
      from: 0,
      to: 60_000,
      windows: [
        {
          start: 0,
          end: 60_000,
          groups: [
            { currency: 'EUR', cents: 0 },
            { currency: 'USD', cents: 12 },
          ],
          final: false,
          partitions: {
            '0': {
              groups: [
                { currency: 'EUR', cents: 0 },
                { currency: 'USD', cents: 5 },
              ],
              state: 'watermark',
            },
            '1': { groups: [{ currency: 'USD', cents: 7 }], state: 'open' },
          },
        },
      ],
    });
  });

  it('keeps one group, leaving out windows and partitions without it', async () => {
    const result = await queryAggregateWindows(
      windowShards(),
      orders,
      'revenue',
      '1m',
      0,
      180_000,
      ['currency=EUR'],
    );
    expect(result.windows).toEqual([
      {
        start: 0,
        end: 60_000,
        groups: [{ currency: 'EUR', cents: 0 }],
        final: true,
        partitions: { '0': { groups: [{ currency: 'EUR', cents: 0 }], state: 'watermark' } },
      },
    ]);
  });

  it('refuses an aggregate without windows', async () => {
    await expect(
      queryAggregateWindows(windowShards(), customers, 'customer-value', '1m', 0, 1),
    ).rejects.toThrow('aggregate customer-value has no windows');
  });
});

describe('the group view', () => {
  it("is today's customer answer: merged over partitions, currencies sorted", async () => {
    const reader = new MemoryProgramReader()
      .setPartial(0, 'customer-value', 'c-1', {
        orders: 1,
        paid: 1,
        shipped: 0,
        cancelled: 0,
        lifetimeValueCents: { USD: 100 },
      })
      .setPartial(2, 'customer-value', 'c-1', {
        orders: 2,
        paid: 1,
        shipped: 1,
        cancelled: 1,
        lifetimeValueCents: { USD: 0, EUR: 50 },
      })
      .setPartial(3, 'customer-value', 'c-2', {
        orders: 1,
        paid: 0,
        shipped: 0,
        cancelled: 0,
        lifetimeValueCents: {},
      });
    const found = await queryGroup(reader, customers, 'customer-value', ['c-1']);
    expect(found.kind).toBe('found');
    if (found.kind !== 'found') return;
    expect(JSON.stringify(found.view)).toBe(
      '{"customerId":"c-1","orders":3,"paid":2,"shipped":1,"cancelled":1,' +
        '"lifetimeValueCents":{"EUR":50,"USD":100},"partitions":[0,2]}',
    );
    expect(await queryGroup(reader, customers, 'customer-value', ['customerId=c-9'])).toEqual({
      kind: 'not-found',
    });
  });
});
