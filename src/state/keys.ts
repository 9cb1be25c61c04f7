/**
 * Every Redis key streamfold uses is built here. All keys of one partition shard share the hash
 * tag `{<topology>:<partition>}`, so one script can touch them atomically in Redis Cluster too.
 */
export interface ShardKeys {
  /** The shard's hash-tagged prefix, e.g. `sf:{orders:3}`. */
  readonly tag: string;
  /** Owner epoch: INCR on assignment; a commit carrying an older token is fenced. */
  readonly epoch: string;
  /** Last input offset whose effects are in Redis (absent: nothing applied). */
  readonly applied: string;
  /** Hash of key → reducer state (JSON), e.g. orderId → order state. */
  readonly states: string;
  /** Hash of currency → running revenue subtotal in integer cents. */
  readonly totals: string;
  /** Stream of committed batches' derived records not yet confirmed published. */
  readonly outbox: string;
}

export function shardKeys(prefix: string, topology: string, partition: number): ShardKeys {
  const tag = `${prefix}:{${topology}:${partition}}`;
  return {
    tag,
    epoch: `${tag}:epoch`,
    applied: `${tag}:applied`,
    states: `${tag}:states`,
    totals: `${tag}:totals`,
    outbox: `${tag}:outbox`,
  };
}

/** Keys that span a topology's shards (each in its own slot; never used inside a script). */
export interface TopologyKeys {
  /** Set of partition numbers that have ever been owned: where the queries look. */
  readonly partitions: string;
}

export function topologyKeys(prefix: string, topology: string): TopologyKeys {
  return { partitions: `${prefix}:${topology}:partitions` };
}
