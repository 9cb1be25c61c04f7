/**
 * A program's generic query endpoints: `GET /state/:key`, `/aggregates/:name?group=…` and
 * `/aggregates/:name/windows?size=&from=&to=&group=…`, each the JSON of its query plus the
 * applied offsets it reflects. Today's paths (`/orders/:id`, `/revenue`, …) are views that the
 * switch to programs maps onto these queries.
 */
import type { Route, RouteResponse } from '../../http/index.js';
import { MAX_KEY_LENGTH } from '../../pipeline/program/index.js';
import type { ProgramShardReader } from '../../state/index.js';
import { atAppliedOffsets, offsetsOf } from '../at-applied-offsets.js';
import { parseInstant } from '../window-params.js';
import { WindowQueryError } from '../window-query.js';
import { findAggregate } from './aggregate-params.js';
import { queryAggregateWindows } from './aggregate-windows-query.js';
import { queryAggregate } from './aggregate-query.js';
import { queryState } from './state-query.js';
import type { QueriedTopology } from './types.js';

export function notReady(): RouteResponse {
  return { status: 503, body: { error: 'state not connected yet' } };
}

/** A path segment decoded, or the 400 that refuses it before touching Redis. */
export function fromPath(
  encoded: string,
  what: 'key' | 'aggregate' | 'group',
): string | RouteResponse {
  let text: string;
  try {
    text = decodeURIComponent(encoded);
  } catch {
    return { status: 400, body: { error: `invalid ${what} encoding` } };
  }
  if (text.length > MAX_KEY_LENGTH) {
    return { status: 400, body: { error: `${what} longer than ${MAX_KEY_LENGTH} characters` } };
  }
  return text;
}

/** `?group=` repeated: absent means every group. */
function groupFilter(url: URL): string[] | undefined {
  const entries = url.searchParams.getAll('group');
  return entries.length === 0 ? undefined : entries;
}

async function getState(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  encoded: string,
): Promise<RouteResponse> {
  const key = fromPath(encoded, 'key');
  if (typeof key !== 'string') return key;
  const { value: found, applied } = await atAppliedOffsets(reader, (r) =>
    queryState(r, topology, key),
  );
  if (found.kind === 'not-found') return { status: 404, body: { error: 'not found' } };
  // Only the key's own shard: the other partitions say nothing about this answer.
  const appliedOffsets = { [String(found.partition)]: applied.get(found.partition) ?? -1 };
  return { status: 200, body: { ...found.state, appliedOffsets } };
}

async function getAggregate(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  encoded: string,
  url: URL,
  windows: boolean,
): Promise<RouteResponse> {
  const name = fromPath(encoded, 'aggregate');
  if (typeof name !== 'string') return name;
  if (findAggregate(topology, name) === undefined) {
    return { status: 404, body: { error: `no aggregate ${name}` } };
  }
  const group = groupFilter(url);
  try {
    if (!windows) {
      const { value, applied } = await atAppliedOffsets(reader, (r) =>
        queryAggregate(r, topology, name, group),
      );
      const appliedOffsets = offsetsOf(applied, Object.keys(value.partitions));
      return { status: 200, body: { ...value, appliedOffsets } };
    }
    const size = url.searchParams.get('size');
    const from = parseInstant('from', url.searchParams.get('from'));
    const to = parseInstant('to', url.searchParams.get('to'));
    const { value, applied } = await atAppliedOffsets(reader, (r) =>
      queryAggregateWindows(r, topology, name, size, from, to, group),
    );
    return { status: 200, body: { ...value, appliedOffsets: offsetsOf(applied, applied.keys()) } };
  } catch (error) {
    if (error instanceof WindowQueryError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

/**
 * The routes of one program topology. `reader` is asked per request because the HTTP server is
 * up before Redis is connected.
 */
export function programQueryRoutes(
  topology: QueriedTopology,
  reader: () => ProgramShardReader | undefined,
): Route[] {
  const withReader =
    (answer: (r: ProgramShardReader, match: RegExpExecArray, url: URL) => Promise<RouteResponse>) =>
    (match: RegExpExecArray, url: URL): Promise<RouteResponse> => {
      const r = reader();
      return r === undefined ? Promise.resolve(notReady()) : answer(r, match, url);
    };
  return [
    {
      method: 'GET',
      pattern: /^\/state\/([^/]+)$/,
      handler: withReader((r, m) => getState(r, topology, m[1] ?? '')),
    },
    {
      method: 'GET',
      pattern: /^\/aggregates\/([^/]+)\/windows$/,
      handler: withReader((r, m, url) => getAggregate(r, topology, m[1] ?? '', url, true)),
    },
    {
      method: 'GET',
      pattern: /^\/aggregates\/([^/]+)$/,
      handler: withReader((r, m, url) => getAggregate(r, topology, m[1] ?? '', url, false)),
    },
  ];
}
