import type { MetricDefinition } from '../../src/metrics/catalogue.js';
import type { CompiledTopology } from '../../src/topology/index.js';

/** An aggregate of a topology and the metrics exported per aggregate for it. */
export interface AggregateMetrics {
  readonly name: string;
  /** Series labelled `topology` and `aggregate`; none exist yet (see dashboardTopology). */
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

/**
 * The dashboard input of a compiled topology. The fold does not export per-aggregate metrics
 * yet (that comes with the topology language), so every aggregate has none and gets no row.
 */
export function dashboardTopology(topology: CompiledTopology): DashboardTopology {
  return {
    name: topology.name,
    description: topology.description,
    source: { topic: topology.source.topic, group: topology.source.group },
    outputs: topology.outputs,
    aggregates: topology.aggregates.map((name) => ({ name, metrics: [] })),
  };
}
