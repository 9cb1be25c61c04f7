import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { RouteResponse } from '../../../src/http/index.js';
import type { OrderState } from '../../../src/pipeline/types.js';
import { StateReader } from '../../../src/state/index.js';
import type { CompiledTopology } from '../../../src/topology/index.js';
import { MAX_ORDER_ID_LENGTH, queryRoutes } from '../../../src/worker/query-routes.js';

const topology: CompiledTopology = {
  name: 'orders',
  description: '',
  file: 'test.yaml',
  source: { topic: 'order-events', group: 'g', partitions: 3, replicationFactor: 1 },
  event: { schema: 'order-event/v1', maxValueBytes: 65_536 },
  outputs: { deadLetter: 'order-events-dlt' },
  aggregates: [],
  aggregators: [],
  parking: { maxAttempts: 3 },
};

function order(orderId: string, overrides: Partial<OrderState> = {}): OrderState {
  return {
    orderId,
    customerId: 'c-1',
    status: 'paid',
    currency: 'USD',
    totalCents: 9998,
    paidCents: 9998,
    appliedEvents: 2,
    updatedAt: 1_764_300_000_000,
    eventIds: ['e1', 'e2'],
    ...overrides,
  };
}

/**
 * The reads the routes use, from memory. `applied` answers from `appliedSequence` (one map per
 * call, the last one repeating), so a test can move the offsets between two reads.
 */
class FakeReader extends StateReader {
  readonly shardStates = new Map<number, Map<string, OrderState>>();
  readonly totalsByPartition = new Map<number, Map<string, number>>();
  appliedSequence: Map<number, number>[] = [];
  appliedCalls = 0;
  orderCalls = 0;
  /** Called on each `order` read, before answering (e.g. to change the state under it). */
  onOrderRead: ((attempt: number) => void) | undefined;

  constructor() {
    // No Redis: every method the routes call is overridden.
    super(undefined as unknown as Redis, 'sf', 'orders');
  }

  /** One generation that never switches: the routes' live-generation checks always agree. */
  override liveGeneration(): Promise<number> {
    return Promise.resolve(0);
  }

  override at(): StateReader {
    return this;
  }

  override partitions(): Promise<number[]> {
    return Promise.resolve([...this.shardStates.keys()].sort((a, b) => a - b));
  }

  override applied(partitions: readonly number[]): Promise<Map<number, number>> {
    const at = Math.min(this.appliedCalls, this.appliedSequence.length - 1);
    this.appliedCalls += 1;
    const source = this.appliedSequence[at] ?? new Map<number, number>();
    return Promise.resolve(new Map(partitions.map((p) => [p, source.get(p) ?? -1])));
  }

  override totals(partitions: readonly number[]): Promise<Map<number, Map<string, number>>> {
    return Promise.resolve(
      new Map(partitions.map((p) => [p, new Map(this.totalsByPartition.get(p) ?? [])])),
    );
  }

  override order(
    orderId: string,
    partitions: readonly number[],
  ): Promise<{ partition: number; state: OrderState } | undefined> {
    this.orderCalls += 1;
    this.onOrderRead?.(this.orderCalls);
    for (const partition of partitions) {
      const state = this.shardStates.get(partition)?.get(orderId);
      if (state !== undefined) return Promise.resolve({ partition, state: structuredClone(state) });
    }
    return Promise.resolve(undefined);
  }
}

function fixture(): FakeReader {
  const reader = new FakeReader();
  reader.shardStates.set(0, new Map([['o-0', order('o-0', { currency: 'EUR' })]]));
  reader.shardStates.set(1, new Map([['o-1', order('o-1')]]));
  reader.shardStates.set(2, new Map());
  reader.totalsByPartition.set(0, new Map([['EUR', 9998]]));
  reader.totalsByPartition.set(1, new Map([['USD', 9998]]));
  reader.appliedSequence = [
    new Map([
      [0, 4],
      [1, 7],
      [2, -1],
    ]),
  ];
  return reader;
}

async function get(reader: StateReader | undefined, path: string): Promise<RouteResponse> {
  const routes = queryRoutes(() => reader, topology);
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (route.method === 'GET' && match) {
      return route.handler(match, new URL(`http://localhost${path}`));
    }
  }
  throw new Error(`no route for ${path}`);
}

const orderView = (state: OrderState) => ({
  orderId: state.orderId,
  customerId: state.customerId,
  status: state.status,
  currency: state.currency,
  totalCents: state.totalCents,
  paidCents: state.paidCents,
  appliedEvents: state.appliedEvents,
  updatedAt: state.updatedAt,
});

describe('GET /orders/:id', () => {
  it('answers 200 with the query JSON plus the applied offset of the order’s partition', async () => {
    const reader = fixture();

    const response = await get(reader, '/orders/o-1');

    expect(response.status).toBe(200);
    expect(response.body).toStrictEqual({ ...orderView(order('o-1')), appliedOffsets: { '1': 7 } });
    // The stored event ids stay internal.
    expect(response.body).not.toHaveProperty('eventIds');
    expect(Object.keys(response.body as object)).toEqual([
      'orderId',
      'customerId',
      'status',
      'currency',
      'totalCents',
      'paidCents',
      'appliedEvents',
      'updatedAt',
      'appliedOffsets',
    ]);
    expect(reader.orderCalls).toBe(1);
  });

  it('decodes a percent-encoded id', async () => {
    const reader = fixture();
    reader.shardStates.get(2)?.set('o 2/é', order('o 2/é', { status: 'placed', paidCents: 0 }));

    const response = await get(reader, `/orders/${encodeURIComponent('o 2/é')}`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ orderId: 'o 2/é', appliedOffsets: { '2': -1 } });
  });

  it('answers 404 for an unknown order', async () => {
    const response = await get(fixture(), '/orders/nope');

    expect(response).toEqual({ status: 404, body: { error: 'not found' } });
  });

  it('answers 400 for an id longer than 64 characters, without reading state', async () => {
    const reader = fixture();

    const response = await get(reader, `/orders/${'x'.repeat(MAX_ORDER_ID_LENGTH + 1)}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'order id longer than 64 characters' });
    expect(reader.orderCalls).toBe(0);
    expect(reader.appliedCalls).toBe(0);
  });

  it('accepts an id of exactly 64 characters', async () => {
    const id = 'y'.repeat(MAX_ORDER_ID_LENGTH);

    expect((await get(fixture(), `/orders/${id}`)).status).toBe(404);
  });

  it('measures the length of the decoded id, not of its encoding', async () => {
    // 64 characters, 192 once percent-encoded.
    const id = 'é'.repeat(MAX_ORDER_ID_LENGTH);
    const reader = fixture();
    reader.shardStates.get(1)?.set(id, order(id));

    expect((await get(reader, `/orders/${encodeURIComponent(id)}`)).status).toBe(200);
  });

  it('answers 400 for bad percent-encoding', async () => {
    const reader = fixture();

    for (const path of ['/orders/%E0%A4%A', '/orders/%zz', '/orders/abc%']) {
      const response = await get(reader, path);
      expect(response, path).toEqual({ status: 400, body: { error: 'invalid order id encoding' } });
    }
    expect(reader.orderCalls).toBe(0);
  });

  it('answers 503 while the state reader is not available yet', async () => {
    const response = await get(undefined, '/orders/o-1');

    expect(response).toEqual({ status: 503, body: { error: 'state not connected yet' } });
  });

  it('retries the read when a commit moved the applied offsets between the two reads', async () => {
    const reader = fixture();
    const stable = new Map([
      [0, 4],
      [1, 8],
      [2, -1],
    ]);
    // Attempt 1 reads 7 before and 8 after; attempt 2 reads 8 both times.
    reader.appliedSequence = [
      new Map([
        [0, 4],
        [1, 7],
        [2, -1],
      ]),
      stable,
    ];
    reader.onOrderRead = (attempt) => {
      if (attempt === 1) return;
      reader.shardStates.get(1)?.set('o-1', order('o-1', { status: 'shipped', appliedEvents: 3 }));
    };

    const response = await get(reader, '/orders/o-1');

    expect(reader.orderCalls).toBe(2);
    expect(reader.appliedCalls).toBe(4);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'shipped',
      appliedEvents: 3,
      appliedOffsets: { '1': 8 },
    });
  });

  it('gives up after 5 attempts and returns the last answer with its "after" offsets', async () => {
    const reader = fixture();
    // Every read of the offsets sees a new commit on partition 1.
    reader.appliedSequence = Array.from(
      { length: 20 },
      (_, i) =>
        new Map([
          [0, 4],
          [1, 100 + i],
          [2, -1],
        ]),
    );
    reader.onOrderRead = (attempt) => {
      reader.shardStates.get(1)?.set('o-1', order('o-1', { appliedEvents: attempt }));
    };

    const response = await get(reader, '/orders/o-1');

    expect(reader.orderCalls).toBe(5);
    expect(reader.appliedCalls).toBe(10);
    expect(response.status).toBe(200);
    // The 5th answer, with the offsets read after it (the 10th read: 100 + 9).
    expect(response.body).toMatchObject({ appliedEvents: 5, appliedOffsets: { '1': 109 } });
  });
});

describe('GET /revenue', () => {
  it('answers the revenue query plus the applied offset of every partition', async () => {
    const response = await get(fixture(), '/revenue');

    expect(response).toEqual({
      status: 200,
      body: {
        totals: { EUR: 9998, USD: 9998 },
        partitions: { '0': { EUR: 9998 }, '1': { USD: 9998 }, '2': {} },
        appliedOffsets: { '0': 4, '1': 7, '2': -1 },
      },
    });
  });

  it('answers 503 while the state reader is not available yet', async () => {
    expect(await get(undefined, '/revenue')).toEqual({
      status: 503,
      body: { error: 'state not connected yet' },
    });
  });
});
