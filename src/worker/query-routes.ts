import type { Route, RouteResponse } from '../http/index.js';
import { queryOrder, queryRevenue } from '../query/index.js';
import type { StateReader } from '../state/index.js';

/** Longer ids are refused before touching Redis: no real order id comes near this. */
export const MAX_ORDER_ID_LENGTH = 64;

/** Reads retried while commits keep moving the applied offsets under them. */
const CONSISTENT_READ_ATTEMPTS = 5;

interface AtOffsets<T> {
  readonly value: T;
  /** Partition → last applied offset (-1: none) that `value` reflects. */
  readonly applied: ReadonlyMap<number, number>;
}

function sameOffsets(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  return a.size === b.size && [...a].every(([p, offset]) => b.get(p) === offset);
}

/**
 * Runs `read` between two reads of every shard's applied offset. A batch's state, revenue and
 * applied offset are written by one script, so when both reads agree no commit landed in
 * between and the answer reflects exactly those offsets. Under a steady stream of commits the
 * last attempt is returned: its answer then reflects at most the offsets read after it.
 */
async function atAppliedOffsets<T>(
  reader: StateReader,
  read: () => Promise<T>,
): Promise<AtOffsets<T>> {
  for (let attempt = 1; ; attempt += 1) {
    const before = await reader.applied(await reader.partitions());
    const value = await read();
    const after = await reader.applied(await reader.partitions());
    if (sameOffsets(before, after) || attempt >= CONSISTENT_READ_ATTEMPTS) {
      return { value, applied: after };
    }
  }
}

function notReady(): RouteResponse {
  return { status: 503, body: { error: 'state not connected yet' } };
}

async function getOrder(reader: StateReader, encodedId: string): Promise<RouteResponse> {
  let orderId: string;
  try {
    orderId = decodeURIComponent(encodedId);
  } catch {
    return { status: 400, body: { error: 'invalid order id encoding' } };
  }
  if (orderId.length > MAX_ORDER_ID_LENGTH) {
    return {
      status: 400,
      body: { error: `order id longer than ${MAX_ORDER_ID_LENGTH} characters` },
    };
  }
  const { value: found, applied } = await atAppliedOffsets(reader, () =>
    queryOrder(reader, orderId),
  );
  if (found === undefined) return { status: 404, body: { error: 'not found' } };
  // Only the order's own shard: the other partitions say nothing about this answer.
  const appliedOffsets = { [String(found.partition)]: applied.get(found.partition) ?? -1 };
  return { status: 200, body: { ...found.order, appliedOffsets } };
}

async function getRevenue(reader: StateReader): Promise<RouteResponse> {
  const { value: revenue, applied } = await atAppliedOffsets(reader, () => queryRevenue(reader));
  const appliedOffsets = Object.fromEntries(
    Object.keys(revenue.partitions).map((p) => [p, applied.get(Number(p)) ?? -1]),
  );
  return { status: 200, body: { ...revenue, appliedOffsets } };
}

/**
 * `GET /orders/:id` and `GET /revenue`: the JSON of `streamfold query order|revenue --json`,
 * plus the applied offsets the answer reflects. `reader` is asked per request because the
 * HTTP server is up before Redis is connected.
 */
export function queryRoutes(reader: () => StateReader | undefined): Route[] {
  return [
    {
      method: 'GET',
      pattern: /^\/orders\/([^/]+)$/,
      handler: (match) => {
        const r = reader();
        return r === undefined ? Promise.resolve(notReady()) : getOrder(r, match[1] ?? '');
      },
    },
    {
      method: 'GET',
      pattern: /^\/revenue$/,
      handler: () => {
        const r = reader();
        return r === undefined ? Promise.resolve(notReady()) : getRevenue(r);
      },
    },
  ];
}
