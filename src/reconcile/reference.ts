/**
 * The reference recomputation: what Redis must hold after the worker has applied an input topic,
 * derived from the records alone with the obvious rules of docs/architecture.md, The orders
 * contract. Independent of src/pipeline on purpose (see reference-validate.ts).
 */
import { validateRecord, type RefEvent } from './reference-validate.js';

export type RefStatus = 'placed' | 'paid' | 'shipped' | 'cancelled';

/** The queryable fields of an order; the ones reconciliation compares. */
export interface RefOrder {
  orderId: string;
  customerId: string;
  status: RefStatus;
  currency: string;
  totalCents: number;
  paidCents: number;
  appliedEvents: number;
  updatedAt: number;
}

/** An order plus the ids of the events applied to it (the duplicate check). */
export interface RefEntry {
  order: RefOrder;
  eventIds: string[];
}

export type RefOutcome = 'applied' | 'duplicate' | 'anomaly' | 'invalid';

export interface RefStep {
  outcome: Exclude<RefOutcome, 'invalid'>;
  /** The entry after the event (unchanged unless applied). */
  entry: RefEntry | undefined;
  /** Revenue change in integer cents, when there is one. */
  revenue?: { currency: string; cents: number };
}

/** One event against one order's entry. Never mutates `entry`. */
export function referenceStep(entry: RefEntry | undefined, event: RefEvent): RefStep {
  if (entry?.eventIds.includes(event.eventId)) return { outcome: 'duplicate', entry };
  const anomaly: RefStep = { outcome: 'anomaly', entry };
  const applied = (changes: Partial<RefOrder>, from: RefEntry): RefEntry => ({
    order: {
      ...from.order,
      ...changes,
      appliedEvents: from.order.appliedEvents + 1,
      updatedAt: event.timestamp,
    },
    eventIds: [...from.eventIds, event.eventId],
  });

  if (entry === undefined) {
    if (event.type !== 'OrderPlaced') return anomaly;
    const order: RefOrder = {
      orderId: event.orderId,
      customerId: event.customerId,
      status: 'placed',
      currency: event.currency,
      totalCents: event.totalCents,
      paidCents: 0,
      appliedEvents: 1,
      updatedAt: event.timestamp,
    };
    return { outcome: 'applied', entry: { order, eventIds: [event.eventId] } };
  }

  const { status, currency } = entry.order;
  if (event.type === 'OrderPaid' && status === 'placed' && event.currency === currency) {
    return {
      outcome: 'applied',
      entry: applied({ status: 'paid', paidCents: event.amountCents }, entry),
      revenue: { currency, cents: event.amountCents },
    };
  }
  if (event.type === 'OrderShipped' && status === 'paid') {
    return { outcome: 'applied', entry: applied({ status: 'shipped' }, entry) };
  }
  if (event.type === 'OrderCancelled' && status === 'placed') {
    return { outcome: 'applied', entry: applied({ status: 'cancelled' }, entry) };
  }
  if (event.type === 'OrderCancelled' && status === 'paid') {
    // The order keeps what was paid; the revenue gives it back.
    return {
      outcome: 'applied',
      entry: applied({ status: 'cancelled' }, entry),
      revenue: { currency, cents: -entry.order.paidCents },
    };
  }
  return anomaly;
}

export interface InputRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** An input record that belongs on the dead-letter topic, and why. */
export interface InvalidInput extends InputRecord {
  reason: string;
}

export interface RefCounts {
  records: number;
  applied: number;
  duplicates: number;
  anomalies: number;
  invalid: number;
}

/**
 * Sees every schema-valid event once, after the model has taken it in: its position, its step
 * and the order's entry before it. Derived references (windows, customers) hang off this.
 */
export type RefStepObserver = (
  partition: number,
  offset: number,
  event: RefEvent,
  outcome: RefStep['outcome'],
  before: RefEntry | undefined,
  step: RefStep,
) => void;

export interface ReferenceModelOptions {
  onStep?: RefStepObserver;
}

/**
 * The whole input folded per partition, as the worker shards it: an order's state lives in the
 * partition its records were read from.
 */
export class ReferenceModel {
  readonly orders = new Map<number, Map<string, RefEntry>>();
  /** Revenue per partition and currency, integer cents. */
  readonly totals = new Map<number, Map<string, number>>();
  readonly invalid: InvalidInput[] = [];
  readonly counts: RefCounts = { records: 0, applied: 0, duplicates: 0, anomalies: 0, invalid: 0 };

  constructor(
    private readonly maxValueBytes: number,
    private readonly options: ReferenceModelOptions = {},
  ) {}

  /** Records must arrive in offset order within each partition. */
  apply(record: InputRecord): RefOutcome {
    this.counts.records += 1;
    const checked = validateRecord(record.key, record.value, this.maxValueBytes);
    if (!checked.ok) {
      this.counts.invalid += 1;
      this.invalid.push({ ...record, reason: checked.reason });
      return 'invalid';
    }
    const orders = getOrCreate(this.orders, record.partition, () => new Map<string, RefEntry>());
    const before = orders.get(checked.event.orderId);
    const step = referenceStep(before, checked.event);
    if (step.outcome === 'duplicate') this.counts.duplicates += 1;
    if (step.outcome === 'anomaly') this.counts.anomalies += 1;
    if (step.outcome === 'applied' && step.entry) {
      this.counts.applied += 1;
      orders.set(checked.event.orderId, step.entry);
      if (step.revenue) {
        const totals = getOrCreate(this.totals, record.partition, () => new Map<string, number>());
        const { currency, cents } = step.revenue;
        totals.set(currency, (totals.get(currency) ?? 0) + cents);
      }
    }
    this.options.onStep?.(
      record.partition,
      record.offset,
      checked.event,
      step.outcome,
      before,
      step,
    );
    return step.outcome;
  }

  /** Every expected order, keyed by partition. */
  entries(): [number, RefEntry][] {
    return [...this.orders].flatMap(([p, m]) =>
      [...m.values()].map((e): [number, RefEntry] => [p, e]),
    );
  }
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}
