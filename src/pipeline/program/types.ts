/**
 * A topology's program as the engine runs it: where an event's key, id, time and type are read,
 * the per-key state and the state machine that moves it, and the aggregates folded from its
 * applied transitions. The topology compiler (src/topology/language/) builds it from a YAML file
 * or a `defineTopology` call; docs/language.md is the reference of every construct. Plain frozen
 * data (but for a `defineTopology` state's `reduce`, user code): the fold (./step.ts,
 * ./aggregate.ts) and the independent interpreter of `reconcile` read the same program and share
 * no code beyond these types.
 */

/** A JSON value as events and states carry it. */
export type JsonValue =
  null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A dotted path into a JSON object, split: `data.amountCents` → `['data', 'amountCents']`. */
export type Path = readonly string[];

/**
 * What an expression reads: the event (a path into it), a field of the key's state, or the key.
 * In guards and filters `state` is the state before the event; in aggregates it is the state the
 * transition left (and, for `while` metrics, also the state before, to undo its contribution).
 */
export type Ref =
  | { readonly kind: 'event'; readonly path: Path }
  | { readonly kind: 'state'; readonly field: string }
  | { readonly kind: 'key' };

/** The types a state field, a group value or a metric input may have. */
export const FieldTypes = ['string', 'integer', 'number', 'boolean'] as const;
export type FieldType = (typeof FieldTypes)[number];

/** A literal a condition compares with. */
export type Literal = string | number | boolean | null;

/**
 * One test of a condition. A test of a value that is absent (undefined) fails, except `exists:
 * false`; comparisons (`gt`…) need both sides to be numbers.
 */
export type Test =
  | { readonly op: 'eq' | 'ne'; readonly value: Literal }
  | { readonly op: 'in' | 'notIn'; readonly values: readonly Literal[] }
  | { readonly op: 'gt' | 'gte' | 'lt' | 'lte'; readonly value: number }
  | { readonly op: 'sameAs' | 'differs'; readonly ref: Ref }
  | { readonly op: 'exists'; readonly value: boolean };

/** Every test must hold (an empty list always holds). */
export interface Condition {
  readonly ref: Ref;
  readonly test: Test;
}

/** A stored state field. `from`: set from this event path whenever an applied event has it. */
export interface StateField {
  readonly name: string;
  readonly type: FieldType;
  readonly from?: Path;
  /** The value before any event set it (null when the file gives none). */
  readonly default: Literal;
}

export interface Transition {
  /** Position in the file, for messages. */
  readonly index: number;
  readonly on: string;
  /** States it applies from; may include the machine's initial state. */
  readonly from: readonly string[];
  readonly to: string;
  /** Conditions on the event and the state before it; all must hold. */
  readonly guard: readonly Condition[];
  /** The anomaly reason when on/from match but the guard fails (default: `<on>-from-<state>`). */
  readonly anomaly?: string;
  /** Field assignments after the `from` fields, in file order. */
  readonly set: readonly { readonly field: string; readonly ref: Ref }[];
}

export interface Machine {
  /** The state of a key before its first event; never stored (the key then has no state). */
  readonly initial: string;
  /** The states a key can be stored in, in file order. */
  readonly states: readonly string[];
  readonly transitions: readonly Transition[];
}

/**
 * The stored state of one key, as JSON, in this order: the key field, the declared fields (the
 * status field among them, where the file puts it), then `appliedEvents`, `updatedAt` (event time
 * of the last applied event) and `eventIds` (ids of the applied events: the duplicate check).
 */
export interface StateShape {
  /** The field that holds the key, e.g. `orderId`. */
  readonly keyField: string;
  /** The field that holds the machine's state, e.g. `status`. */
  readonly statusField: string;
  /** Declared fields in file order; the status field is not among them. */
  readonly fields: readonly StateField[];
  /** Field names in stored order (key field, declared fields with the status field). */
  readonly order: readonly string[];
  /**
   * A pure reducer for what the language cannot say (a `defineTopology` topology's own code; a
   * YAML file has none). Called on every applied transition after the `from` fields and `set`,
   * with frozen copies; the fields it returns replace those of the state after. A returned field
   * that is not declared (the status and key fields are not), or a value that does not fit the
   * field's type (null fits any), fails the event with SF_REDUCER_FAILED, as a throw does.
   */
  readonly reduce?: StateReducer;
}

/** What a state's reducer sees of one applied transition (all frozen). */
export interface ReducerInput {
  /** The event's JSON value. */
  readonly event: { readonly [key: string]: JsonValue };
  /** The declared fields before the event; undefined for a key's first applied event. */
  readonly before: Readonly<Record<string, JsonValue>> | undefined;
  /** The declared fields after the `from` fields and the transition's `set`. */
  readonly after: Readonly<Record<string, JsonValue>>;
  /** The status the transition moves to. */
  readonly status: string;
  /** The status before: the machine's initial state for a key's first event. */
  readonly previousStatus: string;
}

/** Field name → new value, for some of the declared fields. */
export type StateReducer = (input: ReducerInput) => Readonly<Record<string, JsonValue>>;

/** A filter on an applied transition (all parts must hold; an absent part always holds). */
export interface TransitionFilter {
  readonly on?: readonly string[];
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  /** Conditions on the event and the state before it. */
  readonly where: readonly Condition[];
}

export const MetricKinds = ['count', 'sum', 'min', 'max', 'last', 'distinct'] as const;
export type MetricKind = (typeof MetricKinds)[number];

/**
 * One value an aggregate keeps per group.
 * - Without `while` (event metric): every applied transition that passes `when` counts once, in
 *   the group the transition's state and event give. Never undone.
 * - With `while` (state metric; count and sum only): each key contributes while its state meets
 *   the conditions: its contribution (1, or the summed state field) is taken out of the group of
 *   the state before and put into the group of the state after. Revenue reversed on cancel is
 *   `sum: state.paidCents` `while: state.status in [paid, shipped]`.
 * `by` turns a count or sum into a map of the ref's value (as text) → count or sum.
 */
export interface Metric {
  readonly name: string;
  readonly kind: MetricKind;
  /** What sum, min, max, last and distinct read (absent for count). */
  readonly of?: Ref;
  readonly when?: TransitionFilter;
  /** State conditions for a state metric (refs of kind `state` or `key` only). */
  readonly while?: readonly Condition[];
  readonly by?: Ref;
}

export interface WindowSizeSpec {
  /** Canonical label: `1m`, `1h`, `30s`. */
  readonly label: string;
  readonly ms: number;
}

export interface AggregateWindows {
  readonly sizes: readonly WindowSizeSpec[];
  readonly graceMs: number;
  readonly idleTimeoutMs: number;
}

export interface Aggregate {
  readonly name: string;
  /** Group fields: each a name (the ref's last segment unless the file names it) and a ref. */
  readonly groupBy: readonly { readonly name: string; readonly ref: Ref }[];
  readonly metrics: readonly Metric[];
  /** Tumbling windows by event time; absent: a running aggregate. */
  readonly windows?: AggregateWindows;
}

/** Where the event's parts are read (dotted paths into the JSON value). */
export interface EventPaths {
  readonly key: Path;
  readonly eventId: Path;
  /** Event time: a non-negative integer, epoch milliseconds. */
  readonly time: Path;
  readonly type: Path;
}

export interface Program {
  readonly paths: EventPaths;
  /** The event types the schema allows (every `on` is one of them). */
  readonly eventTypes: readonly string[];
  readonly state: StateShape;
  readonly machine: Machine;
  readonly aggregates: readonly Aggregate[];
}

/**
 * The state of one key as the fold and the interpreter keep it. Field values are JSON; the stored
 * JSON is `{ [keyField]: key, …fields in StateShape.order, appliedEvents, updatedAt, eventIds }`.
 */
export interface KeyState {
  readonly key: string;
  readonly status: string;
  readonly fields: Readonly<Record<string, JsonValue>>;
  readonly appliedEvents: number;
  readonly updatedAt: number;
  readonly eventIds: readonly string[];
}

/** A decoded event: the JSON value and the parts the program's paths read from it. */
export interface ProgramEvent {
  readonly key: string;
  readonly eventId: string;
  readonly time: number;
  readonly type: string;
  readonly value: { readonly [key: string]: JsonValue };
}

/**
 * One metric's partial for one group in one partition (or merged over partitions): count and sum
 * an integer (`by`: text → integer, a sub-key once touched stays, even at 0), min and max a
 * number or null, last `{ value, time }` or null (the value at the newest event time), distinct
 * the sorted distinct values, each as its JSON text.
 */
export type MetricPartial =
  | number
  | null
  | Readonly<Record<string, number>>
  | { readonly value: JsonValue; readonly time: number }
  | readonly string[];

/** Metric name → partial, for one group. */
export type GroupPartial = Readonly<Record<string, MetricPartial>>;
