/**
 * Every Redis key streamfold uses is built here. All keys of one partition shard share the hash
 * tag `{<topology>:<partition>}` (`{<topology>@<generation>:<partition>}` after a rebuild), so one
 * script can touch them atomically in Redis Cluster too.
 */
export interface ShardKeys {
  /** The shard's hash-tagged prefix, e.g. `sf:{orders:3}`. */
  readonly tag: string;
  /** Owner epoch: INCR on assignment; a commit carrying an older token is fenced. */
  readonly epoch: string;
  /** Last input offset whose effects are in Redis (absent: nothing applied). */
  readonly applied: string;
  /** Stream of committed batches' derived records not yet confirmed published. */
  readonly outbox: string;
  /** Hash of key → reducer state (JSON), e.g. orderId → order state. */
  readonly states: string;
  /** Hash of currency → running revenue subtotal in integer cents. */
  readonly totals: string;
  /** Hash of `<aggregate>|<key>` → the aggregate's partial state for this partition (JSON). */
  readonly aggregates: string;
  /** Hash of `<size>|<start>|<currency>` → cents of windows still open. */
  readonly windowsOpen: string;
  /** Hash of `<size>|<start>` → the final result of a closed window (JSON). */
  readonly windowsClosed: string;
  /** Hash of the shard's event-time clock: `watermark`, `frontier|<size>`. */
  readonly clock: string;
  /** Hash of parked key → its parked entry and held events (JSON). */
  readonly parked: string;
  /** Hash of key → time an operator asked to unpark it. */
  readonly unpark: string;
}

/** The hashes a commit script may write, in the order the script receives them after KEYS[3]. */
export const COMMIT_HASHES = [
  'states',
  'totals',
  'aggregates',
  'windowsOpen',
  'windowsClosed',
  'clock',
  'parked',
  'unpark',
] as const;
export type CommitHash = (typeof COMMIT_HASHES)[number];

/** The tag's topology part: the bare name for generation 0, `<name>@<generation>` after. */
export function namespaceOf(topology: string, generation: number): string {
  return generation === 0 ? topology : `${topology}@${generation}`;
}

export function shardKeys(
  prefix: string,
  topology: string,
  partition: number,
  generation = 0,
): ShardKeys {
  const tag = `${prefix}:{${namespaceOf(topology, generation)}:${partition}}`;
  return {
    tag,
    epoch: `${tag}:epoch`,
    applied: `${tag}:applied`,
    outbox: `${tag}:outbox`,
    states: `${tag}:states`,
    totals: `${tag}:totals`,
    aggregates: `${tag}:agg`,
    windowsOpen: `${tag}:win-open`,
    windowsClosed: `${tag}:win-closed`,
    clock: `${tag}:clock`,
    parked: `${tag}:parked`,
    unpark: `${tag}:unpark`,
  };
}

/** Every key of a shard, for deleting an abandoned generation. */
export function allShardKeys(keys: ShardKeys): string[] {
  return [keys.epoch, keys.applied, keys.outbox, ...COMMIT_HASHES.map((h) => keys[h])];
}

/** Keys that span a topology's shards (each in its own slot; never used inside a script). */
export interface TopologyKeys {
  /** Set of partition numbers that have ever been owned: where the queries look. */
  readonly partitions: string;
  /** The generation of state that is live (absent: 0); `rebuild` switches it. */
  readonly generation: string;
}

/** The live generation from the pointer's value (absent: 0). */
export function generationOf(value: string | null): number {
  return value === null ? 0 : Number(value);
}

export function topologyKeys(prefix: string, topology: string): TopologyKeys {
  return {
    partitions: `${prefix}:${topology}:partitions`,
    generation: `${prefix}:${topology}:generation`,
  };
}
