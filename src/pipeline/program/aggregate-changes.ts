/**
 * What one applied transition changes in an aggregate (docs/language.md, "Aggregates"), as
 * operations per group: the same operations feed the running partials and the partials of the
 * windows the event's time falls in. Event metrics count the transition once; state metrics move
 * a key's contribution from the group of its state before to the group of its state after, and
 * only a net change that is not zero feeds a group.
 */
import { compileConditions, type Predicate } from './conditions.js';
import { groupKeyOf, valueText } from './json-text.js';
import { compileRef, type Accessor, type Scope } from './read-ref.js';
import type {
  Aggregate,
  JsonValue,
  KeyState,
  Metric,
  ProgramEvent,
  StateShape,
  TransitionFilter,
} from './types.js';

/** One change to one metric of a group; `m` is the metric's index in the aggregate. */
export type MetricOp =
  | { readonly m: number; readonly kind: 'add'; readonly amount: number; readonly sub?: string }
  | { readonly m: number; readonly kind: 'min' | 'max'; readonly value: number }
  | { readonly m: number; readonly kind: 'last'; readonly value: JsonValue; readonly time: number }
  | { readonly m: number; readonly kind: 'distinct'; readonly text: string };

export interface GroupChange {
  /** The group's field (json-text.ts `groupKeyOf`). */
  readonly group: string;
  readonly values: readonly JsonValue[];
  readonly ops: MetricOp[];
}

export interface AppliedTransition {
  readonly event: ProgramEvent;
  readonly before: KeyState | undefined;
  readonly after: KeyState;
  /** The status before (the initial state for a key's first event). */
  readonly previousStatus: string;
}

export type ChangesOf = (transition: AppliedTransition) => GroupChange[];

function compileFilter(filter: TransitionFilter | undefined, shape: StateShape) {
  if (filter === undefined) return () => true;
  const on = filter.on && new Set(filter.on);
  const from = filter.from && new Set(filter.from);
  const to = filter.to && new Set(filter.to);
  const where: Predicate = compileConditions(filter.where, shape);
  return (t: AppliedTransition, before: Scope): boolean =>
    (on === undefined || on.has(t.event.type)) &&
    (from === undefined || from.has(t.previousStatus)) &&
    (to === undefined || to.has(t.after.status)) &&
    where(before);
}

/** Reads every group field; undefined when one has no value (the transition is not grouped). */
function groupReader(readers: readonly Accessor[]) {
  return (scope: Scope): { group: string; values: JsonValue[] } | undefined => {
    const values: JsonValue[] = [];
    for (const read of readers) {
      const value = read(scope);
      if (value === undefined) return undefined;
      values.push(value);
    }
    return { group: groupKeyOf(values), values };
  };
}

interface Contribution {
  readonly group: string;
  readonly values: readonly JsonValue[];
  readonly sub: string | undefined;
  readonly amount: number;
}

export function compileAggregateChanges(aggregate: Aggregate, shape: StateShape): ChangesOf {
  const readGroup = groupReader(aggregate.groupBy.map(({ ref }) => compileRef(ref, shape)));
  const eventMetrics: { index: number; metric: Metric; feed: EventFeed }[] = [];
  const stateMetrics: { index: number; contribution: (s: Scope) => Contribution | undefined }[] =
    [];
  aggregate.metrics.forEach((metric, index) => {
    if (metric.while === undefined) {
      eventMetrics.push({ index, metric, feed: compileEventFeed(metric, index, shape) });
    } else {
      stateMetrics.push({ index, contribution: compileContribution(metric, shape, readGroup) });
    }
  });

  return (t) => {
    const changes = new Map<string, GroupChange>();
    const opsOf = (group: string, values: readonly JsonValue[]): MetricOp[] => {
      let change = changes.get(group);
      if (change === undefined) changes.set(group, (change = { group, values, ops: [] }));
      return change.ops;
    };
    const key = t.event.key;
    const beforeScope: Scope = { event: t.event, state: t.before, key };
    const afterScope: Scope = { event: t.event, state: t.after, key };
    if (eventMetrics.length > 0) {
      const grouped = readGroup(afterScope);
      if (grouped !== undefined) {
        for (const { feed } of eventMetrics) {
          const op = feed(t, beforeScope, afterScope);
          if (op !== undefined) opsOf(grouped.group, grouped.values).push(op);
        }
      }
    }
    for (const { index, contribution } of stateMetrics) {
      const out = t.before === undefined ? undefined : contribution(beforeScope);
      const into = contribution(afterScope);
      if (
        out !== undefined &&
        into !== undefined &&
        out.group === into.group &&
        out.sub === into.sub
      ) {
        const amount = into.amount - out.amount;
        if (amount !== 0) opsOf(into.group, into.values).push(addOp(index, amount, into.sub));
        continue;
      }
      if (out !== undefined && out.amount !== 0) {
        opsOf(out.group, out.values).push(addOp(index, -out.amount, out.sub));
      }
      if (into !== undefined && into.amount !== 0) {
        opsOf(into.group, into.values).push(addOp(index, into.amount, into.sub));
      }
    }
    const result: GroupChange[] = [];
    for (const change of changes.values()) if (change.ops.length > 0) result.push(change);
    return result;
  };
}

function addOp(m: number, amount: number, sub: string | undefined): MetricOp {
  return sub === undefined ? { m, kind: 'add', amount } : { m, kind: 'add', amount, sub };
}

type EventFeed = (t: AppliedTransition, before: Scope, after: Scope) => MetricOp | undefined;

function compileEventFeed(metric: Metric, m: number, shape: StateShape): EventFeed {
  const passes = compileFilter(metric.when, shape);
  const readOf = metric.of && compileRef(metric.of, shape);
  const readBy = metric.by && compileRef(metric.by, shape);
  const of = (scope: Scope): JsonValue | undefined => readOf?.(scope);
  const sub = (scope: Scope): string | undefined | null => {
    if (readBy === undefined) return undefined;
    const value = readBy(scope);
    return value === undefined ? null : valueText(value);
  };
  switch (metric.kind) {
    case 'count':
    case 'sum':
      return (t, before, after) => {
        if (!passes(t, before)) return undefined;
        const key = sub(after);
        if (key === null) return undefined;
        let amount = 1;
        if (metric.kind === 'sum') {
          const value = of(after);
          if (typeof value !== 'number') return undefined;
          amount = value;
        }
        return addOp(m, amount, key);
      };
    case 'min':
    case 'max': {
      const kind = metric.kind;
      return (t, before, after) => {
        if (!passes(t, before)) return undefined;
        const value = of(after);
        return typeof value === 'number' ? { m, kind, value } : undefined;
      };
    }
    case 'last':
      return (t, before, after) => {
        if (!passes(t, before)) return undefined;
        const value = of(after);
        return value === undefined ? undefined : { m, kind: 'last', value, time: t.event.time };
      };
    case 'distinct':
      return (t, before, after) => {
        if (!passes(t, before)) return undefined;
        const value = of(after);
        return value === undefined
          ? undefined
          : { m, kind: 'distinct', text: JSON.stringify(value) };
      };
  }
}

/** A state metric's contribution of one state: its group, `by` sub-key and amount. */
function compileContribution(
  metric: Metric,
  shape: StateShape,
  readGroup: (scope: Scope) => { group: string; values: JsonValue[] } | undefined,
): (scope: Scope) => Contribution | undefined {
  const holds = compileConditions(metric.while ?? [], shape);
  const readOf = metric.of && compileRef(metric.of, shape);
  const readBy = metric.by && compileRef(metric.by, shape);
  return (scope) => {
    if (scope.state === undefined || !holds(scope)) return undefined;
    let amount = 1;
    if (metric.kind === 'sum') {
      const value = readOf?.(scope);
      if (typeof value !== 'number') return undefined;
      amount = value;
    }
    let sub: string | undefined;
    if (readBy !== undefined) {
      const value = readBy(scope);
      if (value === undefined) return undefined;
      sub = valueText(value);
    }
    const grouped = readGroup(scope);
    if (grouped === undefined) return undefined;
    return { group: grouped.group, values: grouped.values, sub, amount };
  };
}
