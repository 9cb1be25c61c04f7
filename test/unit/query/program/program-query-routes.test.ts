import { describe, expect, it } from 'vitest';
import type { RouteResponse } from '../../../../src/http/index.js';
import { programQueryRoutes, type QueriedTopology } from '../../../../src/query/program/index.js';
import type { ProgramShardReader } from '../../../../src/state/index.js';
import { ordersProgram } from '../../pipeline/program/orders-program.js';
import { MemoryProgramReader } from './memory-reader.js';

const orders: QueriedTopology = { name: 'orders', program: ordersProgram };

function fixture(): MemoryProgramReader {
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

async function get(reader: ProgramShardReader | undefined, path: string): Promise<RouteResponse> {
  const url = new URL(`http://localhost${path}`);
  for (const route of programQueryRoutes(orders, () => reader)) {
    const match = route.pattern.exec(url.pathname);
    if (route.method === 'GET' && match) return route.handler(match, url);
  }
  throw new Error(`no route for ${path}`);
}

describe('programQueryRoutes', () => {
  it("GET /state/:key answers the state with its own shard's applied offset", async () => {
    const res = await get(fixture(), '/state/o-1');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toBe(
      '{"orderId":"o-1","customerId":"c-1","status":"paid","currency":"USD","totalCents":9998,' +
        '"paidCents":9998,"appliedEvents":2,"updatedAt":1764300000000,"appliedOffsets":{"1":7}}',
    );
  });

  it('GET /state/:key is 404 for an absent key, 400 for a bad or long one', async () => {
    expect(await get(fixture(), '/state/o-9')).toEqual({
      status: 404,
      body: { error: 'not found' },
    });
    expect(await get(fixture(), '/state/%E0%A4%A')).toEqual({
      status: 400,
      body: { error: 'invalid key encoding' },
    });
    expect(await get(fixture(), `/state/${'k'.repeat(65)}`)).toEqual({
      status: 400,
      body: { error: 'key longer than 64 characters' },
    });
  });

  it('GET /aggregates/:name answers every group, or the ?group= one, with all offsets', async () => {
    expect(await get(fixture(), '/aggregates/revenue')).toEqual({
      status: 200,
      body: {
        aggregate: 'revenue',
        groups: [
          { currency: 'EUR', cents: 9998 },
          { currency: 'USD', cents: 9998 },
        ],
        partitions: {
          '0': [{ currency: 'EUR', cents: 9998 }],
          '1': [{ currency: 'USD', cents: 9998 }],
          '2': [],
        },
        appliedOffsets: { '0': 4, '1': 7, '2': -1 },
      },
    });
    const one = await get(fixture(), '/aggregates/revenue?group=currency%3DUSD');
    expect(one.body).toMatchObject({ groups: [{ currency: 'USD', cents: 9998 }] });
  });

  it('GET /aggregates/:name is 404 for an unknown aggregate, 400 for a bad filter', async () => {
    expect(await get(fixture(), '/aggregates/nope')).toEqual({
      status: 404,
      body: { error: 'no aggregate nope' },
    });
    expect(await get(fixture(), '/aggregates/revenue?group=a&group=b')).toEqual({
      status: 400,
      body: { error: 'group a: expected <field>=<value> with a field of currency' },
    });
  });

  it('GET /aggregates/:name/windows answers the windows, 400 for wrong parameters', async () => {
    expect(await get(fixture(), '/aggregates/revenue/windows?size=1m&from=0&to=60000')).toEqual({
      status: 200,
      body: {
        aggregate: 'revenue',
        size: '1m',
        from: 0,
        to: 60_000,
        windows: [
          {
            start: 0,
            end: 60_000,
            groups: [{ currency: 'USD', cents: 9998 }],
            final: false,
            partitions: { '1': { groups: [{ currency: 'USD', cents: 9998 }], state: 'open' } },
          },
        ],
        appliedOffsets: { '0': 4, '1': 7, '2': -1 },
      },
    });
    expect(await get(fixture(), '/aggregates/revenue/windows?size=1m&from=0')).toEqual({
      status: 400,
      body: { error: 'to is required (epoch ms or ISO 8601)' },
    });
    expect(await get(fixture(), '/aggregates/revenue/windows?from=0&to=1')).toEqual({
      status: 400,
      body: { error: 'size is required: one of 1m, 1h' },
    });
  });

  it('reads again when a commit lands between the offset reads', async () => {
    const reader = fixture();
    // The second read of the offsets (after the first answer) sees a commit on partition 1.
    reader.onApplied = (call) => {
      if (call === 2) {
        reader.shard(1).applied = 8;
        reader.setPartial(1, 'revenue', 'USD', { cents: 10_000 });
      }
    };
    const res = await get(reader, '/aggregates/revenue?group=USD');
    expect(res.body).toMatchObject({
      groups: [{ currency: 'USD', cents: 10_000 }],
      appliedOffsets: { '0': 4, '1': 8, '2': -1 },
    });
  });

  it('is 503 until the state is connected', async () => {
    for (const path of ['/state/o-1', '/aggregates/revenue', '/aggregates/revenue/windows']) {
      expect(await get(undefined, path)).toEqual({
        status: 503,
        body: { error: 'state not connected yet' },
      });
    }
  });
});
