import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { MetricTypes, type MetricDefinition } from '../../src/metrics/catalogue.js';
import { row, timeseriesPanel } from './panels.js';
import { equals, onVariables, quantiles, rate, select } from './promql.js';
import type { DashboardTopology } from './dashboard-topology.js';

/** The unit a metric's name promises (docs/metrics.md, Conventions: base units as suffixes). */
function unitOf(definition: MetricDefinition): string {
  if (definition.type === MetricTypes.COUNTER) return 'cps';
  if (definition.name.endsWith('_seconds')) return 's';
  if (definition.name.endsWith('_bytes')) return 'bytes';
  return 'short';
}

/** Counters as a rate, gauges as they are, histograms as p50, p95 and p99. */
function targets(definition: MetricDefinition, matchers: string) {
  if (definition.type === MetricTypes.HISTOGRAM) {
    return quantiles(select(`${definition.name}_bucket`, matchers));
  }
  const series = select(definition.name, matchers);
  const expr = definition.type === MetricTypes.COUNTER ? `sum(${rate(series)})` : `sum(${series})`;
  return [{ expr, legend: definition.name.replace(/^streamfold_/, '') }];
}

/**
 * A row per aggregate that has metrics, a panel per metric, each narrowed to the topology and
 * the aggregate by their labels. Ids start at `firstId`, past the fixed panels, so adding an
 * aggregate never renumbers a fixed panel.
 */
export function aggregatePanels(
  dashboard: DashboardBuilder,
  topology: DashboardTopology,
  firstId: number,
): void {
  let id = firstId;
  for (const aggregate of topology.aggregates) {
    if (aggregate.metrics.length === 0) continue;
    dashboard.withRow(row(id++, `Aggregate ${aggregate.name}`));
    const matchers = [
      onVariables('job', 'instance'),
      equals('topology', topology.name),
      equals('aggregate', aggregate.name),
    ].join(', ');
    for (const definition of aggregate.metrics) {
      dashboard.withPanel(
        timeseriesPanel({
          id: id++,
          title: definition.name.replace(/^streamfold_/, ''),
          description: definition.help,
          unit: unitOf(definition),
          width: 8,
          height: 8,
          targets: targets(definition, matchers),
        }),
      );
    }
  }
}
