import { metricKind } from './check-aggregates.js';
import { report, type CheckContext } from './check-context.js';
import type { LanguageData } from './schema.js';

type QueryData = LanguageData['queries'][number];
type View = QueryData['view'];

/** The subcommands `streamfold query` has of its own: a query of that name could not be run. */
const BUILT_IN_NAMES = ['state', 'aggregate'] as const;

/** Paths the worker serves itself: a query there would be shadowed, or shadow them. */
export const RESERVED_PATHS = [
  '/state',
  '/aggregates',
  '/metrics',
  '/healthz',
  '/readyz',
  '/pause',
  '/resume',
] as const;

/** The one path parameter each view takes: the key of a state, the group of a group view. */
const PARAMETER: Readonly<Record<View, string | undefined>> = {
  state: ':key',
  group: ':group',
  totals: undefined,
  'totals-windows': undefined,
};

function parametersOf(path: string): string[] {
  return path.split('/').filter((segment) => segment.startsWith(':'));
}

/** `/state` and `/state/x` are the worker's; `/statements` is not. */
function reservedPrefix(path: string): string | undefined {
  return RESERVED_PATHS.find((p) => path === p || path.startsWith(`${p}/`));
}

function checkPath(ctx: CheckContext, query: QueryData, at: readonly PropertyKey[]): void {
  const shown = JSON.stringify(query.path);
  const reserved = reservedPrefix(query.path);
  if (reserved !== undefined) {
    report(
      ctx,
      [...at, 'path'],
      `a path outside ${RESERVED_PATHS.join(', ')} (the worker serves them)`,
      `${shown} (under ${reserved})`,
    );
    return;
  }
  const wanted = PARAMETER[query.view];
  const params = parametersOf(query.path);
  const fits = wanted === undefined ? params.length === 0 : params.join() === wanted;
  if (!fits) {
    report(
      ctx,
      [...at, 'path'],
      wanted === undefined
        ? `a path without parameters (a ${query.view} view)`
        : `a path with the one parameter ${wanted} (a ${query.view} view)`,
      shown,
    );
  }
}

/**
 * The shape a totals view shows as group value → number. The same rule as totalsMetric in
 * src/query/program/totals-view.ts, restated on the file's data: the compiler sits below the
 * queries (they import src/topology/), so it cannot import them back.
 */
function totalsMisfit(aggregate: LanguageData['aggregates'][number]): string | undefined {
  const metrics = Object.values(aggregate.metrics);
  if (aggregate.groupBy.length !== 1) return `${aggregate.groupBy.length} group fields`;
  if (metrics.length !== 1) return `${metrics.length} metrics`;
  const [metric] = metrics;
  if (metric === undefined) return '0 metrics';
  const kind = metricKind(metric);
  if (kind !== 'count' && kind !== 'sum') return `a ${kind} metric`;
  if (metric.by !== undefined) return `a ${kind} by ${metric.by}`;
  return undefined;
}

function checkAggregate(ctx: CheckContext, query: QueryData, at: readonly PropertyKey[]): void {
  if (query.view === 'state') {
    if (query.aggregate !== undefined) {
      report(
        ctx,
        [...at, 'aggregate'],
        'no aggregate (a state view shows the state)',
        JSON.stringify(query.aggregate),
        'key',
      );
    }
    return;
  }
  if (query.aggregate === undefined) {
    report(ctx, [...at, 'aggregate'], `an aggregate (a ${query.view} view shows one)`, 'nothing');
    return;
  }
  const shown = JSON.stringify(query.aggregate);
  const aggregates = ctx.data.aggregates;
  const aggregate = aggregates.find((a) => a.name === query.aggregate);
  if (aggregate === undefined) {
    const known = aggregates.map((a) => a.name);
    report(
      ctx,
      [...at, 'aggregate'],
      known.length === 0
        ? 'an aggregate the topology declares (it declares none)'
        : `one of the aggregates ${known.join(', ')}`,
      shown,
    );
    return;
  }
  if (query.view === 'group') return;
  const misfit = totalsMisfit(aggregate);
  if (misfit !== undefined) {
    report(
      ctx,
      [...at, 'aggregate'],
      `an aggregate of one group field and one count or sum without by (a ${query.view} view)`,
      `${shown} (${misfit})`,
    );
  } else if (query.view === 'totals-windows' && aggregate.windows === undefined) {
    report(
      ctx,
      [...at, 'aggregate'],
      'an aggregate with windows (a totals-windows view)',
      `${shown} (no windows)`,
    );
  }
}

/** `queries`: unique names and paths clear of the built-in ones, each fitting its view. */
export function checkQueries(ctx: CheckContext): void {
  const names = new Map<string, number>();
  const paths = new Map<string, number>();
  for (const [i, query] of ctx.data.queries.entries()) {
    const at = ['queries', i];
    const name = JSON.stringify(query.name);
    const earlierName = names.get(query.name);
    if ((BUILT_IN_NAMES as readonly string[]).includes(query.name)) {
      report(
        ctx,
        [...at, 'name'],
        `a query name other than ${BUILT_IN_NAMES.join(' and ')} (built-in subcommands of query)`,
        name,
      );
    } else if (earlierName !== undefined) {
      report(
        ctx,
        [...at, 'name'],
        'a query name no other query uses',
        `${name} (also queries.${earlierName})`,
      );
    } else {
      names.set(query.name, i);
    }
    // `/orders/:key` and `/orders/:id` answer the same requests: parameters compare as one.
    const route = query.path.replace(/\/:[^/]+/g, '/:');
    const earlierPath = paths.get(route);
    if (earlierPath !== undefined) {
      report(
        ctx,
        [...at, 'path'],
        'a path no other query uses',
        `${JSON.stringify(query.path)} (also queries.${earlierPath})`,
      );
    } else {
      paths.set(route, i);
      checkPath(ctx, query, at);
    }
    checkAggregate(ctx, query, at);
  }
}
