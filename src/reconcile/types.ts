/** The reconciliation report (`streamfold reconcile --json` prints it as is). */

/** At most this many examples per kind of difference; counts are always complete. */
export const MAX_LISTED = 20;

export interface OrderRef {
  partition: number;
  orderId: string;
}

export interface OrderMismatch extends OrderRef {
  diffs: Record<string, { expected: unknown; actual: unknown }>;
}

export interface OrdersSection {
  ok: boolean;
  expected: number;
  actual: number;
  mismatchCount: number;
  mismatches: OrderMismatch[];
  /** Expected orders absent from Redis. */
  missing: number;
  missingOrders: OrderRef[];
  /** Orders in Redis that the input does not produce (in that partition). */
  unexpected: number;
  unexpectedOrders: OrderRef[];
}

/** The shape `streamfold query revenue --json` prints; zero subtotals are left out. */
export interface RevenueView {
  totals: Record<string, number>;
  partitions: Record<string, Record<string, number>>;
}

export interface RevenueSection {
  ok: boolean;
  expected: RevenueView;
  actual: RevenueView;
}

export interface AppliedSection {
  ok: boolean;
  /** Partition → high watermark − 1 (−1: nothing to apply). */
  expected: Record<string, number>;
  /** Partition → applied offset in Redis (−1: none). */
  actual: Record<string, number>;
  mismatches: { partition: number; expected: number; actual: number }[];
}

export interface SourcePosition {
  partition: number;
  offset: number;
}

export interface DltSection {
  ok: boolean;
  topic: string;
  /** Invalid input records. */
  expected: number;
  /** Distinct input positions the dead-letter topic names. */
  actual: number;
  /** Dead-letter records read. */
  records: number;
  /** Invalid input records with no dead letter. */
  missing: number;
  missingPositions: SourcePosition[];
  /** Dead letters for input records that are valid (or do not exist). */
  unexpected: number;
  unexpectedPositions: SourcePosition[];
  /** Positions dead-lettered more than once: allowed (at-least-once outbox), but reported. */
  duplicates: number;
  duplicatePositions: (SourcePosition & { count: number })[];
  headerProblems: { dltPartition: number; dltOffset: number; problem: string }[];
  contentMismatches: (SourcePosition & { field: 'key' | 'value' })[];
  /** Outbox entries not yet published: a reason dead letters may still be missing. */
  pendingOutbox: number;
}

export interface InputSection {
  topic: string;
  records: number;
  perPartition: Record<string, { low: number; high: number; records: number }>;
  applied: number;
  duplicates: number;
  anomalies: number;
  invalid: number;
  /** Partitions whose earliest records were deleted: the recomputation cannot be complete. */
  truncated: number[];
}

/** Window results and late events (topologies with `windows`). */
export interface WindowsSection {
  ok: boolean;
  /** Windows the reference closed by watermark. */
  expectedClosed: number;
  /** Windows the reference still has open at the end of the input (open or idle-closed in Redis). */
  expectedOpen: number;
  /** Windows in Redis, open or closed. */
  actual: number;
  /** Distinct (partition, offset, size) late events. */
  late: { expected: number; actual: number };
  problemCount: number;
  problems: { window: string; problem: string }[];
}

/** Customer partials per partition (topologies with the customer-value aggregate). */
export interface CustomersSection {
  ok: boolean;
  expected: number;
  actual: number;
  mismatchCount: number;
  mismatches: { partition: number; customerId: string; expected: unknown; actual: unknown }[];
}

/** Keys parked after a processing failure: their held events are not applied yet. */
export interface ParkedSection {
  /** Input positions dead-lettered as processing failures (excluded from the recomputation). */
  poisoned: number;
  /** Keys parked now, with their held events. */
  keys: { partition: number; key: string; held: number }[];
}

export interface ReconcileReport {
  ok: boolean;
  topology: string;
  input: InputSection;
  orders: OrdersSection;
  revenue: RevenueSection;
  applied: AppliedSection;
  dlt: DltSection;
  windows?: WindowsSection;
  customers?: CustomersSection;
  parked: ParkedSection;
}
