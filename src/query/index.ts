export { queryCustomer, type CustomerView } from './customer-query.js';
export { queryOrder, type OrderQueryResult, type OrderView } from './order-query.js';
export { queryRevenue, type RevenueQueryResult } from './revenue-query.js';
export {
  MAX_WINDOWS_PER_QUERY,
  queryWindows,
  WindowQueryError,
  type WindowsQueryResult,
  type WindowView,
} from './window-query.js';
export { parseInstant, windowSizeOf } from './window-params.js';
export {
  atAppliedOffsets,
  offsetsOf,
  type AtOffsets,
  type OffsetsReader,
} from './at-applied-offsets.js';
