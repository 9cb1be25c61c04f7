/**
 * What the independent interpreter of a topology program takes and gives back
 * (docs/language.md). It shares only the program's types with the engine's fold.
 */
import type {
  GroupPartial,
  JsonValue,
  KeyState,
  Program,
  ProgramEvent,
} from '../../pipeline/program/types.js';

export interface InterpreterInput {
  program: Program;
  /**
   * Per partition, the schema-valid events in offset order (invalid records are left out by the
   * caller).
   */
  partitions: ReadonlyMap<number, readonly { offset: number; event: ProgramEvent }[]>;
  /**
   * Per partition, the applied offsets after which the partition closed all its open windows for
   * idleness (from the shard's log).
   */
  idleCloses?: ReadonlyMap<number, readonly number[]>;
}

/** Why a window stopped taking contributions; `null` while it is still open. */
export type WindowClosedBy = 'watermark' | 'idle' | null;

export interface WindowPartition {
  groups: Map<string, GroupPartial>;
  closedBy: WindowClosedBy;
}

export interface InterpretedAnomaly {
  partition: number;
  offset: number;
  key: string;
  reason: string;
}

export interface LateTransition {
  partition: number;
  offset: number;
  aggregate: string;
  size: string;
  start: number;
}

export interface InterpreterResult {
  /** Final state per key (keys in the initial state are absent). */
  states: Map<string, KeyState>;
  /** `late` counts entries of `late` (one per aggregate and size a transition was late for). */
  counts: { applied: number; duplicates: number; anomalies: number; late: number };
  /** Anomalies in (partition, offset) order: which event and the reason. */
  anomalies: InterpretedAnomaly[];
  /**
   * Running aggregates (windowed ones too), merged over partitions: aggregate name → group key →
   * GroupPartial. Every aggregate is named; a group is there once a transition touched it.
   */
  aggregates: Map<string, Map<string, GroupPartial>>;
  /**
   * Per partition too (the engine stores partials per partition): aggregate → partition → group
   * key → partial. A partition whose transitions touched no group of the aggregate is left out.
   */
  aggregatePartials: Map<string, Map<number, Map<string, GroupPartial>>>;
  /**
   * Windowed aggregates only: aggregate → `<size label>|<start>` (sizes in program order, then by
   * start) → partition → its groups and how the window closed.
   */
  windows: Map<string, Map<string, Map<number, WindowPartition>>>;
  /** Late transitions: partition, offset, aggregate, size label, window start. */
  late: LateTransition[];
}

/**
 * One thing a transition feeds into one metric of one group: an amount to add (count and sum;
 * `sub` is the `by` sub-key, or undefined without `by`) or a value (min, max, last, distinct).
 */
export type Feed =
  | {
      readonly metric: string;
      readonly kind: 'add';
      readonly sub: string | undefined;
      readonly amount: number;
    }
  | {
      readonly metric: string;
      readonly kind: 'value';
      readonly value: JsonValue;
      readonly time: number;
    };

/** What one applied transition changes in one aggregate: group key → its feeds (never empty). */
export type AggregateChange = Map<string, Feed[]>;
