/**
 * Collapses a burst of one log message: during a broker outage the client reports the same
 * failure (`all broker connections are down`, `broker transport failure`) many times a second.
 * The first occurrence is logged; repeats within `windowMs` are counted, and the next occurrence
 * after the window is logged with how many were left out.
 */
export class RepeatFilter {
  private readonly seen = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly windowMs = 10_000,
    private readonly now: () => number = Date.now,
    private readonly maxKeys = 256,
  ) {}

  /** undefined: leave this one out; otherwise log it, with the number left out since the last. */
  admit(message: string): { suppressed: number } | undefined {
    const t = this.now();
    const entry = this.seen.get(message);
    if (entry && t - entry.at < this.windowMs) {
      entry.suppressed += 1;
      return undefined;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.seen.delete(message);
    if (this.seen.size >= this.maxKeys) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    this.seen.set(message, { at: t, suppressed: 0 });
    return { suppressed };
  }
}
