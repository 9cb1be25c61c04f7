/**
 * The orders and customers programs written out by hand, as the compiler must build them from
 * topologies/orders.yaml and customers.yaml: fixtures for the fold's tests.
 */
import type {
  Aggregate,
  Condition,
  Program,
  Ref,
  StateShape,
  TransitionFilter,
} from '../../../../src/pipeline/program/index.js';

const ev = (...path: string[]): Ref => ({ kind: 'event', path });
const st = (field: string): Ref => ({ kind: 'state', field });

export const ordersShape: StateShape = {
  keyField: 'orderId',
  statusField: 'status',
  fields: [
    { name: 'customerId', type: 'string', from: ['customerId'], default: null },
    { name: 'currency', type: 'string', from: ['data', 'currency'], default: null },
    { name: 'totalCents', type: 'integer', from: ['data', 'totalCents'], default: null },
    { name: 'paidCents', type: 'integer', from: ['data', 'amountCents'], default: 0 },
  ],
  order: ['orderId', 'customerId', 'status', 'currency', 'totalCents', 'paidCents'],
};

const earning: Condition[] = [
  { ref: st('status'), test: { op: 'in', values: ['paid', 'shipped'] } },
];

const machine: Program['machine'] = {
  initial: 'none',
  states: ['placed', 'paid', 'shipped', 'cancelled'],
  transitions: [
    { index: 0, on: 'OrderPlaced', from: ['none'], to: 'placed', guard: [], set: [] },
    {
      index: 1,
      on: 'OrderPaid',
      from: ['placed'],
      to: 'paid',
      guard: [{ ref: ev('data', 'currency'), test: { op: 'sameAs', ref: st('currency') } }],
      anomaly: 'currency-mismatch',
      set: [],
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
};

const paths: Program['paths'] = {
  key: ['orderId'],
  eventId: ['eventId'],
  time: ['timestamp'],
  type: ['type'],
};

const eventTypes = ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCancelled'];

export const revenueAggregate: Aggregate = {
  name: 'revenue',
  groupBy: [{ name: 'currency', ref: st('currency') }],
  metrics: [{ name: 'cents', kind: 'sum', of: st('paidCents'), while: earning }],
  windows: {
    sizes: [
      { label: '1m', ms: 60_000 },
      { label: '1h', ms: 3_600_000 },
    ],
    graceMs: 10_000,
    idleTimeoutMs: 30_000,
  },
};

const when = (filter: Omit<TransitionFilter, 'where'>): TransitionFilter => ({
  ...filter,
  where: [],
});

export const customerValueAggregate: Aggregate = {
  name: 'customer-value',
  groupBy: [{ name: 'customerId', ref: st('customerId') }],
  metrics: [
    { name: 'orders', kind: 'count', when: when({ from: ['none'] }) },
    { name: 'paid', kind: 'count', when: when({ to: ['paid'] }) },
    { name: 'shipped', kind: 'count', when: when({ to: ['shipped'] }) },
    { name: 'cancelled', kind: 'count', when: when({ to: ['cancelled'] }) },
    {
      name: 'lifetimeValueCents',
      kind: 'sum',
      of: st('paidCents'),
      by: st('currency'),
      while: earning,
    },
  ],
};

export const ordersProgram: Program = {
  paths,
  eventTypes,
  state: ordersShape,
  machine,
  aggregates: [revenueAggregate],
};

export const customersProgram: Program = {
  paths,
  eventTypes,
  state: ordersShape,
  machine,
  aggregates: [customerValueAggregate],
};
