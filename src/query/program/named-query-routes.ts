/**
 * The paths a topology's `queries:` section names (docs/language.md#queries), each answering
 * its view's JSON plus the applied offsets it reflects: for the orders program's section, the
 * JSON of today's `GET /orders/:id`, `/revenue` and `/revenue/windows`; for the customers one,
 * `/customers/:id`. Which path shows which view is the topology file's to say, not the engine's.
 */
import type { Route, RouteResponse } from '../../http/index.js';
import type { ProgramShardReader } from '../../state/index.js';
import type { LanguageQuery } from '../../topology/index.js';
import { atAppliedOffsets, offsetsOf } from '../at-applied-offsets.js';
import { WindowQueryError } from '../window-query.js';
import { runNamedQuery, takesArgument, type NamedQueriedTopology } from './named-query.js';
import { fromPath, notReady } from './program-query-routes.js';

/** `/orders/:key` → `^/orders/([^/]+)$`; the compiler allows one parameter at most. */
export function pathPattern(path: string): RegExp {
  const segments = path
    .split('/')
    .slice(1)
    .map((s) => (s.startsWith(':') ? '([^/]+)' : s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^/${segments.join('/')}$`);
}

async function answer(
  reader: ProgramShardReader,
  topology: NamedQueriedTopology,
  query: LanguageQuery,
  encoded: string,
  url: URL,
): Promise<RouteResponse> {
  let argument = '';
  if (takesArgument(query)) {
    const decoded = fromPath(encoded, query.view === 'state' ? 'key' : 'group');
    if (typeof decoded !== 'string') return decoded;
    argument = decoded;
  }
  const params = {
    size: url.searchParams.get('size'),
    from: url.searchParams.get('from'),
    to: url.searchParams.get('to'),
  };
  try {
    const { value, applied } = await atAppliedOffsets(reader, (r) =>
      runNamedQuery(r, topology, query, argument, params),
    );
    if (value.kind === 'not-found') return { status: 404, body: { error: 'not found' } };
    const partitions = value.offsets === 'all' ? applied.keys() : value.offsets;
    return { status: 200, body: { ...value.body, appliedOffsets: offsetsOf(applied, partitions) } };
  } catch (error) {
    if (error instanceof WindowQueryError) return { status: 400, body: { error: error.message } };
    throw error;
  }
}

/**
 * One GET route per entry of the topology's `queries:`. `reader` is asked per request because
 * the HTTP server is up before Redis is connected.
 */
export function namedQueryRoutes(
  topology: NamedQueriedTopology,
  reader: () => ProgramShardReader | undefined,
): Route[] {
  return topology.queries.map((query): Route => ({
    method: 'GET',
    pattern: pathPattern(query.path),
    handler: (match, url) => {
      const r = reader();
      return r === undefined
        ? Promise.resolve(notReady())
        : answer(r, topology, query, match[1] ?? '', url);
    },
  }));
}
