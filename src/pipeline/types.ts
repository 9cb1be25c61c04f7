/**
 * The wire contract (DESIGN.md §4) as types, and what the pipeline hands to the state layer.
 * Nothing here knows Kafka or Redis.
 */

export const EventTypes = ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCancelled'] as const;
export type EventType = (typeof EventTypes)[number];

export const OrderStatuses = ['placed', 'paid', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof OrderStatuses)[number];

export interface LineItem {
  productId: string;
  quantity: number;
  priceCents: number;
}

interface EventBase<T extends EventType, D> {
  eventId: string;
  type: T;
  orderId: string;
  customerId: string;
  /** Event time, epoch milliseconds. */
  timestamp: number;
  data: D;
}

export type OrderPlaced = EventBase<
  'OrderPlaced',
  { items: LineItem[]; totalCents: number; currency: string }
>;
export type OrderPaid = EventBase<'OrderPaid', { amountCents: number; currency: string }>;
export type OrderShipped = EventBase<'OrderShipped', { carrier?: string; trackingId?: string }>;
export type OrderCancelled = EventBase<'OrderCancelled', { reason?: string }>;
export type OrderEvent = OrderPlaced | OrderPaid | OrderShipped | OrderCancelled;

/** Per-order state as stored in Redis; `eventIds` are the applied events (duplicate check). */
export interface OrderState {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  currency: string;
  totalCents: number;
  paidCents: number;
  appliedEvents: number;
  /** Event time of the last applied event. */
  updatedAt: number;
  eventIds: string[];
}

/** A record of the source topic as the pipeline sees it. */
export interface SourceRecord {
  topic: string;
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
  /** Broker timestamp, epoch milliseconds. */
  timestamp: number;
  headers: Readonly<Record<string, string>>;
}

/** Why a record could not become an event: it goes to the dead-letter topic. */
export interface DecodeFailure {
  /** Short machine-readable class: `too-large`, `not-json`, `schema`, `empty`, … */
  errorClass: string;
  message: string;
}

export type Decoded =
  | { ok: true; record: SourceRecord; event: OrderEvent }
  | { ok: false; record: SourceRecord; failure: DecodeFailure };

/** A record for a derived topic, ready for the outbox. `id` becomes the `sf-id` header. */
export interface DerivedRecord {
  topic: string;
  key: Buffer | string | null;
  value: Buffer | string;
  headers: Record<string, string>;
  /** `<source topic>/<partition>/<offset>/<n>`: stable across replays, for consumer dedup. */
  id: string;
}

/** The output topics a fold writes to. */
export interface OutputTopics {
  status: string;
  revenue: string;
  anomalies: string;
  deadLetter: string;
}

export interface FoldContext {
  outputs: OutputTopics;
  /** Goes into the `sf-worker-version` header of dead letters. */
  workerVersion: string;
  /** Wall-clock time for `sf-failed-at`; passed in so the fold stays pure. */
  now: number;
}

export interface BatchCounts {
  records: number;
  applied: number;
  duplicates: number;
  anomalies: number;
  deadLettered: number;
}

/** Everything one partition-batch changes; the commit script writes it atomically. */
export interface BatchResult {
  partition: number;
  firstOffset: number;
  lastOffset: number;
  /** New state of every order the batch changed. */
  states: Map<string, OrderState>;
  /** Revenue change per currency in integer cents (zero entries omitted). */
  totalsDelta: Map<string, number>;
  /** Status, anomaly, dead-letter and revenue-update records, in offset order. */
  outputs: DerivedRecord[];
  counts: BatchCounts;
}
