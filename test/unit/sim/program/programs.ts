/**
 * Two hand-written programs, as the topology compiler would build them, with their schemas: an
 * orders-like machine (a guard on the currency, one on a carrier, one on the state alone, a type
 * no transition takes) and a shipments-like one (nested paths, a loop through hubs, attempts).
 */
import { readFileSync } from 'node:fs';
import type {
  Condition,
  Literal,
  Program,
  Ref,
  StateField,
  Test,
  Transition,
} from '../../../../src/pipeline/program/types.js';

const fixture = (name: string): object =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as object;

export const ordersSchema = fixture('orders.schema.json');
export const shipmentsSchema = fixture('shipments.schema.json');

const event = (path: string): Ref => ({ kind: 'event', path: path.split('.') });
const state = (field: string): Ref => ({ kind: 'state', field });
const when = (ref: Ref, test: Test): Condition => ({ ref, test });
const field = (
  name: string,
  type: StateField['type'],
  from?: string,
  def: Literal = null,
): StateField =>
  from === undefined
    ? { name, type, default: def }
    : { name, type, from: from.split('.'), default: def };

type TransitionInput = Omit<Transition, 'index' | 'guard' | 'set'> &
  Partial<Pick<Transition, 'guard' | 'set'>>;
const transitions = (list: readonly TransitionInput[]): Transition[] =>
  list.map((t, index) => ({ guard: [], set: [], ...t, index }));

export const ordersProgram: Program = {
  paths: { key: ['orderId'], eventId: ['eventId'], time: ['timestamp'], type: ['type'] },
  eventTypes: [
    'OrderPlaced',
    'OrderPaid',
    'OrderPacked',
    'OrderShipped',
    'OrderDelivered',
    'OrderCancelled',
    'OrderRefunded',
    'OrderNoted',
  ],
  state: {
    keyField: 'orderId',
    statusField: 'status',
    fields: [
      field('customerId', 'string', 'customerId'),
      field('currency', 'string', 'data.currency'),
      field('totalCents', 'integer', 'data.totalCents', 0),
      field('paidCents', 'integer', undefined, 0),
      field('carrier', 'string', 'data.carrier'),
    ],
    order: ['orderId', 'customerId', 'status', 'currency', 'totalCents', 'paidCents', 'carrier'],
  },
  machine: {
    initial: 'none',
    states: ['placed', 'paid', 'packed', 'shipped', 'delivered', 'cancelled', 'refunded'],
    transitions: transitions([
      { on: 'OrderPlaced', from: ['none'], to: 'placed' },
      {
        on: 'OrderPaid',
        from: ['placed'],
        to: 'paid',
        guard: [when(event('data.currency'), { op: 'sameAs', ref: state('currency') })],
        anomaly: 'currency-mismatch',
        set: [{ field: 'paidCents', ref: event('data.amountCents') }],
      },
      { on: 'OrderPacked', from: ['paid'], to: 'packed' },
      {
        on: 'OrderShipped',
        from: ['packed'],
        to: 'shipped',
        guard: [when(event('data.carrier'), { op: 'in', values: ['UPS', 'DHL', 'FedEx'] })],
        anomaly: 'unknown-carrier',
      },
      { on: 'OrderDelivered', from: ['shipped'], to: 'delivered' },
      { on: 'OrderCancelled', from: ['placed', 'paid', 'packed'], to: 'cancelled' },
      {
        on: 'OrderRefunded',
        from: ['delivered', 'cancelled'],
        to: 'refunded',
        guard: [
          when(state('paidCents'), { op: 'gt', value: 0 }),
          when(event('data.amountCents'), { op: 'lte', value: 20_000 }),
        ],
        anomaly: 'nothing-to-refund',
      },
    ]),
  },
  aggregates: [],
};

export const shipmentsProgram: Program = {
  paths: { key: ['shipmentId'], eventId: ['meta', 'id'], time: ['meta', 'at'], type: ['kind'] },
  eventTypes: [
    'ShipmentCreated',
    'LabelPrinted',
    'PickedUp',
    'Scanned',
    'Departed',
    'OutForDelivery',
    'Delivered',
    'DeliveryFailed',
    'Returned',
    'Lost',
    'AddressChanged',
  ],
  state: {
    keyField: 'shipmentId',
    statusField: 'state',
    fields: [
      field('carrier', 'string', 'carrier'),
      field('hub', 'string', 'location.hub'),
      field('weightGrams', 'integer', 'parcel.weightGrams', 0),
      field('attempts', 'integer', undefined, 0),
    ],
    order: ['shipmentId', 'state', 'carrier', 'hub', 'weightGrams', 'attempts'],
  },
  machine: {
    initial: 'new',
    states: [
      'created',
      'labelled',
      'pickedUp',
      'atHub',
      'inTransit',
      'outForDelivery',
      'delivered',
      'failedAttempt',
      'returned',
      'lost',
    ],
    transitions: transitions([
      { on: 'ShipmentCreated', from: ['new'], to: 'created' },
      {
        on: 'LabelPrinted',
        from: ['created'],
        to: 'labelled',
        guard: [when(event('carrier'), { op: 'sameAs', ref: state('carrier') })],
        anomaly: 'carrier-changed',
      },
      { on: 'PickedUp', from: ['labelled'], to: 'pickedUp' },
      {
        on: 'Scanned',
        from: ['pickedUp', 'inTransit'],
        to: 'atHub',
        guard: [when(event('location.hub'), { op: 'differs', ref: state('hub') })],
        anomaly: 'scanned-twice',
      },
      { on: 'Departed', from: ['atHub'], to: 'inTransit' },
      {
        on: 'OutForDelivery',
        from: ['atHub'],
        to: 'outForDelivery',
        guard: [when(state('hub'), { op: 'sameAs', ref: event('location.hub') })],
      },
      {
        on: 'Delivered',
        from: ['outForDelivery'],
        to: 'delivered',
        guard: [when(event('attempt'), { op: 'lte', value: 3 })],
      },
      {
        on: 'DeliveryFailed',
        from: ['outForDelivery'],
        to: 'failedAttempt',
        set: [{ field: 'attempts', ref: event('attempt') }],
      },
      {
        on: 'OutForDelivery',
        from: ['failedAttempt'],
        to: 'outForDelivery',
        guard: [when(state('attempts'), { op: 'lt', value: 3 })],
      },
      { on: 'Returned', from: ['failedAttempt'], to: 'returned' },
      { on: 'Lost', from: ['inTransit'], to: 'lost' },
    ]),
  },
  aggregates: [],
};
