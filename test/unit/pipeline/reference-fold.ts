/**
 * The independent reference for the fold properties: one loop over the stream with a Set of
 * applied eventIds per order. It deliberately does not call the reducer.
 */
import type { OrderState } from '../../../src/pipeline/index.js';
import type { Item } from './order-stream.js';

export interface Totals {
  states: Map<string, OrderState>;
  totals: Map<string, number>;
  counts: { applied: number; duplicates: number; anomalies: number; deadLettered: number };
}

/** The independent reference: one loop, a Set of applied eventIds per order, no reducer. */
export function reference(items: readonly Item[]): Totals {
  const states = new Map<string, OrderState>();
  const seen = new Map<string, Set<string>>();
  const totals = new Map<string, number>();
  const counts = { applied: 0, duplicates: 0, anomalies: 0, deadLettered: 0 };
  const add = (currency: string, cents: number): void => {
    totals.set(currency, (totals.get(currency) ?? 0) + cents);
  };

  for (const item of items) {
    if (item.kind === 'garbage') {
      counts.deadLettered += 1;
      continue;
    }
    const e = item.event;
    const ids = seen.get(e.orderId) ?? new Set<string>();
    if (ids.has(e.eventId)) {
      counts.duplicates += 1;
      continue;
    }
    const s = states.get(e.orderId);
    let next: OrderState | undefined;
    if (e.type === 'OrderPlaced' && s === undefined) {
      next = {
        orderId: e.orderId,
        customerId: e.customerId,
        status: 'placed',
        currency: e.data.currency,
        totalCents: e.data.totalCents,
        paidCents: 0,
        appliedEvents: 0,
        updatedAt: 0,
        eventIds: [],
      };
    } else if (e.type === 'OrderPaid' && s?.status === 'placed' && s.currency === e.data.currency) {
      next = { ...s, status: 'paid', paidCents: e.data.amountCents };
      add(s.currency, e.data.amountCents);
    } else if (e.type === 'OrderShipped' && s?.status === 'paid') {
      next = { ...s, status: 'shipped' };
    } else if (e.type === 'OrderCancelled' && s?.status === 'placed') {
      next = { ...s, status: 'cancelled' };
    } else if (e.type === 'OrderCancelled' && s?.status === 'paid') {
      next = { ...s, status: 'cancelled' };
      add(s.currency, -s.paidCents);
    }
    if (next === undefined) {
      counts.anomalies += 1;
      continue;
    }
    ids.add(e.eventId);
    seen.set(e.orderId, ids);
    states.set(e.orderId, {
      ...next,
      appliedEvents: ids.size,
      updatedAt: e.timestamp,
      eventIds: [...ids],
    });
    counts.applied += 1;
  }
  return { states, totals, counts };
}
