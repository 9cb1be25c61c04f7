/**
 * A topology of the language written as a TypeScript object: the same fields as the YAML file
 * (docs/language.md documents each), typed, plus `state.reduce`, a pure reducer for what the
 * language cannot say. The field declarations flow into the reducer's types, so a misspelt field
 * or a value of the wrong type is a type error before it is a refused event.
 */
import type { ProgramOutputs } from '../pipeline/program/index.js';
import type { FieldType, JsonValue, Literal } from '../pipeline/program/types.js';

/** A test of a condition; a bare literal stands for `eq` (docs/language.md#refs-and-conditions). */
export type TestSpec =
  | Literal
  | { readonly eq: Literal }
  | { readonly ne: Literal }
  | { readonly in: readonly Literal[] }
  | { readonly notIn: readonly Literal[] }
  | { readonly gt: number }
  | { readonly gte: number }
  | { readonly lt: number }
  | { readonly lte: number }
  | { readonly sameAs: string }
  | { readonly differs: string }
  | { readonly exists: boolean };

/** Ref text (`event.data.currency`, `state.status`, `key`) → test; every entry must hold. */
export type ConditionSpec = Readonly<Record<string, TestSpec>>;

export interface FieldSpec {
  /** `status` for the one field that holds the machine's state. */
  readonly type: FieldType | 'status';
  /** A dotted path into the event: the field takes its value whenever an applied event has one. */
  readonly from?: string;
  readonly default?: Literal;
}

/** Field name → declaration, in stored order. */
export type FieldsSpec = Readonly<Record<string, FieldSpec>>;

export interface TransitionSpec {
  readonly on: string;
  readonly from: readonly string[];
  readonly to: string;
  readonly guard?: ConditionSpec;
  readonly anomaly?: string;
  /** Field → ref, after the `from` fields. */
  readonly set?: Readonly<Record<string, string>>;
}

export interface MachineSpec {
  readonly initial: string;
  readonly states: readonly string[];
  readonly transitions: readonly TransitionSpec[];
}

/** A value a field of this type holds; null is left to StateValues (any field may be null). */
export type FieldValue<T extends FieldSpec['type']> = T extends 'string'
  ? string
  : T extends 'integer' | 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : never;

/** The declared fields of a state (the status field is not among them), each maybe null. */
export type StateValues<F extends FieldsSpec> = {
  readonly [K in keyof F as F[K]['type'] extends 'status' ? never : K]: FieldValue<
    F[K]['type']
  > | null;
};

/** Some of the declared fields with new values; a field left out keeps its value. */
export type StateUpdates<F extends FieldsSpec> = {
  readonly [K in keyof StateValues<F>]?: StateValues<F>[K];
};

/** What a state's reducer sees of one applied transition (frozen). */
export interface ReducerContext<F extends FieldsSpec = FieldsSpec> {
  /** The event's JSON value. */
  readonly event: { readonly [key: string]: JsonValue };
  /** The declared fields before the event; undefined for a key's first applied event. */
  readonly before: StateValues<F> | undefined;
  /** The declared fields after the `from` fields and the transition's `set`. */
  readonly after: StateValues<F>;
  /** The status the transition moves to. */
  readonly status: string;
  /** The status before it: the machine's initial state for a key's first event. */
  readonly previousStatus: string;
}

/**
 * A pure reducer, called on every applied transition after `from` and `set`: the fields it
 * returns replace those of the state after. Same input, same output: the engine and `reconcile`
 * both call it, and a replay must give the state Redis holds.
 */
export type StateReducerSpec<F extends FieldsSpec = FieldsSpec> = (
  context: ReducerContext<F>,
) => StateUpdates<F>;

export interface StateSpec<F extends FieldsSpec = FieldsSpec> {
  /** The stored field that holds the key (default: the last segment of `input.key`). */
  readonly key?: string;
  readonly fields: F;
  readonly machine: MachineSpec;
  readonly reduce?: StateReducerSpec<F>;
}

export interface InputSpec {
  readonly topic: string;
  readonly group: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** A JSON Schema: a file name (relative to `DefineOptions.url`'s directory) or the schema. */
  readonly schema: string | Readonly<Record<string, unknown>>;
  readonly maxValueBytes?: number;
  readonly key: string;
  readonly eventId: string;
  readonly time: string;
  readonly type: string;
}

export interface TransitionFilterSpec {
  readonly on?: readonly string[];
  readonly from?: readonly string[];
  readonly to?: readonly string[];
  readonly where?: ConditionSpec;
}

/** Exactly one of count, sum, min, max, last, distinct, with its options. */
export type MetricSpec = (
  | { readonly count: true }
  | { readonly sum: string }
  | { readonly min: string }
  | { readonly max: string }
  | { readonly last: string }
  | { readonly distinct: string }
) & {
  readonly when?: TransitionFilterSpec;
  readonly while?: ConditionSpec;
  readonly by?: string;
};

export interface WindowsSpec {
  /** Durations such as `1m`, `1h`. */
  readonly sizes: readonly string[];
  readonly grace?: string;
  readonly idleTimeout?: string;
}

export interface AggregateSpec {
  readonly name: string;
  /** Refs, or `{ name: ref }` to name a group field. */
  readonly groupBy?: readonly (string | Readonly<Record<string, string>>)[];
  readonly metrics: Readonly<Record<string, MetricSpec>>;
  readonly windows?: WindowsSpec;
}

/** The topics a topology writes (docs/language.md, "Outputs and parking"). */
export type OutputsSpec = ProgramOutputs;

/** A topology of the language as a TypeScript object (docs/language.md, "The TypeScript API"). */
export interface TopologySpec<F extends FieldsSpec = FieldsSpec> {
  readonly name: string;
  readonly description?: string;
  readonly input: InputSpec;
  readonly state: StateSpec<F>;
  readonly aggregates?: readonly AggregateSpec[];
  readonly parking?: { readonly maxAttempts?: number };
  readonly outputs: OutputsSpec;
}

export interface DefineOptions {
  /**
   * `import.meta.url` of the module that defines the topology: its file names the topology in
   * messages, and a schema file name is read relative to its directory. Without it: the working
   * directory, and messages name `defineTopology`.
   */
  readonly url?: string | URL;
}
