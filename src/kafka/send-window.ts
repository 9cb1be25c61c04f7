/**
 * Bounded in-flight sends: the producer is fastest when many sends are outstanding, but an
 * unbounded number would hold the whole stream in memory. The first failure is kept and stops
 * the caller at its next `admit`.
 */
export class SendWindow {
  private readonly pending = new Set<Promise<void>>();
  private inFlight = 0;
  private failure: { error: unknown } | undefined;

  constructor(private readonly maxInFlight: number) {}

  /** Tracks one send of `count` messages; `onDelivered` runs when the broker has them all. */
  add(send: Promise<unknown>, count: number, onDelivered: (count: number) => void): void {
    this.inFlight += count;
    const tracked = send
      .then(
        () => onDelivered(count),
        (error: unknown) => {
          this.failure ??= { error };
        },
      )
      .finally(() => {
        this.inFlight -= count;
        this.pending.delete(tracked);
      });
    this.pending.add(tracked);
  }

  /** Waits until `count` more messages fit; rethrows an earlier send's failure. */
  async admit(count: number): Promise<void> {
    while (this.inFlight + count > this.maxInFlight && this.pending.size > 0) {
      await Promise.race(this.pending);
    }
    this.check();
  }

  /** Waits for every outstanding send; rethrows the first failure. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    this.check();
  }

  private check(): void {
    if (this.failure) throw this.failure.error;
  }
}
