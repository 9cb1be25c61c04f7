/**
 * Group partials (types.ts `GroupPartial`): a new group's empty values, the operations of a
 * transition applied to a partial, and partials of several partitions merged for a query.
 */
import type { MetricOp } from './aggregate-changes.js';
import type { Aggregate, GroupPartial, JsonValue, Metric, MetricPartial } from './types.js';

function emptyValue(metric: Metric): MetricPartial {
  switch (metric.kind) {
    case 'count':
    case 'sum':
      return metric.by === undefined ? 0 : {};
    case 'distinct':
      return [];
    default:
      return null;
  }
}

/** Every metric of the aggregate at its empty value, in the aggregate's order. */
export function emptyPartial(aggregate: Aggregate): GroupPartial {
  const partial: Record<string, MetricPartial> = {};
  for (const metric of aggregate.metrics) partial[metric.name] = emptyValue(metric);
  return partial;
}

function insertSorted(values: readonly string[], text: string): readonly string[] {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = values[mid] as string;
    if (at === text) return values;
    if (at < text) lo = mid + 1;
    else hi = mid;
  }
  return [...values.slice(0, lo), text, ...values.slice(lo)];
}

function applyOp(current: MetricPartial, op: MetricOp): MetricPartial {
  switch (op.kind) {
    case 'add': {
      if (op.sub === undefined) return (current as number) + op.amount;
      const map = current as Readonly<Record<string, number>>;
      return {
        ...map,
        [op.sub]: (Object.hasOwn(map, op.sub) ? (map[op.sub] as number) : 0) + op.amount,
      };
    }
    case 'min':
      return current === null || op.value < (current as number) ? op.value : current;
    case 'max':
      return current === null || op.value > (current as number) ? op.value : current;
    case 'last': {
      const last = current as { readonly time: number } | null;
      // Within a partition the later transition wins a tie: it was applied after.
      return last === null || op.time >= last.time ? { value: op.value, time: op.time } : current;
    }
    case 'distinct':
      return insertSorted(current as readonly string[], op.text);
  }
}

/** A copy of `partial` (or a new group's) with the operations applied. */
export function applyOps(
  aggregate: Aggregate,
  partial: GroupPartial | undefined,
  ops: readonly MetricOp[],
): GroupPartial {
  const next: Record<string, MetricPartial> = { ...(partial ?? emptyPartial(aggregate)) };
  for (const op of ops) {
    const name = (aggregate.metrics[op.m] as Metric).name;
    next[name] = applyOp(next[name] as MetricPartial, op);
  }
  return next;
}

function mergeValue(metric: Metric, a: MetricPartial, b: MetricPartial): MetricPartial {
  switch (metric.kind) {
    case 'count':
    case 'sum': {
      if (metric.by === undefined) return (a as number) + (b as number);
      const merged: Record<string, number> = { ...(a as Record<string, number>) };
      for (const [sub, n] of Object.entries(b as Record<string, number>)) {
        merged[sub] = (Object.hasOwn(merged, sub) ? (merged[sub] as number) : 0) + n;
      }
      return merged;
    }
    case 'min':
      return a === null ? b : b === null ? a : Math.min(a as number, b as number);
    case 'max':
      return a === null ? b : b === null ? a : Math.max(a as number, b as number);
    case 'last': {
      const x = a as { time: number } | null;
      const y = b as { time: number } | null;
      // `b` is the higher partition: it wins a tie.
      return x === null ? b : y === null ? a : y.time >= x.time ? b : a;
    }
    case 'distinct':
      return [...new Set([...(a as string[]), ...(b as string[])])].sort();
  }
}

/** Two partials of one group; `b` from the higher partition (it wins a tie of `last`). */
export function mergePartials(
  aggregate: Aggregate,
  a: GroupPartial,
  b: GroupPartial,
): GroupPartial {
  const merged: Record<string, MetricPartial> = {};
  for (const metric of aggregate.metrics) {
    merged[metric.name] = mergeValue(
      metric,
      a[metric.name] ?? emptyValue(metric),
      b[metric.name] ?? emptyValue(metric),
    );
  }
  return merged;
}

/** A metric as a query shows it: distinct as a count, last as its value, the rest as kept. */
export function metricView(metric: Metric, value: MetricPartial): JsonValue {
  if (metric.kind === 'distinct') return (value as readonly string[]).length;
  if (metric.kind === 'last') return value === null ? null : (value as { value: JsonValue }).value;
  return value;
}
