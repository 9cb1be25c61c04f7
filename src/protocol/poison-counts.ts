/**
 * Failed processing attempts per partition and offset: the poison check. Every offset keeps its
 * own count, since a batch may hold several failing events, each found after the one before it
 * is parked.
 */
export class PoisonCounts {
  private readonly counts = new Map<number, Map<number, number>>();

  constructor(private readonly maxAttempts: number) {}

  /** Counts one more failure; true when the offset has now failed for good. */
  failed(partition: number, offset: number): { attempts: number; forGood: boolean } {
    let counts = this.counts.get(partition);
    if (counts === undefined) this.counts.set(partition, (counts = new Map<number, number>()));
    const attempts = (counts.get(offset) ?? 0) + 1;
    counts.set(offset, attempts);
    return { attempts, forGood: attempts >= this.maxAttempts };
  }

  /** Offsets of the partition that failed for good: the fold dead-letters them. */
  poisoned(partition: number): Set<number> {
    const counts = this.counts.get(partition) ?? new Map<number, number>();
    return new Set([...counts].filter(([, n]) => n >= this.maxAttempts).map(([offset]) => offset));
  }

  /** The partition's batch went through (or the partition went): forget its counts. */
  clear(partition: number): void {
    this.counts.delete(partition);
  }
}
