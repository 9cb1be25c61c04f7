/**
 * The report of `reconcileProgram` (`streamfold reconcile --json` prints it as is for a language
 * topology). Section names follow the order report's (../types.ts) where the idea is the same:
 * `input`, `applied`, `dlt`, `windows` and `parked` have its meaning; `states` is the program's
 * `orders`, and `aggregates` holds each aggregate's partials per partition.
 */
import type { AppliedSection, DltSection, InputSection, ParkedSection } from '../types.js';

export interface StateRef {
  partition: number;
  key: string;
}

export interface StateMismatch extends StateRef {
  /** Stored field → what the interpreter has and what Redis has (null: absent). */
  diffs: Record<string, { expected: unknown; actual: unknown }>;
}

/** Each key's stored JSON, per partition, against the interpreter's state of the key. */
export interface StatesSection {
  ok: boolean;
  expected: number;
  actual: number;
  mismatchCount: number;
  mismatches: StateMismatch[];
  /** Keys the interpreter has a state for that Redis lacks (in that partition). */
  missing: number;
  missingKeys: StateRef[];
  /** Keys Redis holds a state for that the input does not produce (in that partition). */
  unexpected: number;
  unexpectedKeys: StateRef[];
}

export interface PartialMismatch {
  partition: number;
  group: string;
  /** The interpreter's partial; null when it has none for the group. */
  expected: unknown;
  /** The stored partial as JSON; null when Redis has none. */
  actual: unknown;
}

/** One aggregate's running partials (`aggregates` hash), per partition and group. */
export interface AggregateSection {
  ok: boolean;
  /** (partition, group) partials the interpreter has. */
  expected: number;
  /** (partition, group) partials in Redis. */
  actual: number;
  /** Missing, unexpected and differing partials. */
  mismatchCount: number;
  mismatches: PartialMismatch[];
}

/** Window counts of one windowed aggregate. */
export interface AggregateWindowCounts {
  expectedClosed: number;
  expectedOpen: number;
  actual: number;
  problemCount: number;
}

/** Windows of the windowed aggregates, per partition: open in `windowsOpen`, closed in `windowsClosed`. */
export interface ProgramWindowsSection {
  ok: boolean;
  /** Windows the interpreter closed (by watermark or by a logged idle close). */
  expectedClosed: number;
  /** Windows the interpreter has open at the end (open in Redis, or closed idle since). */
  expectedOpen: number;
  /** Windows in Redis, open or closed. */
  actual: number;
  /**
   * Distinct (partition, offset, size) late transitions: the interpreter's, and the late topic's
   * (null when the topology has no late topic, so nothing was checked).
   */
  late: { expected: number; actual: number | null };
  problemCount: number;
  /** `window`: `p<partition>/<aggregate>|<size>|<start>`, or `<partition>/<offset>/<size>` for late ones. */
  problems: { window: string; problem: string }[];
  perAggregate: Record<string, AggregateWindowCounts>;
}

export interface ProgramReconcileReport {
  ok: boolean;
  topology: string;
  input: InputSection;
  states: StatesSection;
  /** Aggregate name → its partials; every aggregate of the program, and any other Redis holds. */
  aggregates: Record<string, AggregateSection>;
  applied: AppliedSection;
  dlt: DltSection;
  /** Only for programs with windowed aggregates. */
  windows?: ProgramWindowsSection;
  parked: ParkedSection;
}
