/**
 * A view the topology names in its `queries:` section (docs/language.md#queries), run: the state,
 * totals, windowed totals or group view it says, with the argument its path takes. The routes
 * of ./named-query-routes.ts and `streamfold query named` answer with this, so the two agree.
 */
import type { ProgramShardReader } from '../../state/index.js';
import type { LanguageQuery } from '../../topology/index.js';
import { parseInstant } from '../window-params.js';
import { aggregateOf, aggregateWindowSize } from './aggregate-params.js';
import { queryGroup } from './group-view.js';
import { queryState } from './state-query.js';
import { queryTotals, queryTotalsWindows } from './totals-view.js';
import type { QueriedTopology } from './types.js';

/** A topology whose queries can be run by name. */
export interface NamedQueriedTopology extends QueriedTopology {
  readonly queries: readonly LanguageQuery[];
}

/** The window parameters of a totals-windows view, as given (null: not given). */
export interface WindowParams {
  readonly size: string | null;
  readonly from: string | null;
  readonly to: string | null;
}

/**
 * What a view answered, and the partitions whose applied offsets the answer reflects: a state
 * only its own shard's, as today's `GET /orders/:id`; totals the partitions they list, as
 * `GET /revenue`; windows and a group every partition, as `/revenue/windows` and `/customers/:id`.
 */
export type NamedQueryResult =
  | {
      readonly kind: 'found';
      readonly body: Record<string, unknown>;
      readonly offsets: readonly number[] | 'all';
    }
  | { readonly kind: 'not-found' };

export function findNamedQuery(
  topology: NamedQueriedTopology,
  name: string,
): LanguageQuery | undefined {
  return topology.queries.find((q) => q.name === name);
}

/** Whether the view's path takes a parameter: the key of a state, the group of a group view. */
export function takesArgument(query: LanguageQuery): boolean {
  return query.view === 'state' || query.view === 'group';
}

/**
 * Runs one named view. `argument` is the key or group its path parameter holds (ignored by the
 * totals views). Wrong window parameters throw WindowQueryError (SF_QUERY_INVALID), as the
 * generic queries do.
 */
export async function runNamedQuery(
  reader: ProgramShardReader,
  topology: NamedQueriedTopology,
  query: LanguageQuery,
  argument: string,
  params: WindowParams,
): Promise<NamedQueryResult> {
  // The compiler makes sure every view but state names an aggregate (check-queries.ts).
  const aggregate = query.aggregate ?? '';
  switch (query.view) {
    case 'state': {
      const found = await queryState(reader, topology, argument);
      if (found.kind === 'not-found') return found;
      return { kind: 'found', body: found.state, offsets: [found.partition] };
    }
    case 'totals': {
      const view = await queryTotals(reader, topology, aggregate);
      return {
        kind: 'found',
        body: { ...view },
        offsets: Object.keys(view.partitions).map(Number),
      };
    }
    case 'totals-windows': {
      // Checked in today's order (size, then from and to), so a request with several wrong
      // parameters is refused with the same message.
      aggregateWindowSize(aggregateOf(topology, aggregate), params.size);
      const from = parseInstant('from', params.from);
      const to = parseInstant('to', params.to);
      const view = await queryTotalsWindows(reader, topology, aggregate, params.size, from, to);
      return { kind: 'found', body: { ...view }, offsets: 'all' };
    }
    case 'group': {
      const found = await queryGroup(reader, topology, aggregate, [argument]);
      if (found.kind === 'not-found') return found;
      return { kind: 'found', body: found.view, offsets: 'all' };
    }
  }
}
