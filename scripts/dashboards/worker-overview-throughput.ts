import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { metric as m } from './metric-names.js';
import { row, timeseriesPanel } from './panels.js';
import { onVariables, quantiles, rate, select } from './promql.js';

const worker = onVariables('job', 'instance');
const source = onVariables('job', 'instance', 'topic');
const small = { width: 8, height: 8 } as const;

/** The worker overview's "Throughput" and "Batches and latency" rows. */
export function throughputRows(dashboard: DashboardBuilder): DashboardBuilder {
  return dashboard
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
    );
}
