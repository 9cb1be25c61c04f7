export { queryOrder, type OrderQueryResult, type OrderView } from './order-query.js';
export { queryRevenue, type RevenueQueryResult } from './revenue-query.js';
