import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { externalMetric as ext, metric as m } from './metric-names.js';
import { row, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { increase, onVariables, quantiles, rate, select } from './promql.js';

const worker = onVariables('job', 'instance');
const source = onVariables('job', 'instance', 'topic');
const small = { width: 8, height: 8 } as const;
const quarter = { width: 6, height: 8 } as const;

/** The worker overview's "Ownership and commits" and "Process" rows. */
export function healthRows(dashboard: DashboardBuilder): DashboardBuilder {
  return dashboard
    .withRow(row(15, 'Ownership and commits'))
    .withPanel(
      timeseriesPanel({
        id: 16,
        title: 'Commit failures',
        description:
          'Commit scripts per interval that wrote nothing (fenced: another owner; stale: the applied offset moved) or failed (error: Redis fault).',
        unit: 'short',
        ...quarter,
        stacked: true,
        targets: [
          {
            expr: `sum by (reason) (${increase(select(m.commitFailures, worker))})`,
            legend: '{{reason}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 17,
        title: 'Fenced writes',
        description:
          'Writes per interval refused by the epoch guard because another worker took the partition over. A few during a rebalance are expected.',
        unit: 'short',
        ...quarter,
        targets: [
          {
            expr: `sum by (instance) (${increase(select(m.fencedWrites, worker))})`,
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 18,
        title: 'Rebalances',
        description:
          'Rebalance callbacks per interval, by type (assign, revoke). A steady stream means workers join and leave: see StreamfoldRebalanceStorm.',
        unit: 'short',
        ...quarter,
        stacked: true,
        targets: [
          {
            expr: `sum by (type) (${increase(select(m.rebalances, worker))})`,
            legend: '{{type}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 19,
        title: 'Assigned partitions',
        description:
          'Partitions each worker owns. A worker at 0 for long does no work (StreamfoldNoPartitionsAssigned).',
        unit: 'short',
        ...quarter,
        stacked: true,
        decimals: 0,
        targets: [
          {
            expr: `sum by (instance) (${select(m.assignedPartitions, source)})`,
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 20,
        title: 'Outbox depth',
        description:
          'Derived records committed in Redis and not yet published, per partition. It grows when Kafka producing is slow or failing.',
        unit: 'short',
        ...small,
        targets: [
          {
            expr: `sum by (topic, partition) (${select(m.outboxDepth, source)})`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 27,
        title: 'Partition handoff',
        description:
          "Time from a partition's assignment to this worker's first committed batch of it (fence, outbox drain, seek, first batch), by topology: 50th, 95th and 99th percentiles. State stays in Redis, so it does not grow with state size; see docs/scaling.md.",
        unit: 's',
        ...small,
        targets: quantiles(
          select(`${m.partitionHandoff}_bucket`, worker),
          ['topology'],
          '{{topology}} ',
        ),
      }),
    )
    .withPanel(
      tablePanel({
        id: 21,
        title: 'Build',
        description:
          'The version of streamfold, Node.js and librdkafka each worker runs (streamfold_build_info).',
        unit: 'none',
        ...small,
        hidden: ['Time', 'Value'],
        targets: [
          {
            expr: `max by (instance, version, node_version, librdkafka_version) (${select(m.buildInfo, worker)})`,
            legend: '__auto',
          },
        ],
      }),
    )
    .withRow(row(22, 'Process'))
    .withPanel(
      statPanel({
        id: 23,
        title: 'Workers up',
        description:
          'Workers Prometheus can scrape, out of those it knows (the up series of the job). StreamfoldWorkerDown fires when one stays down for a minute.',
        unit: 'short',
        ...quarter,
        decimals: 0,
        steps: [
          { color: 'red', value: null },
          { color: 'green', value: 1 },
        ],
        targets: [{ expr: `sum(${select(ext.up, worker)})`, legend: '__auto' }],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 24,
        title: 'CPU',
        description: 'CPU time per second used by each worker process (1 = one core).',
        unit: 'percentunit',
        ...quarter,
        targets: [
          {
            expr: `sum by (instance) (${rate(select(ext.processCpuSeconds, worker))})`,
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 25,
        title: 'Resident memory',
        description: 'Resident set size of each worker process.',
        unit: 'bytes',
        ...quarter,
        targets: [
          {
            expr: `sum by (instance) (${select(ext.processResidentMemory, worker)})`,
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 26,
        title: 'Event loop lag (p99)',
        description:
          '99th percentile of the Node.js event loop delay: a blocked loop delays every batch and heartbeat.',
        unit: 's',
        ...quarter,
        targets: [
          {
            expr: `max by (instance) (${select(ext.eventLoopLagP99, worker)})`,
            legend: '{{instance}}',
          },
        ],
      }),
    );
}
