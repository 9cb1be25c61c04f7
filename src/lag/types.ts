/** One partition of `streamfold lag`: where Kafka, Redis and the group stand. */
export interface LagRow {
  readonly partition: number;
  /** The group's committed offset in Kafka (the next offset to read); null if none. */
  readonly committed: number | null;
  /** Redis's applied offset + 1: the next offset to apply, comparable to `committed`; null if none. */
  readonly applied: number | null;
  /** The offset the next record written will get. */
  readonly highWatermark: number;
  /** Records not yet applied in Redis: highWatermark − applied (the truth for progress). */
  readonly lag: number;
  /** Age of the first unapplied record; 0 when caught up; null if it could not be read in time. */
  readonly lagSeconds: number | null;
  /** The group member that owns the partition (`clientId@host`); null if none. */
  readonly owner: string | null;
}

/** `streamfold lag --json` prints exactly this. */
export interface LagReport {
  readonly topology: string;
  readonly topic: string;
  readonly group: string;
  readonly partitions: readonly LagRow[];
  readonly totalLag: number;
}
