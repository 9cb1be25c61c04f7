import type { Route, RouteResponse } from '../http/index.js';
import {
  atAppliedOffsets,
  offsetsOf,
  parseInstant,
  queryCustomer,
  queryOrder,
  queryRevenue,
  queryWindows,
  WindowQueryError,
  windowSizeOf,
} from '../query/index.js';
import type { StateReader } from '../state/index.js';
import type { CompiledTopology } from '../topology/index.js';

/** Longer ids are refused before touching Redis: no real order id comes near this. */
export const MAX_ORDER_ID_LENGTH = 64;

function notReady(): RouteResponse {
  return { status: 503, body: { error: 'state not connected yet' } };
}

/** An id from the path, or the 400 that refuses it before touching Redis. */
function idFromPath(encoded: string, what: 'order' | 'customer'): string | RouteResponse {
  let id: string;
  try {
    id = decodeURIComponent(encoded);
  } catch {
    return { status: 400, body: { error: `invalid ${what} id encoding` } };
  }
  if (id.length > MAX_ORDER_ID_LENGTH) {
    return {
      status: 400,
      body: { error: `${what} id longer than ${MAX_ORDER_ID_LENGTH} characters` },
    };
  }
  return id;
}

async function getOrder(reader: StateReader, encodedId: string): Promise<RouteResponse> {
  const orderId = idFromPath(encodedId, 'order');
  if (typeof orderId !== 'string') return orderId;
  const { value: found, applied } = await atAppliedOffsets(reader, (r) => queryOrder(r, orderId));
  if (found === undefined) return { status: 404, body: { error: 'not found' } };
  // Only the order's own shard: the other partitions say nothing about this answer.
  const appliedOffsets = { [String(found.partition)]: applied.get(found.partition) ?? -1 };
  return { status: 200, body: { ...found.order, appliedOffsets } };
}

async function getRevenue(reader: StateReader): Promise<RouteResponse> {
  const { value: revenue, applied } = await atAppliedOffsets(reader, queryRevenue);
  const appliedOffsets = offsetsOf(applied, Object.keys(revenue.partitions));
  return { status: 200, body: { ...revenue, appliedOffsets } };
}

async function getCustomer(reader: StateReader, encodedId: string): Promise<RouteResponse> {
  const customerId = idFromPath(encodedId, 'customer');
  if (typeof customerId !== 'string') return customerId;
  const { value: found, applied } = await atAppliedOffsets(reader, (r) =>
    queryCustomer(r, customerId),
  );
  if (found === undefined) return { status: 404, body: { error: 'not found' } };
  return { status: 200, body: { ...found, appliedOffsets: offsetsOf(applied, applied.keys()) } };
}

async function getWindows(
  reader: StateReader,
  topology: CompiledTopology,
  url: URL,
): Promise<RouteResponse> {
  try {
    const size = windowSizeOf(topology, url.searchParams.get('size'));
    const from = parseInstant('from', url.searchParams.get('from'));
    const to = parseInstant('to', url.searchParams.get('to'));
    const { value, applied } = await atAppliedOffsets(reader, (r) =>
      queryWindows(r, size, from, to),
    );
    return { status: 200, body: { ...value, appliedOffsets: offsetsOf(applied, applied.keys()) } };
  } catch (error) {
    if (error instanceof WindowQueryError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

/**
 * `GET /orders/:id`, `/revenue`, `/revenue/windows?size=&from=&to=` and `/customers/:id`: the
 * JSON of `streamfold query … --json`, plus the applied offsets the answer reflects. `reader` is
 * asked per request because the HTTP server is up before Redis is connected.
 */
export function queryRoutes(
  reader: () => StateReader | undefined,
  topology: CompiledTopology,
): Route[] {
  const withReader =
    (answer: (r: StateReader, match: RegExpExecArray, url: URL) => Promise<RouteResponse>) =>
    (match: RegExpExecArray, url: URL): Promise<RouteResponse> => {
      const r = reader();
      return r === undefined ? Promise.resolve(notReady()) : answer(r, match, url);
    };
  return [
    {
      method: 'GET',
      pattern: /^\/revenue\/windows$/,
      handler: withReader((r, _m, url) => getWindows(r, topology, url)),
    },
    {
      method: 'GET',
      pattern: /^\/customers\/([^/]+)$/,
      handler: withReader((r, m) => getCustomer(r, m[1] ?? '')),
    },
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
