/**
 * Reconciliation of what a topology computes besides orders and revenue: window results, late
 * events, and customer partials. Expected values come from the references (reference-windows.ts,
 * reference-customers.ts); actual ones from Redis and the late topic.
 */
import type { TopicRecord } from '../kafka/read-topic.js';
import type { RefCustomer } from './reference-customers.js';
import type { RefLateEvent, RefWindowResult } from './reference-windows.js';
import { MAX_LISTED, type CustomersSection, type WindowsSection } from './types.js';

/** A window of one partition as Redis holds it: closed (with how) or still open. */
export interface ActualWindow {
  partition: number;
  size: string;
  start: number;
  totals: Record<string, number>;
  state: 'watermark' | 'idle' | 'open';
}

const windowId = (w: { partition: number; size: string; start: number }) =>
  `${w.partition}/${w.size}/${w.start}`;

function sameTotals(a: Record<string, number>, b: Record<string, number>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/**
 * `expectedClosed` is what the reference closed while reading the input (by watermark, or by the
 * idle closes the shards logged); `expectedOpen` what it still has open at the end, which Redis may
 * hold open or closed by an idle timeout that has passed since.
 */
export function compareWindows(
  expectedClosed: readonly RefWindowResult[],
  expectedOpen: readonly RefWindowResult[],
  actual: readonly ActualWindow[],
  expectedLate: readonly RefLateEvent[],
  lateRecords: readonly TopicRecord[],
): WindowsSection {
  const byId = new Map(actual.map((w) => [windowId(w), w]));
  const problems: WindowsSection['problems'] = [];
  let problemCount = 0;
  const problem = (window: string, issue: string) => {
    problemCount += 1;
    if (problems.length < MAX_LISTED) problems.push({ window, problem: issue });
  };
  const seen = new Set<string>();
  for (const [expected, open] of [
    ...expectedClosed.map((w) => [w, false] as const),
    ...expectedOpen.map((w) => [w, true] as const),
  ]) {
    const id = windowId(expected);
    seen.add(id);
    const got = byId.get(id);
    if (got === undefined) {
      problem(id, 'missing');
      continue;
    }
    if (!sameTotals(expected.totals, got.totals)) {
      problem(
        id,
        `totals ${JSON.stringify(got.totals)}, expected ${JSON.stringify(expected.totals)}`,
      );
    }
    const allowed = open ? ['open', 'idle'] : [expected.closedBy];
    if (!allowed.includes(got.state))
      problem(id, `state ${got.state}, expected ${allowed.join(' or ')}`);
  }
  for (const w of actual) if (!seen.has(windowId(w))) problem(windowId(w), 'unexpected');

  const lateId = (p: string | number, o: string | number, size: string) => `${p}/${o}/${size}`;
  const expectedLateIds = new Set(
    expectedLate.map((l) => lateId(l.partition, l.offset, l.sizeLabel)),
  );
  const actualLateIds = new Set(
    lateRecords.map((r) =>
      lateId(
        r.headers['sf-source-partition'] ?? '?',
        r.headers['sf-source-offset'] ?? '?',
        r.headers['sf-window-size'] ?? '?',
      ),
    ),
  );
  for (const id of expectedLateIds)
    if (!actualLateIds.has(id)) problem(id, 'late event not on the late topic');
  for (const id of actualLateIds)
    if (!expectedLateIds.has(id)) problem(id, 'unexpected late event');

  return {
    ok: problemCount === 0,
    expectedClosed: expectedClosed.length,
    expectedOpen: expectedOpen.length,
    actual: actual.length,
    late: { expected: expectedLateIds.size, actual: actualLateIds.size },
    problemCount,
    problems,
  };
}

/** Customer partials per partition must equal the reference's exactly, both ways. */
export function compareCustomers(
  expected: ReadonlyMap<number, ReadonlyMap<string, RefCustomer>>,
  actual: ReadonlyMap<number, ReadonlyMap<string, RefCustomer>>,
): CustomersSection {
  const mismatches: CustomersSection['mismatches'] = [];
  let mismatchCount = 0;
  let expectedCount = 0;
  let actualCount = 0;
  const partitions = new Set([...expected.keys(), ...actual.keys()]);
  for (const p of partitions) {
    const want = expected.get(p) ?? new Map<string, RefCustomer>();
    const got = actual.get(p) ?? new Map<string, RefCustomer>();
    expectedCount += want.size;
    actualCount += got.size;
    for (const id of new Set([...want.keys(), ...got.keys()])) {
      const a = want.get(id);
      const b = got.get(id);
      if (a !== undefined && b !== undefined && sameCustomer(a, b)) continue;
      mismatchCount += 1;
      if (mismatches.length < MAX_LISTED) {
        mismatches.push({ partition: p, customerId: id, expected: a ?? null, actual: b ?? null });
      }
    }
  }
  return {
    ok: mismatchCount === 0,
    expected: expectedCount,
    actual: actualCount,
    mismatchCount,
    mismatches,
  };
}

function sameCustomer(a: RefCustomer, b: RefCustomer): boolean {
  return (
    a.orders === b.orders &&
    a.paid === b.paid &&
    a.shipped === b.shipped &&
    a.cancelled === b.cancelled &&
    sameTotals(a.lifetimeValueCents, b.lifetimeValueCents) &&
    Object.keys(a.lifetimeValueCents).length === Object.keys(b.lifetimeValueCents).length
  );
}
