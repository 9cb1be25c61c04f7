/**
 * Time from a partition's assignment to this worker's first committed batch of it: how long a
 * partition moved by a rebalance goes unprocessed (fence, outbox drain, seek, first batch).
 * State lives in Redis, so nothing is restored and the figure does not grow with state size.
 */
export class HandoffClock {
  private readonly assignedAt = new Map<number, number>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Newly assigned partitions start their clock (an already running clock is kept). */
  assigned(partitions: Iterable<number>): void {
    const at = this.now();
    for (const p of partitions) if (!this.assignedAt.has(p)) this.assignedAt.set(p, at);
  }

  /** Revoked or lost before a first commit: that handoff never completed here. */
  revoked(partitions: Iterable<number>): void {
    for (const p of partitions) this.assignedAt.delete(p);
  }

  /** A batch of `partition` was committed: its handoff in seconds if this was the first one. */
  committed(partition: number): number | undefined {
    const at = this.assignedAt.get(partition);
    if (at === undefined) return undefined;
    this.assignedAt.delete(partition);
    return Math.max(0, this.now() - at) / 1000;
  }

  /** Partitions assigned and not yet committed. */
  get pending(): number {
    return this.assignedAt.size;
  }
}
