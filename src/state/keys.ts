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
  /** Per-key state of the topology's reducers. */
  readonly state: (key: string) => string;
  /** Revenue (or other running sums) of this shard, a hash of currency → integer cents. */
  readonly totals: string;
  /** Derived records committed but maybe not yet published. */
  readonly outbox: string;
}

export function shardKeys(prefix: string, topology: string, partition: number): ShardKeys {
  const tag = `${prefix}:{${topology}:${partition}}`;
  return {
    tag,
    epoch: `${tag}:epoch`,
    applied: `${tag}:applied`,
    state: (key) => `${tag}:state:${key}`,
    totals: `${tag}:totals`,
    outbox: `${tag}:outbox`,
  };
}
