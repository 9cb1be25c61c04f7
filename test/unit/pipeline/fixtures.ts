/** Builders for pipeline tests: wire-shaped events and the source records that carry them. */
import type {
  FoldContext,
  FoldInput,
  OrderCancelled,
  OrderEvent,
  OrderPaid,
  OrderPlaced,
  OrderShipped,
  OrderState,
  SourceRecord,
} from '../../../src/pipeline/index.js';
import type { CompiledTopology } from '../../../src/topology/index.js';

export const TOPIC = 'order-events';
export const PARTITION = 3;
export const MAX_BYTES = 64 * 1024;

export const ctx: FoldContext = {
  sourceTopic: TOPIC,
  outputs: {
    status: 'order-status',
    revenue: 'revenue-updates',
    anomalies: 'order-anomalies',
    deadLetter: 'order-events-dlt',
  },
  workerVersion: '1.2.3',
  now: Date.UTC(2025, 10, 28, 12, 0, 0),
  aggregators: [],
};

/**
 * A fold's input from the order states and revenue totals alone (no aggregates, no windows,
 * nothing parked): what every fold took before the engine grew those. `extra` adds the rest.
 */
export function foldInput(
  states: ReadonlyMap<string, OrderState> = new Map(),
  totals: ReadonlyMap<string, number> = new Map(),
  extra: Partial<FoldInput> = {},
): FoldInput {
  return { states, totals, aggregates: new Map(), parked: new Map(), ...extra };
}

interface Base {
  eventId: string;
  orderId: string;
  customerId?: string;
  timestamp?: number;
}

function base(b: Base) {
  return {
    eventId: b.eventId,
    orderId: b.orderId,
    customerId: b.customerId ?? 'c-1',
    timestamp: b.timestamp ?? 1_764_300_000_000,
  };
}

// Key order matches the wire (and the schema), so re-serialised events compare byte for byte.
export function placed(
  b: Base & { totalCents?: number; currency?: string; items?: OrderPlaced['data']['items'] },
): OrderPlaced {
  const { eventId, orderId, customerId, timestamp } = base(b);
  const totalCents = b.totalCents ?? 9998;
  return {
    eventId,
    type: 'OrderPlaced',
    orderId,
    customerId,
    timestamp,
    data: {
      items: b.items ?? [{ productId: 'p-1', quantity: 1, priceCents: totalCents }],
      totalCents,
      currency: b.currency ?? 'USD',
    },
  };
}

export function paid(b: Base & { amountCents?: number; currency?: string }): OrderPaid {
  const { eventId, orderId, customerId, timestamp } = base(b);
  return {
    eventId,
    type: 'OrderPaid',
    orderId,
    customerId,
    timestamp,
    data: { amountCents: b.amountCents ?? 9998, currency: b.currency ?? 'USD' },
  };
}

export function shipped(b: Base & { carrier?: string; trackingId?: string }): OrderShipped {
  const { eventId, orderId, customerId, timestamp } = base(b);
  const data: OrderShipped['data'] = {};
  if (b.carrier !== undefined) data.carrier = b.carrier;
  if (b.trackingId !== undefined) data.trackingId = b.trackingId;
  return { eventId, type: 'OrderShipped', orderId, customerId, timestamp, data };
}

export function cancelled(b: Base & { reason?: string }): OrderCancelled {
  const { eventId, orderId, customerId, timestamp } = base(b);
  const data: OrderCancelled['data'] = b.reason === undefined ? {} : { reason: b.reason };
  return { eventId, type: 'OrderCancelled', orderId, customerId, timestamp, data };
}

export interface RecordOptions {
  offset?: number;
  partition?: number;
  topic?: string;
  /** `undefined` derives the key from the event's orderId; `null` sends no key. */
  key?: Buffer | string | null;
}

export function rawRecord(value: Buffer | string | null, opts: RecordOptions = {}): SourceRecord {
  const key = opts.key === undefined || opts.key === null ? null : Buffer.from(opts.key);
  return {
    topic: opts.topic ?? TOPIC,
    partition: opts.partition ?? PARTITION,
    offset: opts.offset ?? 0,
    key,
    value: value === null ? null : Buffer.from(value),
    timestamp: 1_764_300_000_000,
    headers: {},
  };
}

export function eventRecord(event: OrderEvent | object, opts: RecordOptions = {}): SourceRecord {
  const orderId = (event as { orderId?: unknown }).orderId;
  const key = opts.key !== undefined ? opts.key : typeof orderId === 'string' ? orderId : null;
  return rawRecord(JSON.stringify(event), { ...opts, key });
}

/** A compiled topology over the fixtures' topic and outputs, for worker and source tests. */
export const unitTopology: CompiledTopology = {
  name: 'orders',
  description: 'unit test topology',
  file: 'test.yaml',
  source: { topic: TOPIC, group: 'orders-group', partitions: 4, replicationFactor: 1 },
  event: { schema: 'order-event/v1', maxValueBytes: MAX_BYTES },
  outputs: ctx.outputs,
  aggregates: [],
  aggregators: [],
  parking: { maxAttempts: 3 },
};
