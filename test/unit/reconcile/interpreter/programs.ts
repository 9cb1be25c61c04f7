/**
 * Programs written by hand for the interpreter's tests: an orders-like lifecycle with revenue
 * (a windowed state metric) and customer value (event counts and a `by` state metric), and a
 * program with one of every event metric kind.
 */
import type {
  Aggregate,
  JsonValue,
  Program,
  ProgramEvent,
  Ref,
} from '../../../../src/pipeline/program/types.js';

export const state = (field: string): Ref => ({ kind: 'state', field });
export const event = (...path: string[]): Ref => ({ kind: 'event', path });

const paidOrShipped = [
  { ref: state('status'), test: { op: 'in', values: ['paid', 'shipped'] } },
] as const;

export const revenue: Aggregate = {
  name: 'revenue',
  groupBy: [{ name: 'currency', ref: state('currency') }],
  metrics: [{ name: 'cents', kind: 'sum', of: state('paidCents'), while: paidOrShipped }],
  windows: {
    sizes: [
      { label: '1m', ms: 60_000 },
      { label: '1h', ms: 3_600_000 },
    ],
    graceMs: 10_000,
    idleTimeoutMs: 30_000,
  },
};

const countTo = (name: string, to: string) =>
  ({ name, kind: 'count', when: { to: [to], where: [] } }) as const;

export const customerValue: Aggregate = {
  name: 'customer-value',
  groupBy: [{ name: 'customerId', ref: state('customerId') }],
  metrics: [
    countTo('orders', 'placed'),
    countTo('paid', 'paid'),
    countTo('shipped', 'shipped'),
    countTo('cancelled', 'cancelled'),
    {
      name: 'lifetimeValueCents',
      kind: 'sum',
      of: state('paidCents'),
      while: paidOrShipped,
      by: state('currency'),
    },
  ],
};

export const ordersProgram: Program = {
  paths: { key: ['orderId'], eventId: ['eventId'], time: ['timestamp'], type: ['type'] },
  eventTypes: ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCancelled'],
  state: {
    keyField: 'orderId',
    statusField: 'status',
    fields: [
      { name: 'customerId', type: 'string', from: ['customerId'], default: null },
      { name: 'currency', type: 'string', from: ['data', 'currency'], default: null },
      { name: 'totalCents', type: 'integer', from: ['data', 'totalCents'], default: 0 },
      { name: 'paidCents', type: 'integer', default: 0 },
    ],
    order: ['orderId', 'customerId', 'status', 'currency', 'totalCents', 'paidCents'],
  },
  machine: {
    initial: 'none',
    states: ['placed', 'paid', 'shipped', 'cancelled'],
    transitions: [
      { index: 0, on: 'OrderPlaced', from: ['none'], to: 'placed', guard: [], set: [] },
      {
        index: 1,
        on: 'OrderPaid',
        from: ['placed'],
        to: 'paid',
        guard: [{ ref: event('data', 'currency'), test: { op: 'sameAs', ref: state('currency') } }],
        anomaly: 'currency-mismatch',
        set: [{ field: 'paidCents', ref: event('data', 'amountCents') }],
      },
      { index: 2, on: 'OrderShipped', from: ['paid'], to: 'shipped', guard: [], set: [] },
      {
        index: 3,
        on: 'OrderCancelled',
        from: ['placed', 'paid'],
        to: 'cancelled',
        guard: [],
        set: [],
      },
    ],
  },
  aggregates: [revenue, customerValue],
};

let sequence = 0;

/** An order event; ids are unique unless `eventId` is given (to make a duplicate). */
export function orderEvent(
  type: 'OrderPlaced' | 'OrderPaid' | 'OrderShipped' | 'OrderCancelled',
  orderId: string,
  time: number,
  options: { customerId?: string; currency?: string; cents?: number; eventId?: string } = {},
): ProgramEvent {
  sequence += 1;
  const eventId = options.eventId ?? `e-${sequence}`;
  const customerId = options.customerId ?? 'c-1';
  const currency = options.currency ?? 'USD';
  const cents = options.cents ?? 1_000;
  const data: Record<string, JsonValue> =
    type === 'OrderPlaced'
      ? { currency, totalCents: cents }
      : type === 'OrderPaid'
        ? { currency, amountCents: cents }
        : {};
  return {
    key: orderId,
    eventId,
    time,
    type,
    value: { eventId, orderId, customerId, timestamp: time, type, data },
  };
}

/** Events of one partition at offsets 0, 1, 2, … */
export function atOffsets(
  events: readonly ProgramEvent[],
): { offset: number; event: ProgramEvent }[] {
  return events.map((e, offset) => ({ offset, event: e }));
}
