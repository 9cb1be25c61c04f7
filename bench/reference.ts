/**
 * What the final revenue must be, computed from the input topic itself with the independent
 * reference rules of src/reconcile. Kept per partition as the offsets where revenue changed, so
 * a contender that stopped early (the naive one runs on a time budget) is checked against
 * exactly the prefix it committed.
 */
import { referenceStep, validateRecord, type RefEntry } from '../src/reconcile/index.js';
import type { TopicRecord } from '../src/kafka/read-topic.js';

export type Totals = Record<string, number>;

interface RevenueChange {
  offset: number;
  currency: string;
  cents: number;
}

export class PrefixReference {
  private readonly orders = new Map<string, RefEntry>();
  private readonly changes = new Map<number, RevenueChange[]>();
  /** Status records a full run derives: one per applied transition. */
  applied = 0;
  records = 0;

  constructor(private readonly maxValueBytes: number) {}

  /** Feeds one input record; records of a partition must arrive in offset order. */
  add(record: Pick<TopicRecord, 'partition' | 'offset' | 'key' | 'value'>): void {
    this.records += 1;
    const checked = validateRecord(record.key, record.value, this.maxValueBytes);
    if (!checked.ok) return;
    const event = checked.event;
    // Order ids are keys, and a key lives in one partition: one map serves all partitions.
    const step = referenceStep(this.orders.get(event.orderId), event);
    if (step.outcome !== 'applied' || step.entry === undefined) return;
    this.applied += 1;
    this.orders.set(event.orderId, step.entry);
    if (step.revenue) {
      const list = this.changes.get(record.partition) ?? [];
      list.push({ offset: record.offset, ...step.revenue });
      this.changes.set(record.partition, list);
    }
  }

  /** Revenue per currency after every record; zero totals left out. */
  totals(): Totals {
    return this.totalsUpTo(undefined);
  }

  /** Revenue per currency after the records below `ends` (partition → next offset). */
  totalsUpTo(ends: ReadonlyMap<number, number> | undefined): Totals {
    const sums = new Map<string, number>();
    for (const [partition, list] of this.changes) {
      const end = ends === undefined ? Infinity : (ends.get(partition) ?? 0);
      for (const c of list) {
        if (c.offset >= end) break;
        sums.set(c.currency, (sums.get(c.currency) ?? 0) + c.cents);
      }
    }
    return withoutZeros(Object.fromEntries(sums));
  }
}

export function withoutZeros(totals: Totals): Totals {
  return Object.fromEntries(
    Object.entries(totals)
      .filter(([, cents]) => cents !== 0)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Where two totals differ, e.g. `USD 120 ≠ 118`; empty when equal. */
export function totalsDiff(expected: Totals, actual: Totals): string[] {
  const e = withoutZeros(expected);
  const a = withoutZeros(actual);
  const currencies = [...new Set([...Object.keys(e), ...Object.keys(a)])].sort();
  return currencies
    .filter((c) => e[c] !== a[c])
    .map((c) => `${c} expected ${e[c] ?? 0}, got ${a[c] ?? 0}`);
}
