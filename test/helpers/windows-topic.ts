import { readTopic, type TopicRecord } from '../../src/kafka/read-topic.js';
import { ReferenceModel } from '../../src/reconcile/index.js';
import { ReferenceCustomers } from '../../src/reconcile/reference-customers.js';
import {
  ReferenceWindows,
  type RefWindowSize,
  type RefWindowsConfig,
} from '../../src/reconcile/reference-windows.js';
import { testConnection, testLogger } from './env.js';

/**
 * Test-side tools for windowed and aggregate outputs: hand-built order events, whole-topic reads
 * deduplicated by `sf-id`, and the src/reconcile references fed from what a topic really holds.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** mulberry32: a tiny seeded generator, so a test's hand-built stream is the same every run. */
export function seededRandom(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    /** An integer in [min, max]. */
    int: (min: number, max: number): number => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number): boolean => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}

export type EventType = 'OrderPlaced' | 'OrderPaid' | 'OrderShipped' | 'OrderCancelled';

/**
 * The wire contract (docs/architecture.md, The orders contract): money in integer cents, time in
 * epoch ms.
 */
export interface WireEvent {
  eventId: string;
  type: EventType;
  orderId: string;
  customerId: string;
  timestamp: number;
  data: Record<string, unknown>;
}

/** One order's events, each with the wire shape the worker expects. */
export class OrderBuilder {
  private n = 0;

  constructor(
    readonly orderId: string,
    readonly customerId: string,
    readonly currency: string,
    readonly cents: number,
  ) {}

  placed(timestamp: number): WireEvent {
    return this.event('OrderPlaced', timestamp, {
      items: [{ productId: 'sku-0001', quantity: 1, priceCents: this.cents }],
      totalCents: this.cents,
      currency: this.currency,
    });
  }

  paid(timestamp: number): WireEvent {
    return this.event('OrderPaid', timestamp, { amountCents: this.cents, currency: this.currency });
  }

  shipped(timestamp: number): WireEvent {
    return this.event('OrderShipped', timestamp, { carrier: 'UPS' });
  }

  cancelled(timestamp: number): WireEvent {
    return this.event('OrderCancelled', timestamp, { reason: 'customer request' });
  }

  private event(type: EventType, timestamp: number, data: Record<string, unknown>): WireEvent {
    return {
      eventId: `${this.orderId}-${this.n++}`,
      type,
      orderId: this.orderId,
      customerId: this.customerId,
      timestamp,
      data,
    };
  }
}

/**
 * Every record of a topic now, and the distinct ones by their `sf-id` header. A repeat must be
 * byte-identical to the first (ids are derived from the source position): a differing one throws.
 */
export async function readDistinct(
  topic: string,
): Promise<{ records: TopicRecord[]; distinct: TopicRecord[] }> {
  const records: TopicRecord[] = [];
  await readTopic(testConnection(), testLogger(), topic, {
    timeoutMs: 30_000,
    onRecord: (r) => records.push(r),
  });
  const byId = new Map<string, TopicRecord>();
  for (const r of records) {
    const id = r.headers['sf-id'];
    if (id === undefined) throw new Error(`${topic} ${r.partition}@${r.offset} has no sf-id`);
    const first = byId.get(id);
    if (first === undefined) byId.set(id, r);
    else if (!sameBytes(first.key, r.key) || !sameBytes(first.value, r.value)) {
      throw new Error(
        `${topic}: sf-id ${id} at ${first.partition}@${first.offset} and ${r.partition}@${r.offset} with different contents`,
      );
    }
  }
  return { records, distinct: [...byId.values()] };
}

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** Every record of a (source) topic, in offset order within each partition. */
export async function readAll(topic: string): Promise<TopicRecord[]> {
  const records: TopicRecord[] = [];
  await readTopic(testConnection(), testLogger(), topic, {
    timeoutMs: 30_000,
    onRecord: (r) => records.push(r),
  });
  return records;
}

/**
 * The input folded by the references of src/reconcile, exactly as `streamfold reconcile` feeds
 * them: every schema-valid event observed by the windows at its event time, with the revenue of
 * applied steps; applied steps folded into customer partials.
 */
export function referenceOf(
  input: readonly TopicRecord[],
  windows?: RefWindowsConfig,
  maxValueBytes = 65536,
) {
  const refWindows = windows ? new ReferenceWindows(windows) : undefined;
  const customers = new ReferenceCustomers();
  const model = new ReferenceModel(maxValueBytes, {
    onStep: (partition, offset, event, outcome, before, step) => {
      const revenue = outcome === 'applied' ? step.revenue : undefined;
      refWindows?.observe(partition, offset, event.timestamp, revenue);
      if (outcome === 'applied' && step.entry) customers.observe(partition, before, step.entry);
    },
  });
  // Offset order within each partition is all the references need; readTopic guarantees it.
  for (const r of input) model.apply(r);
  return { model, windows: refWindows, customers };
}

export const SIZES: Record<string, RefWindowSize> = {
  '1m': { label: '1m', ms: MINUTE },
  '1h': { label: '1h', ms: HOUR },
};
