/**
 * A group's metrics as the interpreter keeps them, fed one feed at a time, merged over
 * partitions, and written out as the `GroupPartial` encoding of src/pipeline/program/types.ts:
 * count and sum an integer (`by`: sub-key → integer, a sub-key once fed stays even at 0), min and
 * max a number or null, last `{ value, time }` or null, distinct the sorted JSON texts.
 *
 * `last`: within a partition a feed with a time equal to or newer than the kept one replaces it
 * (a later transition wins a tie); merging partitions in ascending order with the same rule gives
 * the higher partition on a tie, as docs/language.md asks.
 */
import type {
  Aggregate,
  GroupPartial,
  JsonValue,
  Metric,
  MetricPartial,
} from '../../pipeline/program/types.js';
import type { AggregateChange, Feed } from './types.js';

type Cell =
  | { kind: 'total'; total: number }
  | { kind: 'totals'; totals: Record<string, number> }
  | { kind: 'min' | 'max'; extreme: number | null }
  | { kind: 'last'; last: { value: JsonValue; time: number } | null }
  | { kind: 'distinct'; texts: Set<string> };

/** Metric name → cell, one for every metric of the aggregate. */
export type GroupCells = Record<string, Cell>;

/** Group key → cells. */
export type Groups = Map<string, GroupCells>;

function emptyCell(metric: Metric): Cell {
  switch (metric.kind) {
    case 'count':
    case 'sum':
      return metric.by === undefined ? { kind: 'total', total: 0 } : { kind: 'totals', totals: {} };
    case 'min':
    case 'max':
      return { kind: metric.kind, extreme: null };
    case 'last':
      return { kind: 'last', last: null };
    case 'distinct':
      return { kind: 'distinct', texts: new Set() };
  }
}

export function emptyGroup(aggregate: Aggregate): GroupCells {
  const cells: GroupCells = {};
  for (const metric of aggregate.metrics) cells[metric.name] = emptyCell(metric);
  return cells;
}

function feedCell(cell: Cell, feed: Feed): void {
  if (feed.kind === 'add') {
    if (cell.kind === 'total') cell.total += feed.amount;
    else if (cell.kind === 'totals' && feed.sub !== undefined) {
      cell.totals[feed.sub] = (cell.totals[feed.sub] ?? 0) + feed.amount;
    }
    return;
  }
  const value = feed.value;
  switch (cell.kind) {
    case 'min':
      if (typeof value === 'number' && (cell.extreme === null || value < cell.extreme)) {
        cell.extreme = value;
      }
      return;
    case 'max':
      if (typeof value === 'number' && (cell.extreme === null || value > cell.extreme)) {
        cell.extreme = value;
      }
      return;
    case 'last':
      if (cell.last === null || feed.time >= cell.last.time) cell.last = { value, time: feed.time };
      return;
    case 'distinct':
      cell.texts.add(JSON.stringify(value));
      return;
    default:
      return;
  }
}

/** Feeds a transition's change into groups, creating every group it touches. */
export function applyChange(aggregate: Aggregate, groups: Groups, change: AggregateChange): void {
  for (const [group, feeds] of change) {
    let cells = groups.get(group);
    if (cells === undefined) {
      cells = emptyGroup(aggregate);
      groups.set(group, cells);
    }
    for (const feed of feeds) {
      const cell = cells[feed.metric];
      if (cell !== undefined) feedCell(cell, feed);
    }
  }
}

/** `from` merged into `into` (`from` of the higher partition). */
function mergeCell(into: Cell, from: Cell): void {
  if (into.kind === 'total' && from.kind === 'total') into.total += from.total;
  else if (into.kind === 'totals' && from.kind === 'totals') {
    for (const [sub, amount] of Object.entries(from.totals)) {
      into.totals[sub] = (into.totals[sub] ?? 0) + amount;
    }
  } else if (into.kind === 'min' && from.kind === 'min' && from.extreme !== null) {
    if (into.extreme === null || from.extreme < into.extreme) into.extreme = from.extreme;
  } else if (into.kind === 'max' && from.kind === 'max' && from.extreme !== null) {
    if (into.extreme === null || from.extreme > into.extreme) into.extreme = from.extreme;
  } else if (into.kind === 'last' && from.kind === 'last' && from.last !== null) {
    if (into.last === null || from.last.time >= into.last.time) into.last = { ...from.last };
  } else if (into.kind === 'distinct' && from.kind === 'distinct') {
    for (const text of from.texts) into.texts.add(text);
  }
}

/** Groups of several partitions merged; pass them in ascending partition order. */
export function mergeGroups(aggregate: Aggregate, partitions: readonly Groups[]): Groups {
  const merged: Groups = new Map();
  for (const groups of partitions) {
    for (const [group, cells] of groups) {
      let into = merged.get(group);
      if (into === undefined) {
        into = emptyGroup(aggregate);
        merged.set(group, into);
      }
      for (const metric of aggregate.metrics) {
        const a = into[metric.name];
        const b = cells[metric.name];
        if (a !== undefined && b !== undefined) mergeCell(a, b);
      }
    }
  }
  return merged;
}

function sortedRecord(record: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const sub of Object.keys(record).sort()) out[sub] = record[sub] ?? 0;
  return out;
}

function cellPartial(cell: Cell): MetricPartial {
  switch (cell.kind) {
    case 'total':
      return cell.total;
    case 'totals':
      return sortedRecord(cell.totals);
    case 'min':
    case 'max':
      return cell.extreme;
    case 'last':
      return cell.last === null ? null : { value: cell.last.value, time: cell.last.time };
    case 'distinct':
      return [...cell.texts].sort();
  }
}

/** The group's partial: every metric of the aggregate, in the aggregate's metric order. */
export function groupPartial(aggregate: Aggregate, cells: GroupCells): GroupPartial {
  const partial: Record<string, MetricPartial> = {};
  for (const metric of aggregate.metrics) {
    const cell = cells[metric.name] ?? emptyCell(metric);
    partial[metric.name] = cellPartial(cell);
  }
  return partial;
}

/** Groups written out as partials, group keys in plain sort order. */
export function groupPartials(aggregate: Aggregate, groups: Groups): Map<string, GroupPartial> {
  const out = new Map<string, GroupPartial>();
  for (const group of [...groups.keys()].sort()) {
    const cells = groups.get(group);
    if (cells !== undefined) out.set(group, groupPartial(aggregate, cells));
  }
  return out;
}
