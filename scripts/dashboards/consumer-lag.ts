import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { consumerLagRef, workerOverviewRef } from './dashboard-refs.js';
import { metric as m } from './metric-names.js';
import { row, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { onVariables, select } from './promql.js';
import { streamfoldDashboard } from './streamfold-dashboard.js';
import { datasourceVariable, queryVariable } from './variables.js';

const worker = onVariables('job', 'instance');
const partition = onVariables('job', 'instance', 'topic', 'partition');
const groupPartition = onVariables('job', 'instance', 'group', 'topic', 'partition');
const deriv = (selector: string) => `deriv(${selector}[$__rate_interval])`;

const stat = { width: 6, height: 5 } as const;
const half = { width: 12, height: 9 } as const;

/** Lag per partition against what Redis has applied, offsets and ownership. */
export function consumerLag(): Dashboard {
  const lag = select(m.consumerLag, groupPartition);
  const lagSeconds = select(m.consumerLagSeconds, groupPartition);
  const highWatermark = `max by (topic, partition) (${select(m.highWatermark, partition)})`;
  const committed = `max by (topic, partition) (${select(m.committedOffset, groupPartition)})`;
  return streamfoldDashboard({
    ...consumerLagRef,
    description:
      'Lag per partition against what Redis has applied (records and seconds), offsets and ownership.',
    links: [workerOverviewRef],
  })
    .withVariable(datasourceVariable())
    .withVariable(
      queryVariable({ name: 'job', label: 'Job', query: `label_values(${m.buildInfo}, job)` }),
    )
    .withVariable(
      queryVariable({
        name: 'instance',
        label: 'Instance',
        query: `label_values(${select(m.buildInfo, onVariables('job'))}, instance)`,
      }),
    )
    .withVariable(
      queryVariable({
        name: 'group',
        label: 'Consumer group',
        query: `label_values(${select(m.consumerLag, worker)}, group)`,
      }),
    )
    .withVariable(
      queryVariable({
        name: 'topic',
        label: 'Topic',
        query: `label_values(${select(m.recordsConsumed, worker)}, topic)`,
      }),
    )
    .withVariable(
      queryVariable({
        name: 'partition',
        label: 'Partition',
        query: `label_values(${select(m.appliedOffset, onVariables('job', 'instance', 'topic'))}, partition)`,
        numeric: true,
      }),
    )
    .withRow(row(1, 'Now'))
    .withPanel(
      statPanel({
        id: 2,
        title: 'Total lag',
        description:
          'Records written to the selected partitions and not yet applied in Redis (sum over partitions).',
        unit: 'short',
        ...stat,
        decimals: 0,
        steps: [
          { color: 'green', value: null },
          { color: 'orange', value: 1000 },
          { color: 'red', value: 10000 },
        ],
        targets: [{ expr: `sum(max by (group, topic, partition) (${lag}))`, legend: '__auto' }],
      }),
    )
    .withPanel(
      statPanel({
        id: 3,
        title: 'Oldest unapplied record',
        description:
          'Age of the oldest record not yet applied in Redis, over the selected partitions; 0 when caught up. StreamfoldLagSecondsHigh fires above 60 s.',
        unit: 's',
        ...stat,
        steps: [
          { color: 'green', value: null },
          { color: 'orange', value: 10 },
          { color: 'red', value: 60 },
        ],
        targets: [{ expr: `max(${lagSeconds})`, legend: '__auto' }],
      }),
    )
    .withPanel(
      statPanel({
        id: 4,
        title: 'Partitions owned',
        description: 'Partitions of the selected topics owned by the selected workers.',
        unit: 'short',
        ...stat,
        decimals: 0,
        steps: [{ color: 'green', value: null }],
        targets: [
          {
            expr: `sum(${select(m.assignedPartitions, onVariables('job', 'instance', 'topic'))})`,
            legend: '__auto',
          },
        ],
      }),
    )
    .withPanel(
      statPanel({
        id: 5,
        title: 'Outbox pending',
        description:
          'Derived records committed in Redis and not yet published, over the selected partitions.',
        unit: 'short',
        ...stat,
        decimals: 0,
        steps: [{ color: 'green', value: null }],
        targets: [{ expr: `sum(${select(m.outboxDepth, partition)})`, legend: '__auto' }],
      }),
    )
    .withRow(row(6, 'Lag per partition'))
    .withPanel(
      timeseriesPanel({
        id: 7,
        title: 'Lag (records)',
        description:
          "High watermark minus (applied offset + 1) per partition: records not yet applied in Redis. Exported only by the partition's owner.",
        unit: 'short',
        ...half,
        targets: [
          { expr: `max by (group, topic, partition) (${lag})`, legend: '{{topic}}/{{partition}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 8,
        title: 'Lag (seconds)',
        description:
          'Age of the oldest record not yet applied, per partition; 0 when caught up. It keeps growing while a partition is stuck.',
        unit: 's',
        ...half,
        targets: [
          {
            expr: `max by (group, topic, partition) (${lagSeconds})`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Lag trend',
        description:
          'How fast lag changes per partition (records per second, from deriv): above 0 the workers fall behind, below 0 they catch up.',
        unit: 'cps',
        ...half,
        fromZero: false,
        targets: [
          {
            expr: `max by (group, topic, partition) (${deriv(lag)})`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 10,
        title: 'Apply rate',
        description:
          'Records per second applied in Redis per partition (slope of the applied offset). Flat at 0 with lag above 0 is a stalled partition.',
        unit: 'cps',
        ...half,
        targets: [
          {
            expr: `max by (topic, partition) (${deriv(select(m.appliedOffset, partition))})`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withRow(row(11, 'Offsets'))
    .withPanel(
      timeseriesPanel({
        id: 12,
        title: 'Offsets',
        description:
          'Per partition: the high watermark, the offset applied in Redis (the source of truth) and the offset committed to Kafka (a hint that may trail).',
        unit: 'none',
        ...half,
        fromZero: false,
        targets: [
          { expr: highWatermark, legend: 'high watermark {{topic}}/{{partition}}' },
          {
            expr: `max by (topic, partition) (${select(m.appliedOffset, partition)})`,
            legend: 'applied {{topic}}/{{partition}}',
          },
          { expr: committed, legend: 'committed {{topic}}/{{partition}}' },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 13,
        title: 'Committed lag',
        description:
          'High watermark minus the Kafka committed offset, per partition: the lag Kafka tools report. It trails the applied lag because the offset commit follows the Redis commit and the outbox publish.',
        unit: 'short',
        ...half,
        targets: [
          {
            expr: `${highWatermark} - on (topic, partition) ${committed}`,
            legend: '{{topic}}/{{partition}}',
          },
        ],
      }),
    )
    .withPanel(
      tablePanel({
        id: 14,
        title: 'Partition owners',
        description:
          'Which worker owns each partition now, and the offset it has applied in Redis.',
        unit: 'none',
        ...half,
        hidden: ['Time'],
        targets: [
          {
            expr: `max by (topic, partition, instance) (${select(m.appliedOffset, partition)})`,
            legend: '__auto',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 15,
        title: 'Rebalances',
        description:
          'Rebalance callbacks per interval by worker and type. Lag usually jumps while partitions change hands.',
        unit: 'short',
        ...half,
        targets: [
          {
            expr: `sum by (instance, type) (increase(${select(m.rebalances, worker)}[$__rate_interval]))`,
            legend: '{{instance}} {{type}}',
          },
        ],
      }),
    )
    .build();
}
