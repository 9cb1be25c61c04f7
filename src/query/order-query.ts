import type { StateReader } from '../state/index.js';

/** `streamfold query order --json` and the HTTP API return exactly this, in this key order. */
export interface OrderView {
  orderId: string;
  customerId: string;
  status: string;
  currency: string;
  totalCents: number;
  paidCents: number;
  appliedEvents: number;
  /** Event time of the last applied event, epoch ms, as stored. */
  updatedAt: number;
}

export interface OrderQueryResult {
  partition: number;
  order: OrderView;
}

export async function queryOrder(
  reader: StateReader,
  orderId: string,
): Promise<OrderQueryResult | undefined> {
  const found = await reader.order(orderId, await reader.partitions());
  if (found === undefined) return undefined;
  const s = found.state;
  // Built field by field: the stored state has more (eventIds) that the query must not leak.
  const order: OrderView = {
    orderId: s.orderId,
    customerId: s.customerId,
    status: s.status,
    currency: s.currency,
    totalCents: s.totalCents,
    paidCents: s.paidCents,
    appliedEvents: s.appliedEvents,
    updatedAt: s.updatedAt,
  };
  return { partition: found.partition, order };
}
