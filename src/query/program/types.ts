/** What the queries over a program's state answer (docs/language.md); JSON, in this key order. */
import type { JsonValue, Program, WindowClosedBy } from '../../pipeline/program/index.js';

/** What a query needs of a topology: its program (the reader is bound to its namespace). */
export interface QueriedTopology {
  readonly name: string;
  readonly program: Program;
}

/** A key's state: the stored JSON without `eventIds` (the duplicate check is not an answer). */
export type StateQueryResult =
  | {
      readonly kind: 'found';
      /** The partition whose shard holds the key. */
      readonly partition: number;
      readonly state: Record<string, JsonValue>;
    }
  | { readonly kind: 'not-found' };

/** One group as a query shows it: the group fields by name, then every metric's view. */
export type GroupRow = Record<string, JsonValue>;

/** `query aggregate <topology> <name>` and `GET /aggregates/:name`. */
export interface AggregateQueryResult {
  aggregate: string;
  /** Merged over partitions, ascending by group key. */
  groups: GroupRow[];
  /** Partition → its own groups, for every partition ever owned. */
  partitions: Record<string, GroupRow[]>;
}

/** Where a partition's part of a window stands: closed (and how) or still open. */
export type WindowPartState = WindowClosedBy | 'open';

export interface AggregateWindowView {
  start: number;
  end: number;
  groups: GroupRow[];
  /** True when every partition holding part of it has closed it. */
  final: boolean;
  partitions: Record<string, { groups: GroupRow[]; state: WindowPartState }>;
}

/** `GET /aggregates/:name/windows?size=&from=&to=`: windows overlapping [from, to), ascending. */
export interface AggregateWindowsResult {
  aggregate: string;
  size: string;
  from: number;
  to: number;
  windows: AggregateWindowView[];
}

/**
 * The totals view of an aggregate of one group field and one count or sum: group value →
 * number, summed over partitions. Today's `query revenue` answer.
 */
export interface TotalsView {
  totals: Record<string, number>;
  /** Partition → group value → its subtotal, for every partition ever owned. */
  partitions: Record<string, Record<string, number>>;
}

export interface TotalsWindowView {
  start: number;
  end: number;
  totals: Record<string, number>;
  final: boolean;
  partitions: Record<string, { totals: Record<string, number>; state: WindowPartState }>;
}

/** Today's `query windows` answer, from a totals aggregate's windows. */
export interface TotalsWindowsView {
  size: string;
  from: number;
  to: number;
  windows: TotalsWindowView[];
}

/**
 * One group in today's shape of `query customer`: the group fields and metrics merged over
 * partitions, then the partitions that hold a part of it.
 */
export type GroupViewResult =
  | { readonly kind: 'found'; readonly view: GroupRow & { partitions: number[] } }
  | { readonly kind: 'not-found' };
