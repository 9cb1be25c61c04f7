import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { ProcessResults } from '../../src/metrics/label-values.js';
import { aggregatePanels } from './aggregate-panels.js';
import type { DashboardTopology } from './dashboard-topology.js';
import { consumerLagRef, topologyRef, workerOverviewRef } from './dashboard-refs.js';
import { metric as m } from './metric-names.js';
import { row, timeseriesPanel } from './panels.js';
import { equals, oneOf, onVariables, quantiles, rate, select } from './promql.js';
import { streamfoldDashboard } from './streamfold-dashboard.js';
import { datasourceVariable, queryVariable } from './variables.js';

const small = { width: 8, height: 8 } as const;

/**
 * One topology's throughput, dead letters, anomalies, lag and handoff, then a row per aggregate
 * with metrics. Only `streamfold_partition_handoff_seconds` carries a `topology` label; the
 * rest is narrowed by what the topology owns: its consumer group (lag), its output topics
 * (records produced), and its workers, which the `instance` variable lists as the instances
 * exporting the group's lag. That variable has no custom "All" value, so "All" is those
 * workers, not `.*`: a worker of another topology on the same source topic is left out of the
 * per-topic counters (a worker process runs one topology).
 */
export function topologyDashboard(topology: DashboardTopology): Dashboard {
  const group = equals('group', topology.source.group);
  const source = onVariables('job', 'instance', 'topic');
  const outputs = Object.values(topology.outputs)
    .filter((t): t is string => t !== undefined)
    .sort();
  const anomalies = topology.outputs.anomalies;
  const shown = anomalies === undefined ? 'dead letters' : 'dead letters, anomalies';
  const dashboard = streamfoldDashboard({
    ...topologyRef(topology.name),
    description: `Topology ${topology.name}: ${topology.description} Throughput, ${shown} and lag of consumer group ${topology.source.group} on ${topology.source.topic}.`,
    links: [workerOverviewRef, consumerLagRef],
  })
    .withVariable(datasourceVariable())
    .withVariable(
      queryVariable({ name: 'job', label: 'Job', query: `label_values(${m.buildInfo}, job)` }),
    )
    .withVariable(
      queryVariable({
        name: 'instance',
        label: 'Instance',
        query: `label_values(${select(m.consumerLag, onVariables('job'), group)}, instance)`,
        allValue: null,
      }),
    )
    .withVariable(
      queryVariable({
        name: 'topic',
        label: 'Topic',
        query: `label_values(${select(m.consumerLag, onVariables('job', 'instance'), group)}, topic)`,
      }),
    )
    .withRow(row(1, 'Throughput'))
    .withPanel(
      timeseriesPanel({
        id: 2,
        title: 'Records consumed',
        description: `Records per second this topology's workers read from ${topology.source.topic}, re-deliveries included.`,
        unit: 'cps',
        ...small,
        targets: [
          {
            expr: `sum by (topic) (${rate(select(m.recordsConsumed, source))})`,
            legend: '{{topic}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 3,
        title: 'Records processed by result',
        description:
          "Records of this topology's committed batches per second, by outcome (applied, duplicate, anomaly, dead_lettered, held).",
        unit: 'cps',
        ...small,
        stacked: true,
        targets: [
          {
            expr: `sum by (result) (${rate(select(m.recordsProcessed, source))})`,
            legend: '{{result}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 4,
        title: 'Records produced',
        description: `Records per second acknowledged by Kafka on the topics this topology writes: ${outputs.join(', ')}.`,
        unit: 'cps',
        ...small,
        targets: [
          {
            expr: `sum by (topic) (${rate(select(m.recordsProduced, onVariables('job', 'instance'), oneOf('topic', outputs)))})`,
            legend: '{{topic}}',
          },
        ],
      }),
    )
    .withRow(row(5, anomalies === undefined ? 'Dead letters' : 'Dead letters and anomalies'))
    .withPanel(
      timeseriesPanel({
        id: 6,
        title: 'Failed records by reason',
        description:
          'Records per second that failed decoding or validation, by error class. Each goes to the dead-letter topic.',
        unit: 'cps',
        ...small,
        stacked: true,
        targets: [
          {
            expr: `sum by (reason) (${rate(select(m.recordsFailed, source))})`,
            legend: '{{reason}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 7,
        title: 'Dead letters by error class',
        description: `Records per second written to ${topology.outputs.deadLetter}, by error class. The StreamfoldDeadLetterRate alert fires above 1% of consumed records.`,
        unit: 'cps',
        ...small,
        stacked: true,
        targets: [
          {
            expr: `sum by (error_class) (${rate(select(m.deadLetters, source))})`,
            legend: '{{error_class}}',
          },
        ],
      }),
    );
  if (anomalies !== undefined) {
    dashboard.withPanel(
      timeseriesPanel({
        id: 8,
        title: 'Anomalies',
        description: `Events per second folded as anomalies (an invalid transition), and the anomaly records published to ${anomalies}. The two differ only while the outbox holds some.`,
        unit: 'cps',
        ...small,
        targets: [
          {
            expr: `sum(${rate(select(m.recordsProcessed, source, equals('result', ProcessResults.ANOMALY)))})`,
            legend: 'detected',
          },
          {
            expr: `sum(${rate(select(m.recordsProduced, onVariables('job', 'instance'), equals('topic', anomalies)))})`,
            legend: `published to ${anomalies}`,
          },
        ],
      }),
    );
  }
  const lag = (name: string) =>
    select(name, onVariables('job', 'instance'), group, onVariables('topic'));
  dashboard
    .withRow(row(9, 'Lag and handoff'))
    .withPanel(
      timeseriesPanel({
        id: 10,
        title: 'Lag (records)',
        description: `Records of ${topology.source.topic} not yet applied in Redis for group ${topology.source.group}, per partition.`,
        unit: 'short',
        ...small,
        targets: [
          {
            expr: `max by (topic, partition) (${lag(m.consumerLag)})`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 11,
        title: 'Lag (seconds)',
        description: `Age of the oldest record not yet applied for group ${topology.source.group}, per partition; 0 when caught up.`,
        unit: 's',
        ...small,
        targets: [
          {
            expr: `max by (topic, partition) (${lag(m.consumerLagSeconds)})`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 12,
        title: 'Partition handoff',
        description: `Time from a partition's assignment to a worker's first committed batch of it, for topology ${topology.name}: 50th, 95th and 99th percentiles.`,
        unit: 's',
        ...small,
        targets: quantiles(
          select(
            `${m.partitionHandoff}_bucket`,
            onVariables('job', 'instance'),
            equals('topology', topology.name),
          ),
        ),
      }),
    );
  aggregatePanels(dashboard, topology, 100);
  return dashboard.build();
}
