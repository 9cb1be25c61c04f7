/**
 * Groups as queries show them: a stored group key read back into its field values, the
 * partials of every shard merged (partitions ascending, so a tie of `last` goes to the higher
 * one), and each group's row.
 */
import {
  emptyPartial,
  groupView,
  mergePartials,
  type Aggregate,
  type FieldType,
  type GroupPartial,
  type JsonValue,
  type Ref,
  type StateShape,
} from '../../pipeline/program/index.js';
import type { GroupRow } from './types.js';

/** The declared type of what a ref reads; undefined for event paths (the schema's business). */
function typeOf(ref: Ref, shape: StateShape): FieldType | undefined {
  if (ref.kind === 'key') return 'string';
  if (ref.kind === 'event') return undefined;
  if (ref.field === shape.keyField || ref.field === shape.statusField) return 'string';
  return shape.fields.find((f) => f.name === ref.field)?.type;
}

/**
 * A group value from its text (json-text.ts `valueText`: a string as it is, anything else as
 * JSON). A string field's text is the value; otherwise text that is JSON of something other
 * than a string is that value. An event path's string that looks like a number therefore reads
 * back as the number: the key alone cannot tell them apart.
 */
function valueOf(text: string, type: FieldType | undefined): JsonValue {
  if (type === 'string') return text;
  try {
    const value = JSON.parse(text) as JsonValue;
    return typeof value === 'string' ? text : value;
  } catch {
    return text;
  }
}

/** The group field values a group key stands for, in the aggregate's groupBy order. */
export function groupValuesOf(
  aggregate: Aggregate,
  shape: StateShape,
  groupKey: string,
): JsonValue[] {
  const { groupBy } = aggregate;
  if (groupBy.length === 0) return [];
  const first = groupBy[0];
  if (groupBy.length === 1 && first !== undefined)
    return [valueOf(groupKey, typeOf(first.ref, shape))];
  const texts = JSON.parse(groupKey) as string[];
  return groupBy.map((g, i) => valueOf(texts[i] ?? '', typeOf(g.ref, shape)));
}

/** Sub-keys ascending: a `by` map's keys come in the order they were first fed. */
function sortedSubKeys(value: JsonValue): JsonValue {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const record = value as Readonly<Record<string, JsonValue>>;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A group's row: `groupView`, with the `by` maps of count and sum sorted by sub-key. */
export function groupRow(
  aggregate: Aggregate,
  shape: StateShape,
  groupKey: string,
  partial: GroupPartial,
): GroupRow {
  const row = groupView(aggregate, groupValuesOf(aggregate, shape, groupKey), partial);
  for (const metric of aggregate.metrics) {
    if (metric.by !== undefined && Object.hasOwn(row, metric.name)) {
      row[metric.name] = sortedSubKeys(row[metric.name] ?? null);
    }
  }
  return row;
}

export function byKey<T>(entries: Iterable<[string, T]>): [string, T][] {
  return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Group key → partial merged over the given partitions, taken in ascending order. */
export function mergeShards(
  aggregate: Aggregate,
  perPartition: ReadonlyMap<number, ReadonlyMap<string, GroupPartial>>,
): Map<string, GroupPartial> {
  const merged = new Map<string, GroupPartial>();
  for (const p of [...perPartition.keys()].sort((a, b) => a - b)) {
    for (const [group, partial] of perPartition.get(p) ?? []) {
      // From the empty partial, so a group reads the same however many shards hold it.
      merged.set(
        group,
        mergePartials(aggregate, merged.get(group) ?? emptyPartial(aggregate), partial),
      );
    }
  }
  return merged;
}

/** Rows of the given groups, ascending by group key. */
export function groupRows(
  aggregate: Aggregate,
  shape: StateShape,
  groups: ReadonlyMap<string, GroupPartial>,
): GroupRow[] {
  return byKey(groups).map(([key, partial]) => groupRow(aggregate, shape, key, partial));
}
