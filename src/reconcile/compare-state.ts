import type { PartitionRange } from '../kafka/read-topic.js';
import type { RefEntry, RefOrder } from './reference.js';
import {
  MAX_LISTED,
  type AppliedSection,
  type OrderMismatch,
  type OrderRef,
  type OrdersSection,
  type RevenueSection,
  type RevenueView,
} from './types.js';

/** The order fields a query returns, and so the ones that must match exactly. */
export const ComparedFields = [
  'customerId',
  'status',
  'currency',
  'totalCents',
  'paidCents',
  'appliedEvents',
  'updatedAt',
] as const satisfies readonly (keyof RefOrder)[];

/** Orders as found in Redis, per partition and orderId. */
export type ActualOrders = ReadonlyMap<number, ReadonlyMap<string, Partial<RefOrder>>>;

export function compareOrders(
  expected: ReadonlyMap<number, ReadonlyMap<string, RefEntry>>,
  actual: ActualOrders,
): OrdersSection {
  const mismatches: OrderMismatch[] = [];
  const missing: OrderRef[] = [];
  const unexpected: OrderRef[] = [];
  let expectedCount = 0;
  let actualCount = 0;
  for (const [partition, orders] of expected) {
    const found = actual.get(partition);
    for (const [orderId, entry] of orders) {
      expectedCount += 1;
      const state = found?.get(orderId);
      if (state === undefined) {
        missing.push({ partition, orderId });
        continue;
      }
      const diffs: OrderMismatch['diffs'] = {};
      for (const field of ComparedFields) {
        if (state[field] !== entry.order[field]) {
          diffs[field] = { expected: entry.order[field], actual: state[field] };
        }
      }
      if (Object.keys(diffs).length > 0) mismatches.push({ partition, orderId, diffs });
    }
  }
  for (const [partition, orders] of actual) {
    for (const orderId of orders.keys()) {
      actualCount += 1;
      if (!expected.get(partition)?.has(orderId)) unexpected.push({ partition, orderId });
    }
  }
  return {
    ok: mismatches.length + missing.length + unexpected.length === 0,
    expected: expectedCount,
    actual: actualCount,
    mismatchCount: mismatches.length,
    mismatches: mismatches.slice(0, MAX_LISTED),
    missing: missing.length,
    missingOrders: missing.slice(0, MAX_LISTED),
    unexpected: unexpected.length,
    unexpectedOrders: unexpected.slice(0, MAX_LISTED),
  };
}

/**
 * Subtotals per partition plus their sums, without zero entries: a currency whose revenue was
 * refunded back to 0 may or may not still have a field in Redis, and neither is wrong.
 */
export function revenueView(totals: ReadonlyMap<number, ReadonlyMap<string, number>>): RevenueView {
  const view: RevenueView = { totals: {}, partitions: {} };
  for (const partition of [...totals.keys()].sort((a, b) => a - b)) {
    const subtotals: Record<string, number> = {};
    for (const [currency, cents] of [...(totals.get(partition) ?? [])].sort()) {
      if (cents === 0) continue;
      subtotals[currency] = cents;
      view.totals[currency] = (view.totals[currency] ?? 0) + cents;
    }
    if (Object.keys(subtotals).length > 0) view.partitions[String(partition)] = subtotals;
  }
  for (const [currency, cents] of Object.entries(view.totals)) {
    if (cents === 0) delete view.totals[currency];
  }
  return view;
}

/** Key order must not matter: compare as sorted entries. */
function canonical(view: RevenueView): string {
  const sorted = (o: Record<string, number>) =>
    Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([
    sorted(view.totals),
    Object.entries(view.partitions)
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([p, t]) => [p, sorted(t)]),
  ]);
}

export function compareRevenue(
  expected: ReadonlyMap<number, ReadonlyMap<string, number>>,
  actual: ReadonlyMap<number, ReadonlyMap<string, number>>,
): RevenueSection {
  const e = revenueView(expected);
  const a = revenueView(actual);
  return { ok: canonical(e) === canonical(a), expected: e, actual: a };
}

/**
 * Every record below the high watermark captured at the start must be applied: the applied
 * offset is high − 1 (the watermark is the *next* offset), and −1 where there was nothing.
 */
export function compareApplied(
  ranges: readonly PartitionRange[],
  actual: ReadonlyMap<number, number>,
): AppliedSection {
  const expectedByPartition = new Map<number, number>(ranges.map((r) => [r.partition, r.high - 1]));
  const partitions = [...new Set([...expectedByPartition.keys(), ...actual.keys()])].sort(
    (a, b) => a - b,
  );
  const section: AppliedSection = { ok: true, expected: {}, actual: {}, mismatches: [] };
  for (const partition of partitions) {
    const expected = expectedByPartition.get(partition) ?? -1;
    const found = actual.get(partition) ?? -1;
    section.expected[String(partition)] = expected;
    section.actual[String(partition)] = found;
    if (expected !== found) section.mismatches.push({ partition, expected, actual: found });
  }
  section.ok = section.mismatches.length === 0;
  return section;
}
