/**
 * The reference for customer value: counts and lifetime value per customer, kept per partition
 * as the worker shards them (a customer's orders can sit in several partitions) and summed when
 * asked. Folds applied lifecycle steps only; independent of src/pipeline on purpose.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { RefEntry } from './reference.js';

export interface RefCustomer {
  customerId: string;
  orders: number;
  paid: number;
  shipped: number;
  cancelled: number;
  /** Per currency, integer cents; a currency once touched stays, even at 0. */
  lifetimeValueCents: Record<string, number>;
}

function emptyCustomer(customerId: string): RefCustomer {
  return { customerId, orders: 0, paid: 0, shipped: 0, cancelled: 0, lifetimeValueCents: {} };
}

function copyCustomer(c: RefCustomer): RefCustomer {
  return { ...c, lifetimeValueCents: { ...c.lifetimeValueCents } };
}

function addValue(c: RefCustomer, currency: string, cents: number): void {
  c.lifetimeValueCents[currency] = (c.lifetimeValueCents[currency] ?? 0) + cents;
}

/** `into` += `from`, counts and every currency. */
function addCustomer(into: RefCustomer, from: RefCustomer): void {
  into.orders += from.orders;
  into.paid += from.paid;
  into.shipped += from.shipped;
  into.cancelled += from.cancelled;
  for (const [currency, cents] of Object.entries(from.lifetimeValueCents)) {
    addValue(into, currency, cents);
  }
}

function byKey<K extends string | number, V>(map: Map<K, V>): Map<K, V> {
  return new Map([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One applied step against its customer: which counter moves, and the value it carries. */
function applyStep(c: RefCustomer, before: RefEntry | undefined, after: RefEntry): void {
  const { status, currency, paidCents } = after.order;
  if (before === undefined) {
    if (status !== 'placed')
      throw new StreamfoldError(ErrorCodes.INTERNAL, `customers: new order in status ${status}`);
    c.orders += 1;
    return;
  }
  if (before.order.status === status)
    throw new StreamfoldError(ErrorCodes.INTERNAL, `customers: no transition (${status})`);
  switch (status) {
    case 'placed':
      throw new StreamfoldError(
        ErrorCodes.INTERNAL,
        'customers: an existing order cannot be placed again',
      );
    case 'paid':
      c.paid += 1;
      addValue(c, currency, paidCents);
      return;
    case 'shipped':
      c.shipped += 1;
      return;
    case 'cancelled':
      c.cancelled += 1;
      if (before.order.status === 'paid') addValue(c, currency, -before.order.paidCents);
      return;
  }
}

/** Feed it every applied step (`before` → `after`), in offset order within a partition. */
export class ReferenceCustomers {
  private readonly partitions = new Map<number, Map<string, RefCustomer>>();

  observe(partition: number, before: RefEntry | undefined, after: RefEntry): void {
    let customers = this.partitions.get(partition);
    if (customers === undefined) {
      customers = new Map();
      this.partitions.set(partition, customers);
    }
    const id = after.order.customerId;
    let customer = customers.get(id);
    if (customer === undefined) {
      customer = emptyCustomer(id);
      customers.set(id, customer);
    }
    applyStep(customer, before, after);
  }

  /** Each partition's customers (copies), partitions and customers in key order. */
  perPartition(): Map<number, Map<string, RefCustomer>> {
    const out = new Map<number, Map<string, RefCustomer>>();
    for (const [partition, customers] of byKey(this.partitions)) {
      const copies = [...customers].map(([id, c]): [string, RefCustomer] => [id, copyCustomer(c)]);
      out.set(partition, byKey(new Map(copies)));
    }
    return out;
  }

  /** Customers summed over partitions, as a query sees them; in key order. */
  merged(): Map<string, RefCustomer> {
    const out = new Map<string, RefCustomer>();
    for (const customers of this.partitions.values()) {
      for (const [id, c] of customers) {
        let sum = out.get(id);
        if (sum === undefined) {
          sum = emptyCustomer(id);
          out.set(id, sum);
        }
        addCustomer(sum, c);
      }
    }
    return byKey(out);
  }
}
