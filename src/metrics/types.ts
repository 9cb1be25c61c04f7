/** The labels of `streamfold_build_info`: one value each per process, so bounded. */
export interface BuildInfo {
  /** streamfold's package version. */
  readonly version: string;
  /** librdkafka's version as the Kafka client reports it (`librdkafkaVersion`). */
  readonly librdkafkaVersion: string;
  /** Defaults to `process.version`. */
  readonly nodeVersion?: string;
}

/** The topics a worker knows at start, whose counters are created at 0. */
export interface KnownTopics {
  /** Source topics (a topology's input). */
  readonly consumed: readonly string[];
  /** Topics written: derived outputs and the dead-letter topic. */
  readonly produced: readonly string[];
  /** Topology names (the `topology` label of the partition handoff histogram). */
  readonly topologies?: readonly string[];
  /** A topology's aggregates (the labels of the per-aggregate counters). */
  readonly aggregates?: readonly { readonly topology: string; readonly aggregate: string }[];
}

/** One scrape in the exposition format, as served on `/metrics`. */
export interface Scrape {
  readonly contentType: string;
  readonly body: string;
}

export interface MetricsOptions {
  /** Sets `streamfold_build_info` at once (it can also be set later with `setBuildInfo`). */
  readonly build?: BuildInfo;
  /** The clock for time lag and end-to-end latency (ms since the epoch); tests pin it. */
  readonly now?: () => number;
}
