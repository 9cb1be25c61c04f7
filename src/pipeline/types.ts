import type { Aggregator } from './aggregates/types.js';
import type { WindowChanges, WindowSpec, WindowState } from './windows.js';

/**
 * The wire contract (docs/architecture.md, The orders contract) as types, and what the pipeline
 * hands to the state layer. Nothing here knows Kafka or Redis.
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

/** The output topics a fold writes to; a derived topic left out is not produced. */
export interface OutputTopics {
  status?: string;
  revenue?: string;
  anomalies?: string;
  deadLetter: string;
  /** Final results of closed windows (required with `windows`). */
  windows?: string;
  /** Events whose revenue came after their window closed (required with `windows`). */
  late?: string;
  /** Changed aggregate partials (required with `aggregates`). */
  aggregates?: string;
}

export interface FoldContext {
  /** The input topic: ids of records not derived from one input record start with it. */
  sourceTopic: string;
  outputs: OutputTopics;
  /** Goes into the `sf-worker-version` header of dead letters. */
  workerVersion: string;
  /** Wall-clock time for `sf-failed-at`; passed in so the fold stays pure. */
  now: number;
  windows?: WindowSpec;
  aggregators: readonly Aggregator<unknown>[];
  /** Test-only fault injection: throws to make an event's processing fail. */
  beforeApply?: (event: OrderEvent) => void;
}

/** An event held because its key is parked, waiting for `unpark`. */
export interface HeldEvent {
  offset: number;
  /** Broker timestamp of the source record. */
  recordTimestamp: number;
  event: OrderEvent;
}

/** A key whose processing failed for good: its failed event went to the dead-letter topic. */
export interface ParkedEntry {
  key: string;
  eventId: string;
  offset: number;
  reason: string;
  /** Wall-clock time it was parked, epoch milliseconds. */
  parkedAt: number;
  /** Later events for the key, in offset order. */
  held: HeldEvent[];
}

/** Everything a fold starts from: the shard's state as the lease and the batch's loads hold it. */
export interface FoldInput {
  /** Current state of every existing order the batch touches. */
  states: ReadonlyMap<string, OrderState>;
  /** `<aggregate>|<key>` → current partial, for every aggregate key the batch touches. */
  aggregates: ReadonlyMap<string, unknown>;
  /** The partition's revenue subtotal per currency before the batch. */
  totals: ReadonlyMap<string, number>;
  windows?: WindowState;
  parked: ReadonlyMap<string, ParkedEntry>;
  /** Offsets whose processing failed too often: dead-letter them and park their key. */
  poisoned?: ReadonlySet<number>;
  /**
   * Offsets known to have failed for good (a rebuild replays the live generation's dead letters):
   * dead-letter them and park their key without processing them.
   */
  failed?: ReadonlySet<number>;
}

export interface BatchCounts {
  records: number;
  applied: number;
  duplicates: number;
  anomalies: number;
  deadLettered: number;
  /** Events held behind a parked key. */
  held: number;
  /** Revenue changes that came after their window closed (one per window size). */
  late: number;
}

/** Everything one partition-batch changes; the commit script writes it atomically. */
export interface BatchResult {
  partition: number;
  firstOffset: number;
  /** The applied offset the commit sets (for a batch of no new records: the current one). */
  lastOffset: number;
  /** New state of every order the batch changed. */
  states: Map<string, OrderState>;
  /** Revenue change per currency in integer cents (zero entries omitted). */
  totalsDelta: Map<string, number>;
  /** `<aggregate>|<key>` → new partial of every aggregate key the batch changed. */
  aggregates: Map<string, unknown>;
  windows?: WindowChanges;
  /** Parked keys after the batch, and which entries changed or went. */
  parked: {
    next: Map<string, ParkedEntry>;
    changed: Map<string, ParkedEntry>;
    removed: string[];
  };
  /** Unpark requests this batch carried out. */
  unparked: string[];
  /** For an unpark batch: the applied offset it happened at (logged for rebuilds). */
  unparkedAt?: number;
  /** Status, anomaly, dead-letter, window, late and aggregate records, in offset order. */
  outputs: DerivedRecord[];
  counts: BatchCounts;
}
