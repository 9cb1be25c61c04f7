export { createMetrics } from './create-metrics.js';
export { Metrics } from './metrics.js';
export {
  metricCatalogue,
  metricDefinitions,
  MetricTypes,
  type MetricCatalogue,
  type MetricDefinition,
  type MetricKey,
  type MetricType,
} from './catalogue.js';
export {
  CommitFailureReasons,
  FailureReasons,
  ProcessResults,
  RebalanceTypes,
  RedisCommands,
  toFailureReason,
  type CommitFailureReason,
  type FailureReason,
  type ProcessResult,
  type RebalanceType,
  type RedisCommand,
} from './label-values.js';
export { partitionLag, type PartitionLag, type PartitionLagInput } from './partition-lag.js';
export {
  PartitionLagTracker,
  type PartitionLagSample,
  type PartitionProgress,
} from './partition-lag-tracker.js';
export type { BuildInfo, KnownTopics, MetricsOptions, Scrape } from './types.js';
