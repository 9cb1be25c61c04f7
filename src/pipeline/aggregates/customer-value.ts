/**
 * Per-customer lifetime value and order counts (the `customers` topology). Counts follow the
 * lifecycle's applied transitions; lifetime value is the revenue the customer's orders brought,
 * per currency, refunds included.
 */
import { z } from 'zod';
import type { Aggregator, AppliedTransition } from './types.js';

export interface CustomerValue {
  customerId: string;
  orders: number;
  paid: number;
  shipped: number;
  cancelled: number;
  /** Currency → integer cents; a currency once touched stays, even at 0. */
  lifetimeValueCents: Record<string, number>;
}

const count = z.int().min(0);
const customerValueSchema = z.strictObject({
  customerId: z.string(),
  orders: count,
  paid: count,
  shipped: count,
  cancelled: count,
  lifetimeValueCents: z.record(z.string(), z.int()),
});

function addCents(
  into: Record<string, number>,
  currency: string,
  cents: number,
): Record<string, number> {
  return { ...into, [currency]: (into[currency] ?? 0) + cents };
}

export const customerValue: Aggregator<CustomerValue> = {
  name: 'customer-value',
  keyOf: (t: AppliedTransition) => t.after.customerId,
  keyHint: (event) => event.customerId,
  empty: (customerId) => ({
    customerId,
    orders: 0,
    paid: 0,
    shipped: 0,
    cancelled: 0,
    lifetimeValueCents: {},
  }),
  apply(state, t) {
    const next = { ...state };
    if (t.before === undefined) next.orders += 1;
    if (t.after.status === 'paid') next.paid += 1;
    if (t.after.status === 'shipped') next.shipped += 1;
    if (t.after.status === 'cancelled') next.cancelled += 1;
    if (t.revenueDelta !== undefined) {
      const { currency, cents } = t.revenueDelta;
      next.lifetimeValueCents = addCents(state.lifetimeValueCents, currency, cents);
    }
    return next;
  },
  merge(a, b) {
    let lifetimeValueCents = { ...a.lifetimeValueCents };
    for (const [currency, cents] of Object.entries(b.lifetimeValueCents)) {
      lifetimeValueCents = addCents(lifetimeValueCents, currency, cents);
    }
    return {
      customerId: a.customerId,
      orders: a.orders + b.orders,
      paid: a.paid + b.paid,
      shipped: a.shipped + b.shipped,
      cancelled: a.cancelled + b.cancelled,
      lifetimeValueCents,
    };
  },
  parse: (json) => customerValueSchema.parse(JSON.parse(json)),
};
