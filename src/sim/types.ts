/**
 * What the simulator emits. It builds its own wire shapes (docs/architecture.md, The orders
 * contract) rather than importing the worker's, so a bug in the worker's types cannot hide in
 * records generated to test it.
 */
export const SimKinds = ['event', 'duplicate', 'malformed', 'invalid'] as const;
export type SimKind = (typeof SimKinds)[number];

export interface SimRecord {
  key: string;
  /** `null` is a tombstone (one of the malformed classes). */
  value: Buffer | null;
  /**
   * `event`: a legal lifecycle step (applied). `duplicate`: an earlier event re-sent with the same
   * eventId (ignored). `malformed`: belongs on the dead-letter topic. `invalid`: well-formed but an
   * illegal transition (an anomaly).
   */
  kind: SimKind;
}

export interface SimOptions {
  /** How many orders to place; a positive integer. */
  orders: number;
  /** Any safe integer; the same seed and options give the same records. */
  seed: number;
  /** Per emitted event, the chance that it is re-sent later in the stream. */
  duplicates: number;
  /** Per emitted event, the chance that a record for the dead-letter topic follows it. */
  malformed: number;
  /** Per emitted event, the chance that an illegal transition follows it. */
  invalidTransitions: number;
  /** ISO-4217-style codes orders are placed in. */
  currencies: readonly string[];
  /** Event time of the first record, epoch ms; later records are later. */
  startTime: number;
  /** The value size limit of the target topology: the `too-large` class exceeds it. */
  maxValueBytes: number;
}

export interface SimPlan {
  records: number;
  orders: number;
  kinds: Record<SimKind, number>;
}

export interface WireItem {
  productId: string;
  quantity: number;
  priceCents: number;
}

export interface WireEvent {
  eventId: string;
  type: string;
  orderId: string;
  customerId: string;
  timestamp: number;
  data: Record<string, unknown>;
}
