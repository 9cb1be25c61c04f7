/**
 * Random order streams for the fold properties: per-order scripts (legal lifecycles or random
 * events), re-sends of earlier events, undecodable records, an interleaving that keeps each
 * order's own order, and batch cuts.
 */
import fc from 'fast-check';
import type { OrderEvent, SourceRecord } from '../../../src/pipeline/index.js';
import { cancelled, eventRecord, paid, placed, rawRecord, shipped } from './fixtures.js';

const CURRENCIES = ['USD', 'EUR', 'JPY'] as const;
const KINDS = ['placed', 'paid', 'shipped', 'cancelled'] as const;
type Kind = (typeof KINDS)[number];

interface Step {
  kind: Kind;
  currency: string;
  cents: number;
  timestamp: number;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom(...KINDS),
  currency: fc.constantFrom(...CURRENCIES),
  cents: fc.nat({ max: 1_000_000 }),
  timestamp: fc.nat({ max: 2 ** 42 }),
});

/** A lifecycle that is legal end to end, so most orders reach paid/shipped/cancelled. */
const legalScriptArb: fc.Arbitrary<Step[]> = fc
  .record({
    currency: fc.constantFrom(...CURRENCIES),
    total: fc.nat({ max: 1_000_000 }),
    paidCents: fc.nat({ max: 1_000_000 }),
    pays: fc.boolean(),
    end: fc.constantFrom('open', 'shipped', 'cancelled'),
    timestamps: fc.array(fc.nat({ max: 2 ** 42 }), { minLength: 4, maxLength: 4 }),
    tail: fc.array(stepArb, { maxLength: 2 }),
  })
  .map((s) => {
    const at = (i: number): number => s.timestamps[i] ?? 0;
    const steps: Step[] = [
      { kind: 'placed', currency: s.currency, cents: s.total, timestamp: at(0) },
    ];
    if (s.pays) {
      steps.push({ kind: 'paid', currency: s.currency, cents: s.paidCents, timestamp: at(1) });
    }
    if (s.end === 'shipped' && s.pays) {
      steps.push({ kind: 'shipped', currency: s.currency, cents: 0, timestamp: at(2) });
    }
    if (s.end === 'cancelled') {
      steps.push({ kind: 'cancelled', currency: s.currency, cents: 0, timestamp: at(3) });
    }
    return [...steps, ...s.tail];
  });

const scriptArb = fc.oneof(legalScriptArb, fc.array(stepArb, { minLength: 1, maxLength: 6 }));

/** Re-sends: copy the event at `source`, insert it somewhere after the original. */
const resendArb = fc.record({ source: fc.nat(), after: fc.nat() });

const orderArb = fc.record({
  customerId: fc.constantFrom('c-1', 'c-2'),
  script: scriptArb,
  resends: fc.array(resendArb, { maxLength: 4 }),
});

/** Records that must go to the DLT and touch nothing. */
const GARBAGE: ((orderId: string) => SourceRecord)[] = [
  () => rawRecord(null, { key: 'o-0' }),
  () => rawRecord(''),
  () => rawRecord('{"eventId":'),
  () => rawRecord(Buffer.from([0xff, 0xfe])),
  () => rawRecord('[]'),
  // A real-looking event under the wrong key, and one with negative cents.
  (o) => eventRecord(paid({ eventId: 'g-1', orderId: o, amountCents: 5 }), { key: 'other' }),
  (o) => eventRecord(paid({ eventId: 'g-2', orderId: o, amountCents: -5 })),
];

export interface StreamInput {
  orders: { customerId: string; script: Step[]; resends: { source: number; after: number }[] }[];
  interleave: number[];
  garbage: { at: number; which: number }[];
  batchSizes: number[];
  firstOffset: number;
}

export const streamArb: fc.Arbitrary<StreamInput> = fc.record({
  orders: fc.array(orderArb, { minLength: 1, maxLength: 6 }),
  interleave: fc.array(fc.nat(), { minLength: 1, maxLength: 64 }),
  garbage: fc.array(fc.record({ at: fc.nat(), which: fc.nat({ max: GARBAGE.length - 1 }) }), {
    maxLength: 4,
  }),
  batchSizes: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 8 }),
  firstOffset: fc.nat({ max: 1_000_000 }),
});

export type Item = { kind: 'event'; event: OrderEvent } | { kind: 'garbage'; record: SourceRecord };

function toEvent(orderId: string, customerId: string, step: Step, index: number): OrderEvent {
  // Every order numbers its events from e-0: equal eventIds in different orders are not duplicates.
  const b = { eventId: `e-${index}`, orderId, customerId, timestamp: step.timestamp };
  switch (step.kind) {
    case 'placed':
      return placed({ ...b, currency: step.currency, totalCents: step.cents });
    case 'paid':
      return paid({ ...b, currency: step.currency, amountCents: step.cents });
    case 'shipped':
      return shipped(b);
    case 'cancelled':
      return cancelled(b);
  }
}

export function buildStream(input: StreamInput): {
  items: Item[];
  records: SourceRecord[];
} {
  const queues = input.orders.map((order, o) => {
    const orderId = `o-${o + 1}`;
    const events = order.script.map((step, i) => toEvent(orderId, order.customerId, step, i));
    for (const { source, after } of order.resends) {
      const from = source % events.length;
      const original = events[from];
      if (original === undefined) continue;
      const at = from + 1 + (after % (events.length - from));
      events.splice(at, 0, structuredClone(original));
    }
    return events;
  });

  const items: Item[] = [];
  let pick = 0;
  for (;;) {
    const open = queues.filter((q) => q.length > 0);
    if (open.length === 0) break;
    const choice = input.interleave[pick % input.interleave.length] ?? 0;
    pick += 1;
    const event = open[choice % open.length]?.shift();
    if (event !== undefined) items.push({ kind: 'event', event });
  }
  for (const { at, which } of input.garbage) {
    const make = GARBAGE[which];
    if (make !== undefined)
      items.splice(at % (items.length + 1), 0, { kind: 'garbage', record: make('o-1') });
  }

  const records = items.map((item, i) => {
    const offset = input.firstOffset + i;
    return item.kind === 'event' ? eventRecord(item.event, { offset }) : { ...item.record, offset };
  });
  return { items, records };
}

/** Cuts `xs` into consecutive batches, cycling through `sizes`. */
export function cut<T>(xs: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, b = 0; i < xs.length; b += 1) {
    const size = sizes[b % sizes.length] ?? 1;
    out.push(xs.slice(i, i + size));
    i += size;
  }
  return out;
}
