/**
 * Every metric streamfold exports, defined once as data (docs/metrics.md, Catalogue). The
 * instruments, the docs table (docs/metrics.md) and the dashboard and alert checks all read this
 * object, so a renamed metric fails a test instead of leaving an empty panel.
 */

export const MetricTypes = {
  COUNTER: 'counter',
  GAUGE: 'gauge',
  HISTOGRAM: 'histogram',
} as const;
export type MetricType = (typeof MetricTypes)[keyof typeof MetricTypes];

export interface MetricDefinition {
  readonly name: `streamfold_${string}`;
  readonly type: MetricType;
  readonly help: string;
  readonly labelNames: readonly string[];
  readonly buckets?: readonly number[];
}

const partitionLabels = ['topic', 'partition'] as const;
const groupPartitionLabels = ['group', 'topic', 'partition'] as const;

// Explicit buckets: prom-client's defaults stop at 10 s and say nothing about record counts.
const batchSizeBuckets = [1, 10, 50, 100, 250, 500, 1000, 2000, 5000] as const;
const batchSecondsBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const latencySecondsBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300] as const;
// A handoff is a fence, an outbox drain, a seek and a first batch: sub-second when healthy.
const handoffSecondsBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120] as const;
const redisSecondsBuckets = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
] as const;

export const metricCatalogue = {
  recordsConsumed: {
    name: 'streamfold_records_consumed_total',
    type: 'counter',
    help: 'Records read from a source topic, re-deliveries included.',
    labelNames: ['topic'],
  },
  recordsProcessed: {
    name: 'streamfold_records_processed_total',
    type: 'counter',
    help: 'Records whose batch was committed to Redis, by outcome.',
    labelNames: ['topic', 'result'],
  },
  recordsFailed: {
    name: 'streamfold_records_failed_total',
    type: 'counter',
    help: 'Records that failed decoding or validation, by error class.',
    labelNames: ['topic', 'reason'],
  },
  recordsProduced: {
    name: 'streamfold_records_produced_total',
    type: 'counter',
    help: 'Records acknowledged by Kafka on a derived or dead-letter topic.',
    labelNames: ['topic'],
  },
  deadLetters: {
    name: 'streamfold_dead_letters_total',
    type: 'counter',
    help: 'Records sent to the dead-letter topic, by source topic and error class.',
    labelNames: ['topic', 'error_class'],
  },
  consumerLag: {
    name: 'streamfold_consumer_lag',
    type: 'gauge',
    help: 'Records not yet applied in Redis: high watermark minus (applied offset + 1).',
    labelNames: groupPartitionLabels,
  },
  consumerLagSeconds: {
    name: 'streamfold_consumer_lag_seconds',
    type: 'gauge',
    help: 'Age of the oldest record not yet applied in Redis; 0 when caught up.',
    labelNames: groupPartitionLabels,
  },
  committedOffset: {
    name: 'streamfold_committed_offset',
    type: 'gauge',
    help: 'Offset last committed to Kafka for the group (the next offset to read).',
    labelNames: groupPartitionLabels,
  },
  highWatermark: {
    name: 'streamfold_high_watermark',
    type: 'gauge',
    help: 'Partition high watermark (offset of the next record written), as last fetched.',
    labelNames: partitionLabels,
  },
  appliedOffset: {
    name: 'streamfold_applied_offset',
    type: 'gauge',
    help: 'Last offset applied in Redis, the source of truth for progress; -1 before any.',
    labelNames: partitionLabels,
  },
  batchSize: {
    name: 'streamfold_batch_size',
    type: 'histogram',
    help: 'Records per partition batch.',
    labelNames: ['topic'],
    buckets: batchSizeBuckets,
  },
  batchDuration: {
    name: 'streamfold_batch_duration_seconds',
    type: 'histogram',
    help: 'Time to process one partition batch, from receipt to its Kafka offset commit.',
    labelNames: ['topic'],
    buckets: batchSecondsBuckets,
  },
  endToEndLatency: {
    name: 'streamfold_end_to_end_latency_seconds',
    type: 'histogram',
    help: 'Time from a record timestamp to the commit of its batch.',
    labelNames: ['topic'],
    buckets: latencySecondsBuckets,
  },
  redisCommandDuration: {
    name: 'streamfold_redis_command_duration_seconds',
    type: 'histogram',
    help: 'Redis round trip time, by command.',
    labelNames: ['command'],
    buckets: redisSecondsBuckets,
  },
  commitDuration: {
    name: 'streamfold_commit_duration_seconds',
    type: 'histogram',
    help: 'Time from sending a commit script to queuing the Kafka offset commit.',
    labelNames: [],
    buckets: batchSecondsBuckets,
  },
  commitFailures: {
    name: 'streamfold_commit_failures_total',
    type: 'counter',
    help: 'Commit scripts that wrote nothing (fenced, stale) or failed (error).',
    labelNames: ['reason'],
  },
  rebalances: {
    name: 'streamfold_rebalances_total',
    type: 'counter',
    help: 'Rebalance callbacks handled, by type.',
    labelNames: ['type'],
  },
  partitionHandoff: {
    name: 'streamfold_partition_handoff_seconds',
    type: 'histogram',
    help: "Time from a partition's assignment to this worker's first committed batch of it.",
    labelNames: ['topology'],
    buckets: handoffSecondsBuckets,
  },
  fencedWrites: {
    name: 'streamfold_fenced_writes_total',
    type: 'counter',
    help: 'Writes refused because another worker owns the partition (epoch mismatch).',
    labelNames: [],
  },
  outboxDepth: {
    name: 'streamfold_outbox_depth',
    type: 'gauge',
    help: 'Outbox entries committed in Redis and not yet published.',
    labelNames: partitionLabels,
  },
  inFlightBatches: {
    name: 'streamfold_in_flight_batches',
    type: 'gauge',
    help: 'Partition batches being processed now.',
    labelNames: [],
  },
  assignedPartitions: {
    name: 'streamfold_assigned_partitions',
    type: 'gauge',
    help: 'Partitions this worker owns.',
    labelNames: ['topic'],
  },
  batchRetries: {
    name: 'streamfold_batch_retries_total',
    type: 'counter',
    help: 'Batches retried after a transient fault (Redis or Kafka unavailable).',
    labelNames: ['topic'],
  },
  aggregateGroupsChanged: {
    name: 'streamfold_aggregate_groups_changed_total',
    type: 'counter',
    help: 'Groups whose running partial a committed batch changed, per aggregate a topology declares (one record each on its aggregates topic, when it has one).',
    labelNames: ['topology', 'aggregate'],
  },
  buildInfo: {
    name: 'streamfold_build_info',
    type: 'gauge',
    help: 'Always 1; the labels carry the worker, Node.js and librdkafka versions.',
    labelNames: ['version', 'node_version', 'librdkafka_version'],
  },
} as const satisfies Record<string, MetricDefinition>;

export type MetricCatalogue = typeof metricCatalogue;
export type MetricKey = keyof MetricCatalogue;

/** The catalogue as a list, in declaration order (the order of docs/metrics.md). */
export const metricDefinitions: readonly MetricDefinition[] = Object.values(metricCatalogue);
