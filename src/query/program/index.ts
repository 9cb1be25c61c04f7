export type * from './types.js';
export {
  aggregateOf,
  aggregateWindowSize,
  findAggregate,
  groupKeyOfFilter,
  windowStarts,
} from './aggregate-params.js';
export { groupRow, groupValuesOf } from './group-rows.js';
export { queryState } from './state-query.js';
export { queryAggregate } from './aggregate-query.js';
export { queryAggregateWindows } from './aggregate-windows-query.js';
export { queryTotals, queryTotalsWindows, totalsMetric } from './totals-view.js';
export { queryGroup } from './group-view.js';
export { programQueryRoutes } from './program-query-routes.js';
export {
  findNamedQuery,
  runNamedQuery,
  takesArgument,
  type NamedQueriedTopology,
  type NamedQueryResult,
  type WindowParams,
} from './named-query.js';
export { namedQueryRoutes, pathPattern } from './named-query-routes.js';
