import type { OrderEvent, OrderState, OrderStatus } from '../types.js';
import type { RevenueDelta } from '../order-reducer.js';

/** One transition the order lifecycle applied: what every aggregate folds. */
export interface AppliedTransition {
  readonly event: OrderEvent;
  /** The order before the event (undefined for the OrderPlaced that created it). */
  readonly before: OrderState | undefined;
  readonly after: OrderState;
  readonly previousStatus: OrderStatus | null;
  readonly revenueDelta?: RevenueDelta;
}

/**
 * A keyed aggregate over applied transitions. Its state for a key is partial per partition
 * (input is partitioned by order, not by the aggregate's key): queries merge the partials.
 * Every function is pure and must not mutate its arguments.
 */
export interface Aggregator<S> {
  /** Registry name, used in topology files, state fields and records. */
  readonly name: string;
  /** The key a transition counts under, or undefined when it does not count. */
  keyOf(transition: AppliedTransition): string | undefined;
  /** The key an event will most likely count under, so its state can be loaded up front. */
  keyHint(event: OrderEvent): string | undefined;
  empty(key: string): S;
  apply(state: S, transition: AppliedTransition): S;
  /** Sums two partials of the same key (queries over partitions). */
  merge(a: S, b: S): S;
  /** Parses a stored partial; throws on a shape it does not know. */
  parse(json: string): S;
}

/** The field of an aggregate's state in the shard's aggregates hash. */
export function aggregateField(aggregate: string, key: string): string {
  return `${aggregate}|${key}`;
}
