import { metricCatalogue, type MetricDefinition } from '../../src/metrics/catalogue.js';
import type { AnyTopology } from '../../src/topology/index.js';

/** An aggregate of a topology and the metrics exported per aggregate for it. */
export interface AggregateMetrics {
  readonly name: string;
  /** Series labelled `topology` and `aggregate`. */
  readonly metrics: readonly MetricDefinition[];
}

/** What a topology's dashboard is drawn from. */
export interface DashboardTopology {
  readonly name: string;
  readonly description: string;
  readonly source: { readonly topic: string; readonly group: string };
  /** Every topic the topology writes, the dead-letter topic included. */
  readonly outputs: Readonly<Record<string, string | undefined>> & {
    readonly deadLetter: string;
    readonly anomalies?: string;
  };
  readonly aggregates: readonly AggregateMetrics[];
}

/** The metrics the worker exports per aggregate of a language topology. */
const perAggregate: readonly MetricDefinition[] = [metricCatalogue.aggregateGroupsChanged];

/**
 * The dashboard input of a topology of either format. A language topology's aggregates get a row
 * of their per-aggregate metrics; a built-in file's aggregates export none and get no row.
 */
export function dashboardTopology(any: AnyTopology): DashboardTopology {
  const { topology } = any;
  const aggregates =
    any.kind === 'language'
      ? any.topology.program.aggregates.map((a) => a.name)
      : any.topology.aggregates;
  return {
    name: topology.name,
    description: topology.description,
    source: { topic: topology.source.topic, group: topology.source.group },
    outputs: { ...topology.outputs },
    aggregates: aggregates.map((name) => ({
      name,
      metrics: any.kind === 'language' ? perAggregate : [],
    })),
  };
}
