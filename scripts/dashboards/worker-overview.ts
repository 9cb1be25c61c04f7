import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { consumerLagRef, workerOverviewRef } from './dashboard-refs.js';
import { externalMetric as ext, metric as m } from './metric-names.js';
import { row, statPanel, tablePanel, timeseriesPanel } from './panels.js';
import { onVariables, percentiles, select } from './promql.js';
import { streamfoldDashboard } from './streamfold-dashboard.js';
import { datasourceVariable, queryVariable } from './variables.js';

const worker = onVariables('job', 'instance');
const source = onVariables('job', 'instance', 'topic');
const rate = (selector: string) => `rate(${selector}[$__rate_interval])`;
const increase = (selector: string) => `increase(${selector}[$__rate_interval])`;
/** p50, p95 and p99 of a histogram, summed over workers and any label not grouped by. */
const quantiles = (bucket: string, by: readonly string[] = [], legendPrefix = '') =>
  percentiles.map(({ quantile, legend }) => ({
    expr: `histogram_quantile(${quantile}, sum by (${['le', ...by].join(', ')}) (${rate(bucket)}))`,
    legend: `${legendPrefix}${legend}`,
  }));

const small = { width: 8, height: 8 } as const;
const quarter = { width: 6, height: 8 } as const;

/** Throughput, batches, latency, commits and process health of the workers. */
export function workerOverview(): Dashboard {
  return streamfoldDashboard({
    ...workerOverviewRef,
    description:
      'Throughput, batches, latency, commits and process health of the streamfold workers.',
    links: [consumerLagRef],
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
        name: 'topic',
        label: 'Topic',
        query: `label_values(${select(m.recordsConsumed, worker)}, topic)`,
      }),
    )
    .withRow(row(1, 'Throughput'))
    .withPanel(
      timeseriesPanel({
        id: 2,
        title: 'Records consumed',
        description:
          'Records read from each source topic per second, re-deliveries after a retry or rebalance included.',
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
          'Records of committed batches per second, by outcome: applied, duplicate (eventId already applied), anomaly (invalid transition, sent to the anomalies topic), dead_lettered.',
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
        description:
          'Records per second acknowledged by Kafka on each derived topic and the dead-letter topic. Not filtered by the topic variable, which lists source topics.',
        unit: 'cps',
        ...small,
        targets: [
          {
            expr: `sum by (topic) (${rate(select(m.recordsProduced, worker))})`,
            legend: '{{topic}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 5,
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
        id: 6,
        title: 'Dead letters by error class',
        description:
          'Records per second written to the dead-letter topic, by error class. The StreamfoldDeadLetterRate alert fires above 1% of consumed records.',
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
    )
    .withPanel(
      timeseriesPanel({
        id: 7,
        title: 'Batch retries',
        description:
          'Batches per second retried after a transient fault (Redis or Kafka unavailable): the partition is paused and re-read after a backoff, nothing is skipped.',
        unit: 'cps',
        ...small,
        targets: [
          {
            expr: `sum by (instance) (${rate(select(m.batchRetries, source))})`,
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withRow(row(8, 'Batches and latency'))
    .withPanel(
      timeseriesPanel({
        id: 9,
        title: 'Batch size',
        description:
          'Records per partition batch: 50th, 95th and 99th percentiles. Small batches under load point at fetch settings.',
        unit: 'short',
        ...small,
        targets: quantiles(select(`${m.batchSize}_bucket`, source)),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 10,
        title: 'Batch duration',
        description:
          'Time to process one partition batch, from receipt to its Kafka offset commit: 50th, 95th and 99th percentiles.',
        unit: 's',
        ...small,
        targets: quantiles(select(`${m.batchDuration}_bucket`, source)),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 11,
        title: 'End-to-end latency',
        description:
          'Time from a record timestamp (set by its producer) to the commit of its batch: 50th, 95th and 99th percentiles.',
        unit: 's',
        ...small,
        targets: quantiles(select(`${m.endToEndLatency}_bucket`, source)),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 12,
        title: 'Batches in flight',
        description: 'Partition batches being processed right now, per worker.',
        unit: 'short',
        ...small,
        decimals: 0,
        targets: [
          {
            expr: `sum by (instance) (${select(m.inFlightBatches, worker)})`,
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 13,
        title: 'Commit duration',
        description:
          "Time from sending a batch's commit script to queuing its Kafka offset commit (commit script, outbox publish, offset commit): 50th, 95th and 99th percentiles.",
        unit: 's',
        ...small,
        targets: quantiles(select(`${m.commitDuration}_bucket`, worker)),
      }),
    )
    .withPanel(
      timeseriesPanel({
        id: 14,
        title: 'Redis command duration (p99)',
        description:
          '99th percentile of the Redis round trip time, by command (fence, load_states, commit, outbox_read, outbox_ack).',
        unit: 's',
        ...small,
        targets: [
          {
            expr: `histogram_quantile(0.99, sum by (le, command) (${rate(select(`${m.redisCommandDuration}_bucket`, worker))}))`,
            legend: '{{command}}',
          },
        ],
      }),
    )
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
    )
    .build();
}
