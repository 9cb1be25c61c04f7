/**
 * What one applied transition feeds into one aggregate (docs/language.md, "Aggregates"), worked
 * out from scratch for every transition:
 *
 * - Event metrics (no `while`): when the transition passes `when` (`on` the event type, `from` the
 *   state before, `to` the state after, `where` on the event and the state before), the metric is
 *   fed once in the group read from the event and the state after. An absent group value skips
 *   the whole aggregate for this transition; an absent `of` or `by` value (or a sum, min or max of
 *   something that is not a number) skips that metric.
 * - State metrics (`while`, count and sum): a state contributes 1 (count) or its summed field
 *   (sum) to the group (and `by` sub-key) its own fields give, while it meets the conditions.
 *   The contribution of the state before is taken out and the one of the state after put in; a
 *   key without a state contributes nothing. Only a net non-zero change per group and sub-key is
 *   fed: a transition that moves nothing (paid → shipped for revenue) touches no group.
 *
 * A group is touched by the transition when it gets a feed; only touched groups appear in the
 * change.
 */
import type {
  Aggregate,
  JsonValue,
  KeyState,
  Metric,
  Program,
  ProgramEvent,
  Transition,
} from '../../pipeline/program/types.js';
import type { AggregateChange, Feed } from './types.js';
import { conditionsHold, groupKeyOf, readRef, valueText, type RefScope } from './values.js';

export interface AppliedTransition {
  readonly partition: number;
  readonly offset: number;
  readonly event: ProgramEvent;
  readonly transition: Transition;
  /** The stored state before the event; undefined when the key had none. */
  readonly before: KeyState | undefined;
  readonly after: KeyState;
}

/** The group values the scope gives, or undefined when one of them is absent. */
function groupValues(aggregate: Aggregate, scope: RefScope): JsonValue[] | undefined {
  const values: JsonValue[] = [];
  for (const field of aggregate.groupBy) {
    const value = readRef(field.ref, scope);
    if (value === undefined) return undefined;
    values.push(value);
  }
  return values;
}

function passesWhen(program: Program, metric: Metric, applied: AppliedTransition): boolean {
  const when = metric.when;
  if (when === undefined) return true;
  const fromStatus = applied.before?.status ?? program.machine.initial;
  if (when.on !== undefined && !when.on.includes(applied.event.type)) return false;
  if (when.from !== undefined && !when.from.includes(fromStatus)) return false;
  if (when.to !== undefined && !when.to.includes(applied.after.status)) return false;
  return conditionsHold(when.where, {
    program,
    key: applied.event.key,
    event: applied.event,
    state: applied.before,
  });
}

/** One event metric's feed for this transition, or undefined when it is skipped. */
function eventFeed(metric: Metric, scope: RefScope, time: number): Feed | undefined {
  let sub: string | undefined;
  if (metric.by !== undefined) {
    const by = readRef(metric.by, scope);
    if (by === undefined) return undefined;
    sub = valueText(by);
  }
  if (metric.kind === 'count') return { metric: metric.name, kind: 'add', sub, amount: 1 };
  if (metric.of === undefined) return undefined;
  const value = readRef(metric.of, scope);
  if (value === undefined) return undefined;
  switch (metric.kind) {
    case 'sum':
      if (typeof value !== 'number') return undefined;
      return { metric: metric.name, kind: 'add', sub, amount: value };
    case 'min':
    case 'max':
      if (typeof value !== 'number') return undefined;
      return { metric: metric.name, kind: 'value', value, time };
    case 'last':
    case 'distinct':
      return { metric: metric.name, kind: 'value', value, time };
  }
}

/** A state's contribution to a state metric: where it goes and how much, or undefined. */
function stateContribution(
  program: Program,
  aggregate: Aggregate,
  metric: Metric,
  state: KeyState | undefined,
): { group: string; sub: string | undefined; amount: number } | undefined {
  if (state === undefined) return undefined;
  // A state's contribution depends on the state alone: event refs read nothing here.
  const scope: RefScope = { program, key: state.key, event: undefined, state };
  if (!conditionsHold(metric.while ?? [], scope)) return undefined;
  const values = groupValues(aggregate, scope);
  if (values === undefined) return undefined;
  let sub: string | undefined;
  if (metric.by !== undefined) {
    const by = readRef(metric.by, scope);
    if (by === undefined) return undefined;
    sub = valueText(by);
  }
  let amount = 1;
  if (metric.kind === 'sum') {
    const value = metric.of === undefined ? undefined : readRef(metric.of, scope);
    if (typeof value !== 'number') return undefined;
    amount = value;
  }
  return { group: groupKeyOf(values), sub, amount };
}

function addFeed(change: AggregateChange, group: string, feed: Feed): void {
  const feeds = change.get(group);
  if (feeds === undefined) change.set(group, [feed]);
  else feeds.push(feed);
}

export function changeOf(
  program: Program,
  aggregate: Aggregate,
  applied: AppliedTransition,
): AggregateChange {
  const change: AggregateChange = new Map();
  const afterScope: RefScope = {
    program,
    key: applied.event.key,
    event: applied.event,
    state: applied.after,
  };
  const eventGroup = groupValues(aggregate, afterScope);

  for (const metric of aggregate.metrics) {
    if (metric.while === undefined) {
      if (eventGroup === undefined || !passesWhen(program, metric, applied)) continue;
      const feed = eventFeed(metric, afterScope, applied.event.time);
      if (feed !== undefined) addFeed(change, groupKeyOf(eventGroup), feed);
      continue;
    }
    if (metric.kind !== 'count' && metric.kind !== 'sum') continue;
    const nets: { group: string; sub: string | undefined; amount: number }[] = [];
    const out = stateContribution(program, aggregate, metric, applied.before);
    const into = stateContribution(program, aggregate, metric, applied.after);
    for (const [part, sign] of [
      [out, -1],
      [into, 1],
    ] as const) {
      if (part === undefined) continue;
      const same = nets.find((n) => n.group === part.group && n.sub === part.sub);
      if (same === undefined)
        nets.push({ group: part.group, sub: part.sub, amount: sign * part.amount });
      else same.amount += sign * part.amount;
    }
    for (const net of nets) {
      if (net.amount === 0) continue;
      addFeed(change, net.group, {
        metric: metric.name,
        kind: 'add',
        sub: net.sub,
        amount: net.amount,
      });
    }
  }
  return change;
}
