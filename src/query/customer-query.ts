import { aggregateField, customerValue, type CustomerValue } from '../pipeline/index.js';
import type { StateReader } from '../state/index.js';

/** `streamfold query customer --json` and `GET /customers/:id` return this, in this key order. */
export interface CustomerView extends CustomerValue {
  /** Partitions holding a partial of this customer (orders are partitioned by order id). */
  partitions: number[];
}

/** A customer's value: the partials of every shard, merged. Undefined when no shard has one. */
export async function queryCustomer(
  reader: StateReader,
  customerId: string,
): Promise<CustomerView | undefined> {
  const partitions = await reader.partitions();
  const field = aggregateField(customerValue.name, customerId);
  const partials = await reader.fieldPerShard(partitions, 'aggregates', field);
  let merged: CustomerValue | undefined;
  const holding: number[] = [];
  for (const [partition, json] of partials) {
    if (json === null) continue;
    holding.push(partition);
    const partial = customerValue.parse(json);
    merged = merged === undefined ? partial : customerValue.merge(merged, partial);
  }
  if (merged === undefined) return undefined;
  const lifetimeValueCents = Object.fromEntries(
    Object.entries(merged.lifetimeValueCents).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    customerId: merged.customerId,
    orders: merged.orders,
    paid: merged.paid,
    shipped: merged.shipped,
    cancelled: merged.cancelled,
    lifetimeValueCents,
    partitions: holding,
  };
}
