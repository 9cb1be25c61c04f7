import { describe, expect, it } from 'vitest';
import type { RouteResponse } from '../../../../src/http/index.js';
import {
  namedQueryRoutes,
  pathPattern,
  type NamedQueriedTopology,
} from '../../../../src/query/program/index.js';
import type { ProgramShardReader } from '../../../../src/state/index.js';
import { customersProgram, ordersProgram } from '../../pipeline/program/orders-program.js';
import { MemoryProgramReader } from './memory-reader.js';

/** The sections of topologies/orders.yaml and customers.yaml. */
const orders: NamedQueriedTopology = {
  name: 'orders',
  program: ordersProgram,
  queries: [
    { name: 'order', path: '/orders/:key', view: 'state' },
    { name: 'revenue', path: '/revenue', view: 'totals', aggregate: 'revenue' },
    { name: 'windows', path: '/revenue/windows', view: 'totals-windows', aggregate: 'revenue' },
  ],
};
const customers: NamedQueriedTopology = {
  name: 'customers',
  program: customersProgram,
  queries: [
    { name: 'customer', path: '/customers/:group', view: 'group', aggregate: 'customer-value' },
  ],
};

function ordersShards(): MemoryProgramReader {
  const reader = new MemoryProgramReader()
    .setPartial(0, 'revenue', 'EUR', { cents: 9998 })
    .setPartial(1, 'revenue', 'USD', { cents: 9998 })
    .setOpen(1, 'revenue', '1m', 0, { USD: { cents: 9998 } });
  reader.shard(0).applied = 4;
  reader.shard(1).applied = 7;
  reader.shard(2);
  reader
    .shard(1)
    .states.set(
      'o-1',
      '{"orderId":"o-1","customerId":"c-1","status":"paid","currency":"USD","totalCents":9998,' +
        '"paidCents":9998,"appliedEvents":2,"updatedAt":1764300000000,"eventIds":["e1","e2"]}',
    );
  return reader;
}

function customerShards(): MemoryProgramReader {
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
    });
  reader.shard(0).applied = 3;
  reader.shard(1).applied = 9;
  reader.shard(2).applied = 5;
  return reader;
}

async function get(
  topology: NamedQueriedTopology,
  reader: ProgramShardReader | undefined,
  path: string,
): Promise<RouteResponse | undefined> {
  const url = new URL(`http://localhost${path}`);
  for (const route of namedQueryRoutes(topology, () => reader)) {
    const match = route.pattern.exec(url.pathname);
    if (route.method === 'GET' && match) return route.handler(match, url);
  }
  return undefined;
}

describe('namedQueryRoutes', () => {
  it("a state view answers the state with its own shard's applied offset", async () => {
    const res = await get(orders, ordersShards(), '/orders/o-1');
    expect(res?.status).toBe(200);
    expect(JSON.stringify(res?.body)).toBe(
      '{"orderId":"o-1","customerId":"c-1","status":"paid","currency":"USD","totalCents":9998,' +
        '"paidCents":9998,"appliedEvents":2,"updatedAt":1764300000000,"appliedOffsets":{"1":7}}',
    );
  });

  it('a state view is 404 for an absent key, 400 for a bad or long one', async () => {
    expect(await get(orders, ordersShards(), '/orders/o-9')).toEqual({
      status: 404,
      body: { error: 'not found' },
    });
    expect(await get(orders, ordersShards(), '/orders/%E0%A4%A')).toEqual({
      status: 400,
      body: { error: 'invalid key encoding' },
    });
    expect(await get(orders, ordersShards(), `/orders/${'k'.repeat(65)}`)).toEqual({
      status: 400,
      body: { error: 'key longer than 64 characters' },
    });
  });

  it('a totals view answers the totals with the offsets of the partitions it lists', async () => {
    const res = await get(orders, ordersShards(), '/revenue');
    expect(res?.status).toBe(200);
    expect(JSON.stringify(res?.body)).toBe(
      '{"totals":{"EUR":9998,"USD":9998},"partitions":{"0":{"EUR":9998},"1":{"USD":9998},"2":{}},' +
        '"appliedOffsets":{"0":4,"1":7,"2":-1}}',
    );
  });

  it('a totals-windows view answers the windows with every offset', async () => {
    const res = await get(orders, ordersShards(), '/revenue/windows?size=1m&from=0&to=60000');
    expect(res?.status).toBe(200);
    expect(JSON.stringify(res?.body)).toBe(
      '{"size":"1m","from":0,"to":60000,"windows":[{"start":0,"end":60000,"totals":{"USD":9998},' +
        '"final":false,"partitions":{"1":{"totals":{"USD":9998},"state":"open"}}}],' +
        '"appliedOffsets":{"0":4,"1":7,"2":-1}}',
    );
  });

  it('a totals-windows view is 400 for wrong parameters, size first as today', async () => {
    const refused = async (query: string) => (await get(orders, ordersShards(), query))?.body;
    expect(await refused('/revenue/windows')).toEqual({
      error: 'size is required: one of 1m, 1h',
    });
    expect(await refused('/revenue/windows?size=5m&from=0&to=1')).toEqual({
      error: 'no windows of size 5m: the aggregate has 1m, 1h',
    });
    expect(await refused('/revenue/windows?size=1m&to=1')).toEqual({
      error: 'from is required (epoch ms or ISO 8601)',
    });
    expect(await refused('/revenue/windows?size=1m&from=soon&to=1')).toEqual({
      error: 'from must be epoch milliseconds or ISO 8601, got "soon"',
    });
    expect(await refused('/revenue/windows?size=1m&from=5&to=1')).toEqual({
      error: 'from must be before to',
    });
    expect((await get(orders, ordersShards(), '/revenue/windows?size=1m'))?.status).toBe(400);
  });

  it('a group view answers the merged group with every offset, 404 for an absent one', async () => {
    const res = await get(customers, customerShards(), '/customers/c-1');
    expect(res?.status).toBe(200);
    expect(JSON.stringify(res?.body)).toBe(
      '{"customerId":"c-1","orders":3,"paid":2,"shipped":1,"cancelled":1,' +
        '"lifetimeValueCents":{"EUR":50,"USD":100},"partitions":[0,2],' +
        '"appliedOffsets":{"0":3,"1":9,"2":5}}',
    );
    expect(await get(customers, customerShards(), '/customers/c-9')).toEqual({
      status: 404,
      body: { error: 'not found' },
    });
    expect(await get(customers, customerShards(), '/customers/%E0%A4%A')).toEqual({
      status: 400,
      body: { error: 'invalid group encoding' },
    });
  });

  it('serves the paths of the section only, and is 503 until the state is connected', async () => {
    expect(await get(orders, ordersShards(), '/customers/c-1')).toBeUndefined();
    expect(await get(orders, ordersShards(), '/orders/o-1/x')).toBeUndefined();
    expect(await get(customers, customerShards(), '/revenue')).toBeUndefined();
    for (const path of ['/orders/o-1', '/revenue', '/revenue/windows']) {
      expect(await get(orders, undefined, path)).toEqual({
        status: 503,
        body: { error: 'state not connected yet' },
      });
    }
  });

  it('matches a path literally, its parameter as one segment', () => {
    const pattern = pathPattern('/v1.2/orders/:key');
    expect(pattern.exec('/v1.2/orders/o-1')?.[1]).toBe('o-1');
    expect(pattern.test('/v1x2/orders/o-1')).toBe(false);
    expect(pattern.test('/v1.2/orders/o-1/x')).toBe(false);
    expect(pathPattern('/revenue').test('/revenue')).toBe(true);
    expect(pathPattern('/revenue').test('/revenue/windows')).toBe(false);
  });
});
