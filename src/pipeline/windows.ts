/**
 * Tumbling windows of revenue by event time, per partition (docs/topologies.md, "windows").
 * The partition's watermark is the newest event time it has read; a window closes once the
 * watermark passes its end + grace, or when the partition has been idle for the idle timeout.
 * Revenue for a window that is already closed is late: counted and routed, never added.
 */

export interface WindowSize {
  /** Canonical label used in keys, records and queries: `1m`, `1h`, `30s`, … */
  readonly label: string;
  readonly ms: number;
}

export interface WindowSpec {
  readonly sizes: readonly WindowSize[];
  readonly graceMs: number;
  readonly idleTimeoutMs: number;
}

/** A partition's windows as the lease holds them between batches. */
export interface WindowState {
  /** Newest event time read (null: none yet). */
  readonly watermark: number | null;
  /** Per size label: every window ending at or before this is closed. */
  readonly frontiers: ReadonlyMap<string, number>;
  /** `<label>|<start>` → currency → cents, for windows still open. */
  readonly open: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

export type ClosedBy = 'watermark' | 'idle';

export interface WindowResult {
  partition: number;
  size: string;
  sizeMs: number;
  start: number;
  end: number;
  totals: Record<string, number>;
  closedBy: ClosedBy;
}

/** What a batch changes in the shard's windows; the commit script writes it. */
export interface WindowChanges {
  readonly next: WindowState;
  /** `<label>|<start>|<currency>` → cents to add to open windows. */
  readonly increments: ReadonlyMap<string, number>;
  readonly closed: readonly WindowResult[];
  /** Set when the batch closed windows for idleness: the applied offset it happened at. */
  readonly idleClosedAt?: number;
}

export const EMPTY_WINDOWS: WindowState = {
  watermark: null,
  frontiers: new Map(),
  open: new Map(),
};

export function windowField(label: string, start: number): string {
  return `${label}|${start}`;
}

/** The clock hash's fields. */
export const ClockFields = {
  watermark: 'watermark',
  frontier: (label: string) => `frontier|${label}`,
  /** An idle close after this applied offset: a rebuild replays it at the same place. */
  idleClose: (offset: number) => `idle|${offset}`,
  /** An unpark of this key after this applied offset: a rebuild replays it at the same place. */
  unpark: (offset: number, key: string) => `unpark|${offset}|${key}`,
} as const;

/** Keys unparked after each applied offset, ascending by offset. */
export function unparkLog(
  clock: Readonly<Record<string, string>>,
): { offset: number; key: string }[] {
  return Object.keys(clock)
    .filter((field) => field.startsWith('unpark|'))
    .map((field) => {
      const rest = field.slice('unpark|'.length);
      const bar = rest.indexOf('|');
      return { offset: Number(rest.slice(0, bar)), key: rest.slice(bar + 1) };
    })
    .sort((a, b) => a.offset - b.offset);
}

/** Applied offsets after which the shard's windows were closed for idleness, ascending. */
export function idleCloseOffsets(clock: Readonly<Record<string, string>>): number[] {
  return Object.keys(clock)
    .filter((field) => field.startsWith('idle|'))
    .map((field) => Number(field.slice('idle|'.length)))
    .sort((a, b) => a - b);
}

/** A late event: the window of this size it belongs to had closed. */
export interface LateMark {
  size: WindowSize;
  start: number;
}

/**
 * Folds one batch's events into a copy of the partition's windows. Call `observe` for every
 * schema-valid event in offset order, then `changes()`.
 */
export class WindowFold {
  private watermark: number | null;
  private readonly frontiers: Map<string, number>;
  private readonly open = new Map<string, Map<string, number>>();
  private readonly increments = new Map<string, number>();
  private readonly closed: WindowResult[] = [];

  constructor(
    private readonly spec: WindowSpec,
    private readonly partition: number,
    before: WindowState,
  ) {
    this.watermark = before.watermark;
    this.frontiers = new Map(before.frontiers);
    for (const [field, totals] of before.open) this.open.set(field, new Map(totals));
  }

  /**
   * One event at event time `timestamp`, with the revenue it changes when it changes any.
   * Returns the sizes for which the revenue came late.
   */
  observe(timestamp: number, revenue?: { currency: string; cents: number }): LateMark[] {
    const late: LateMark[] = [];
    if (revenue !== undefined) {
      for (const size of this.spec.sizes) {
        const start = Math.floor(timestamp / size.ms) * size.ms;
        if (start + size.ms <= (this.frontiers.get(size.label) ?? -Infinity)) {
          late.push({ size, start });
          continue;
        }
        const field = windowField(size.label, start);
        let totals = this.open.get(field);
        if (totals === undefined) this.open.set(field, (totals = new Map<string, number>()));
        totals.set(revenue.currency, (totals.get(revenue.currency) ?? 0) + revenue.cents);
        const increment = `${field}|${revenue.currency}`;
        this.increments.set(increment, (this.increments.get(increment) ?? 0) + revenue.cents);
      }
    }
    if (this.watermark === null || timestamp > this.watermark) {
      this.watermark = timestamp;
      for (const size of this.spec.sizes) {
        const frontier = Math.floor((timestamp - this.spec.graceMs) / size.ms) * size.ms;
        this.closeUpTo(size, frontier, 'watermark');
      }
    }
    return late;
  }

  /** The partition has been quiet for the idle timeout: every open window closes. */
  closeIdle(): void {
    for (const size of this.spec.sizes) {
      let newest = -Infinity;
      for (const field of this.open.keys()) {
        const [label, start] = splitField(field);
        if (label === size.label) newest = Math.max(newest, start + size.ms);
      }
      this.closeUpTo(size, newest, 'idle');
    }
  }

  get watermarkNow(): number | null {
    return this.watermark;
  }

  /** Results of windows closed since the first `from` closings. */
  closedSince(from: number): readonly WindowResult[] {
    return from >= this.closed.length ? [] : this.closed.slice(from);
  }

  get closedCount(): number {
    return this.closed.length;
  }

  changes(): WindowChanges {
    return {
      next: { watermark: this.watermark, frontiers: this.frontiers, open: this.open },
      increments: this.increments,
      closed: this.closed,
    };
  }

  private closeUpTo(size: WindowSize, frontier: number, closedBy: ClosedBy): void {
    if (frontier <= (this.frontiers.get(size.label) ?? -Infinity)) return;
    this.frontiers.set(size.label, frontier);
    const closing: [number, Map<string, number>][] = [];
    for (const [field, totals] of this.open) {
      const [label, start] = splitField(field);
      if (label === size.label && start + size.ms <= frontier) closing.push([start, totals]);
    }
    closing.sort((a, b) => a[0] - b[0]);
    for (const [start, totals] of closing) {
      this.open.delete(windowField(size.label, start));
      this.closed.push({
        partition: this.partition,
        size: size.label,
        sizeMs: size.ms,
        start,
        end: start + size.ms,
        totals: Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b))),
        closedBy,
      });
    }
  }
}

/** An open-window field `<label>|<start>|<currency>` → its window field, label, start, currency. */
export function splitOpenField(field: string): {
  window: string;
  label: string;
  start: number;
  currency: string;
} {
  const bar = field.lastIndexOf('|');
  const window = field.slice(0, bar);
  const [label, start] = splitField(window);
  return { window, label, start, currency: field.slice(bar + 1) };
}

/** `<label>|<start>` → [label, start]. */
export function splitField(field: string): [string, number] {
  const bar = field.indexOf('|');
  return [field.slice(0, bar), Number(field.slice(bar + 1))];
}
