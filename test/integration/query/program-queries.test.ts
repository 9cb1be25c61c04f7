/**
 * The program queries over real shards: the same order events folded by the engine with the
 * orders and customers programs of topologies/ (program layout) and by today's built-in
 * lifecycle with topologies/orders.yaml and customers.yaml (order layout), both through the
 * commit script into a real Redis. The program's state, totals, windows and group views give
 * today's queries' JSON byte for byte, and equal what the independent interpreter computes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupPartial } from '../../../src/pipeline/program/index.js';
import { queryCustomer, queryOrder, queryRevenue, queryWindows } from '../../../src/query/index.js';
import {
  namedQueryRoutes,
  programQueryRoutes,
  queryAggregate,
  queryAggregateWindows,
  queryGroup,
  queryState,
  queryTotals,
  queryTotalsWindows,
} from '../../../src/query/program/index.js';
import { interpret, stateJson } from '../../../src/reconcile/interpreter/index.js';
import {
  connectRedis,
  createRedis,
  deleteMatching,
  idleCloses,
  ProgramReader,
  shardKeys,
  StateReader,
  type RedisConnection,
} from '../../../src/state/index.js';
import {
  loadLanguageTopology,
  loadTopology,
  type LanguageTopology,
} from '../../../src/topology/index.js';
import { queryRoutes } from '../../../src/worker/query-routes.js';
import type { Route, RouteResponse } from '../../../src/http/index.js';
import { testConnection, uniqueName } from '../../helpers/env.js';
import {
  atSecond as s,
  orderShardInput as input,
  programEvent,
  T,
  writeLegacyShards,
  writeProgramShards,
} from '../../helpers/order-shards.js';

describe('program queries over shards the engine wrote', () => {
  let redis: RedisConnection;
  const prefix = uniqueName('program-queries');
  const legacyPrefix = `${prefix}-legacy`;
  let ordersProgram: LanguageTopology;
  let customersProgram: LanguageTopology;

  /** What the interpreter computes for one program over the same events. */
  async function interpreted(topology: LanguageTopology) {
    const idle = new Map<number, number[]>();
    for (const p of input.keys()) {
      idle.set(p, idleCloses(await redis.hgetall(shardKeys(prefix, topology.name, p).clock)));
    }
    return interpret({
      program: topology.program,
      partitions: new Map(
        [...input].map(([p, events]) => [
          p,
          events.map((e, offset) => ({ offset, event: programEvent(e) })),
        ]),
      ),
      idleCloses: idle,
    });
  }

  beforeAll(async () => {
    redis = await connectRedis(createRedis(testConnection()));
    ordersProgram = loadLanguageTopology('topologies/orders.yaml');
    customersProgram = loadLanguageTopology('topologies/customers.yaml');
    await writeProgramShards(redis, prefix, ordersProgram);
    await writeProgramShards(redis, prefix, customersProgram);
    await writeLegacyShards(redis, legacyPrefix, loadTopology('test/fixtures/legacy/orders.yaml'));
    await writeLegacyShards(
      redis,
      legacyPrefix,
      loadTopology('test/fixtures/legacy/customers.yaml'),
    );
  });

  afterAll(async () => {
    await deleteMatching(redis, `${prefix}:*`);
    await deleteMatching(redis, `${legacyPrefix}:*`);
    await redis.quit();
  });

  const get = async (routes: Route[], path: string): Promise<RouteResponse> => {
    const url = new URL(`http://localhost${path}`);
    for (const route of routes) {
      const match = route.pattern.exec(url.pathname);
      if (match) return route.handler(match, url);
    }
    throw new Error(`no route for ${path}`);
  };

  const programReader = (topology: string) => new ProgramReader(redis, prefix, topology);
  const legacyReader = (topology: string) => new StateReader(redis, legacyPrefix, topology);

  it("queryState gives today's order JSON byte for byte, and the interpreter's state", async () => {
    const expected = await interpreted(ordersProgram);
    const keys = [...new Set([...input.values()].flat().map((e) => e.orderId))];
    expect(keys).toHaveLength(6);
    for (const key of keys) {
      const found = await queryState(programReader('orders'), ordersProgram, key);
      const today = await queryOrder(legacyReader('orders'), key);
      expect(found.kind).toBe('found');
      if (found.kind !== 'found' || today === undefined) throw new Error(`${key} not found`);
      expect(JSON.stringify(found.state)).toBe(JSON.stringify(today.order));
      expect(found.partition).toBe(today.partition);
      const state = expected.states.get(key);
      if (state === undefined) throw new Error(`the interpreter has no ${key}`);
      const { eventIds, ...rest } = stateJson(ordersProgram.program, state);
      expect(eventIds).toEqual(expect.any(Array));
      expect(JSON.stringify(found.state)).toBe(JSON.stringify(rest));
    }
    expect(await queryState(programReader('orders'), ordersProgram, 'o-9')).toEqual({
      kind: 'not-found',
    });
    expect(await queryOrder(legacyReader('orders'), 'o-9')).toBeUndefined();
  });

  it("the totals view of revenue gives today's revenue JSON and the interpreter's sums", async () => {
    const view = await queryTotals(programReader('orders'), ordersProgram, 'revenue');
    const today = await queryRevenue(legacyReader('orders'));
    expect(JSON.stringify(view)).toBe(JSON.stringify(today));
    expect(JSON.stringify(view)).toBe(
      '{"totals":{"EUR":1400,"USD":3000},' +
        '"partitions":{"0":{"EUR":500,"USD":1000},"1":{"USD":2000},"2":{"EUR":900}}}',
    );
    const expected = await interpreted(ordersProgram);
    const cents = (partial: GroupPartial | undefined) => partial?.cents;
    expect(
      Object.fromEntries(
        [...(expected.aggregates.get('revenue') ?? [])].map(([g, p]) => [g, cents(p)]),
      ),
    ).toEqual(view.totals);
    for (const [p, groups] of expected.aggregatePartials.get('revenue') ?? []) {
      expect(Object.fromEntries([...groups].map(([g, partial]) => [g, cents(partial)]))).toEqual(
        view.partitions[String(p)],
      );
    }
  });

  it("the totals view of revenue's windows gives today's windows JSON and the interpreter's", async () => {
    for (const [size, from, to] of [
      ['1m', s(0), s(4100)],
      ['1h', T - 3_600_000, s(7200)],
      ['1m', s(30), s(90)],
    ] as const) {
      const view = await queryTotalsWindows(
        programReader('orders'),
        ordersProgram,
        'revenue',
        size,
        from,
        to,
      );
      const legacy = loadTopology('test/fixtures/legacy/orders.yaml').windows?.sizes.find(
        (w) => w.label === size,
      );
      if (legacy === undefined) throw new Error(`no legacy size ${size}`);
      const today = await queryWindows(legacyReader('orders'), legacy, from, to);
      expect(JSON.stringify(view)).toBe(JSON.stringify(today));
      const expected = await interpreted(ordersProgram);
      for (const w of view.windows) {
        const parts = expected.windows.get('revenue')?.get(`${size}|${w.start}`);
        expect(
          Object.fromEntries(
            [...(parts ?? [])].map(([p, part]) => [
              String(p),
              {
                totals: Object.fromEntries(
                  [...part.groups].map(([g, partial]) => [g, partial.cents]),
                ),
                state: part.closedBy ?? 'open',
              },
            ]),
          ),
        ).toEqual(w.partitions);
      }
    }
    const minutes = await queryTotalsWindows(
      programReader('orders'),
      ordersProgram,
      'revenue',
      '1m',
      s(0),
      s(4100),
    );
    expect(JSON.stringify(minutes.windows)).toBe(
      JSON.stringify([
        {
          start: s(0),
          end: s(60),
          totals: { EUR: 500, USD: 3000 },
          final: true,
          partitions: {
            '0': { totals: { EUR: 500, USD: 1000 }, state: 'watermark' },
            '1': { totals: { USD: 2000 }, state: 'idle' },
          },
        },
        {
          start: s(60),
          end: s(120),
          totals: { USD: 0 },
          final: false,
          partitions: { '0': { totals: { USD: 0 }, state: 'open' } },
        },
        {
          start: s(3960),
          end: s(4020),
          totals: { EUR: 900 },
          final: false,
          partitions: { '2': { totals: { EUR: 900 }, state: 'open' } },
        },
      ]),
    );
  });

  it("the group view of customer-value gives today's customer JSON and the interpreter's", async () => {
    const expected = await interpreted(customersProgram);
    for (const customerId of ['c-1', 'c-2', 'c-3']) {
      const found = await queryGroup(
        programReader('customers'),
        customersProgram,
        'customer-value',
        [customerId],
      );
      const today = await queryCustomer(legacyReader('customers'), customerId);
      expect(found.kind).toBe('found');
      if (found.kind !== 'found' || today === undefined) throw new Error(`${customerId} not found`);
      expect(JSON.stringify(found.view)).toBe(JSON.stringify(today));
      const merged = expected.aggregates.get('customer-value')?.get(customerId);
      const holding = [...(expected.aggregatePartials.get('customer-value') ?? [])]
        .filter(([, groups]) => groups.has(customerId))
        .map(([p]) => p)
        .sort((a, b) => a - b);
      expect(found.view).toEqual({ customerId, ...merged, partitions: holding });
    }
    const c1 = await queryGroup(programReader('customers'), customersProgram, 'customer-value', [
      'customerId=c-1',
    ]);
    expect(c1.kind === 'found' ? JSON.stringify(c1.view) : c1.kind).toBe(
      '{"customerId":"c-1","orders":3,"paid":3,"shipped":1,"cancelled":0,' +
        '"lifetimeValueCents":{"EUR":500,"USD":3000},"partitions":[0,1]}',
    );
    expect(
      await queryGroup(programReader('customers'), customersProgram, 'customer-value', ['c-9']),
    ).toEqual({ kind: 'not-found' });
    expect(await queryCustomer(legacyReader('customers'), 'c-9')).toBeUndefined();
  });

  it('the generic queries read the same shards: groups and windows per group', async () => {
    const revenue = await queryAggregate(programReader('orders'), ordersProgram, 'revenue');
    expect(JSON.stringify(revenue)).toBe(
      '{"aggregate":"revenue","groups":[{"currency":"EUR","cents":1400},{"currency":"USD","cents":3000}],' +
        '"partitions":{"0":[{"currency":"EUR","cents":500},{"currency":"USD","cents":1000}],' +
        '"1":[{"currency":"USD","cents":2000}],"2":[{"currency":"EUR","cents":900}]}}',
    );
    const windows = await queryAggregateWindows(
      programReader('orders'),
      ordersProgram,
      'revenue',
      '1m',
      s(0),
      s(60),
      ['currency=USD'],
    );
    expect(windows.windows).toEqual([
      {
        start: s(0),
        end: s(60),
        groups: [{ currency: 'USD', cents: 3000 }],
        final: true,
        partitions: {
          '0': { groups: [{ currency: 'USD', cents: 1000 }], state: 'watermark' },
          '1': { groups: [{ currency: 'USD', cents: 2000 }], state: 'idle' },
        },
      },
    ]);
  });

  it("GET /state/:key answers as today's GET /orders/:id, applied offsets included", async () => {
    const program = programQueryRoutes(ordersProgram, () => programReader('orders'));
    const today = queryRoutes(
      () => legacyReader('orders'),
      loadTopology('test/fixtures/legacy/orders.yaml'),
    );
    for (const key of ['o-1', 'o-4', 'o-6', 'o-9']) {
      const [ours, theirs] = await Promise.all([
        get(program, `/state/${key}`),
        get(today, `/orders/${key}`),
      ]);
      expect(ours.status).toBe(theirs.status);
      expect(JSON.stringify(ours.body)).toBe(JSON.stringify(theirs.body));
    }
    const aggregate = await get(program, '/aggregates/revenue?group=EUR');
    expect(aggregate.body).toMatchObject({
      groups: [{ currency: 'EUR', cents: 1400 }],
      appliedOffsets: { '0': 7, '1': 4, '2': 2 },
    });
  });

  it("the queries: sections of topologies/ answer today's paths byte for byte", async () => {
    // Today's routes of each topology serve all four paths: each answers for its own.
    const pairs = [
      [
        namedQueryRoutes(ordersProgram, () => programReader('orders')),
        queryRoutes(() => legacyReader('orders'), loadTopology('test/fixtures/legacy/orders.yaml')),
        [
          '/orders/o-1',
          '/orders/o-4',
          '/orders/o-6',
          '/orders/o-9',
          '/revenue',
          `/revenue/windows?size=1m&from=${s(0)}&to=${s(4100)}`,
          `/revenue/windows?size=1h&from=${T - 3_600_000}&to=${s(7200)}`,
          `/revenue/windows?size=60s&from=${new Date(s(30)).toISOString()}&to=${s(90)}`,
          '/revenue/windows?from=0&to=1',
        ],
      ],
      [
        namedQueryRoutes(customersProgram, () => programReader('customers')),
        queryRoutes(
          () => legacyReader('customers'),
          loadTopology('test/fixtures/legacy/customers.yaml'),
        ),
        ['/customers/c-1', '/customers/c-2', '/customers/c-3', '/customers/c-9'],
      ],
    ] as const;
    for (const [program, today, paths] of pairs) {
      for (const path of paths) {
        const [ours, theirs] = await Promise.all([get(program, path), get(today, path)]);
        expect({ path, status: ours.status }).toEqual({ path, status: theirs.status });
        expect(JSON.stringify(ours.body)).toBe(JSON.stringify(theirs.body));
      }
    }
    const [[orders], [customers]] = pairs;
    const revenue = await get(orders, '/revenue');
    expect(JSON.stringify(revenue.body)).toBe(
      '{"totals":{"EUR":1400,"USD":3000},' +
        '"partitions":{"0":{"EUR":500,"USD":1000},"1":{"USD":2000},"2":{"EUR":900}},' +
        '"appliedOffsets":{"0":7,"1":4,"2":2}}',
    );
    const customer = await get(customers, '/customers/c-1');
    expect(JSON.stringify(customer.body)).toBe(
      '{"customerId":"c-1","orders":3,"paid":3,"shipped":1,"cancelled":0,' +
        '"lifetimeValueCents":{"EUR":500,"USD":3000},"partitions":[0,1],' +
        '"appliedOffsets":{"0":7,"1":4,"2":2}}',
    );
  });
});
