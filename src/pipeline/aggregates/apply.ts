import { aggregateField, type Aggregator, type AppliedTransition } from './types.js';

/** What a lookup returns for a state that was not loaded: the fold asks for it and folds again. */
export const NOT_LOADED = Symbol('not loaded');

/**
 * Every aggregate's new partial for one transition, by `<aggregate>|<key>`. `current` gives a
 * key's partial before it (undefined: none yet; NOT_LOADED: skip it, the batch folds again).
 */
export function applyAggregates(
  aggregators: readonly Aggregator<unknown>[],
  transition: AppliedTransition,
  current: (field: string) => unknown,
): Map<string, unknown> {
  const next = new Map<string, unknown>();
  for (const aggregator of aggregators) {
    const key = aggregator.keyOf(transition);
    if (key === undefined) continue;
    const field = aggregateField(aggregator.name, key);
    const before = next.has(field) ? next.get(field) : current(field);
    if (before === NOT_LOADED) continue;
    next.set(field, aggregator.apply(before ?? aggregator.empty(key), transition));
  }
  return next;
}
