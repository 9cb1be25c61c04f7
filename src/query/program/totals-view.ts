/**
 * The totals view: an aggregate of exactly one group field and one count or sum (without `by`)
 * shown as group value → number, as today's `query revenue` and `query windows` answer for the
 * orders program's `revenue`. Which aggregate a path shows this way is the topology's to say.
 */
import type { Aggregate, GroupPartial, Metric } from '../../pipeline/program/index.js';
import type { ProgramShardReader } from '../../state/index.js';
import { WindowQueryError } from '../window-query.js';
import { aggregateOf, aggregateWindowSize } from './aggregate-params.js';
import { byKey, mergeShards } from './group-rows.js';
import type { QueriedTopology, TotalsView, TotalsWindowsView, TotalsWindowView } from './types.js';
import { readWindowParts } from './window-parts.js';

/** The metric a totals view shows, or undefined when the aggregate has no such shape. */
export function totalsMetric(aggregate: Aggregate): Metric | undefined {
  const [metric] = aggregate.metrics;
  const fits =
    aggregate.groupBy.length === 1 &&
    aggregate.metrics.length === 1 &&
    metric !== undefined &&
    (metric.kind === 'count' || metric.kind === 'sum') &&
    metric.by === undefined;
  return fits ? metric : undefined;
}

function totalsAggregate(topology: QueriedTopology, name: string): [Aggregate, Metric] {
  const aggregate = aggregateOf(topology, name);
  const metric = totalsMetric(aggregate);
  if (metric === undefined) {
    throw new WindowQueryError(
      `aggregate ${name} has no totals view: it needs one group field and one count or sum`,
    );
  }
  return [aggregate, metric];
}

/** Group key (the one field's text) → the metric's number, ascending by key. */
function totalsOf(
  metric: Metric,
  groups: ReadonlyMap<string, GroupPartial>,
  dropZero: boolean,
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const [key, partial] of byKey(groups)) {
    const value = (partial[metric.name] as number | undefined) ?? 0;
    if (!(dropZero && value === 0)) totals[key] = value;
  }
  return totals;
}

/**
 * Running totals: the sum over shards, and each shard's subtotals. A zero subtotal is left out,
 * as `reconcile` compares today's revenue: the order layout's totals hash keeps a currency at 0
 * or not depending on how its batches fell, so a 0 says nothing a missing entry does not.
 */
export async function queryTotals(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  name: string,
): Promise<TotalsView> {
  const [aggregate, metric] = totalsAggregate(topology, name);
  const partitions = await reader.partitions();
  const perPartition = await reader.partials(name, partitions);
  const view: TotalsView = {
    totals: totalsOf(metric, mergeShards(aggregate, perPartition), true),
    partitions: {},
  };
  for (const p of partitions) {
    view.partitions[String(p)] = totalsOf(metric, perPartition.get(p) ?? new Map(), true);
  }
  return view;
}

/**
 * Windowed totals in today's shape of `query windows`. A window's zero totals stay, as today: a
 * window holds a group once a non-zero change reached it, however the batches fell.
 */
export async function queryTotalsWindows(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  name: string,
  sizeText: string | null,
  from: number,
  to: number,
): Promise<TotalsWindowsView> {
  const [aggregate, metric] = totalsAggregate(topology, name);
  const size = aggregateWindowSize(aggregate, sizeText);
  const parts = await readWindowParts(reader, aggregate, size, from, to);
  const windows = parts.map((w): TotalsWindowView => {
    const merged = mergeShards(
      aggregate,
      new Map([...w.partitions].map(([p, part]) => [p, part.groups])),
    );
    const view: TotalsWindowView = {
      start: w.start,
      end: w.end,
      totals: totalsOf(metric, merged, false),
      final: [...w.partitions.values()].every((part) => part.state !== 'open'),
      partitions: {},
    };
    for (const [p, part] of w.partitions) {
      view.partitions[String(p)] = {
        totals: totalsOf(metric, part.groups, false),
        state: part.state,
      };
    }
    return view;
  });
  return { size: size.label, from, to, windows };
}
