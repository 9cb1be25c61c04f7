/**
 * The reference for windowed revenue: tumbling windows per partition, closed by an event-time
 * watermark with a grace period, or by the end of the input. Independent of src/pipeline on
 * purpose (see reference-validate.ts): the rules are the plain ones, spelled out step by step.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';

/** One window size: the name results carry, and its length. */
export interface RefWindowSize {
  label: string;
  ms: number;
}

export interface RefWindowsConfig {
  sizes: RefWindowSize[];
  graceMs: number;
}

export type RefClosedBy = 'watermark' | 'idle';

/** A closed window of one partition: revenue per currency, integer cents. */
export interface RefWindowResult {
  partition: number;
  size: string;
  sizeMs: number;
  start: number;
  end: number;
  totals: Record<string, number>;
  closedBy: RefClosedBy;
}

/** An applied revenue change that came after its window had closed: it is not added. */
export interface RefLateEvent {
  partition: number;
  offset: number;
  sizeLabel: string;
  windowStart: number;
}

/** Totals of one window summed over partitions. */
export interface RefWindowSum {
  size: string;
  start: number;
  end: number;
  totals: Record<string, number>;
}

/** One window size's state in one partition. */
interface SizeState {
  size: RefWindowSize;
  /** Windows ending at or before it are closed; -Infinity until the first close. */
  frontier: number;
  /** Open windows by start: currency → cents. */
  open: Map<number, Map<string, number>>;
}

interface PartitionState {
  /** Max event time seen; undefined until the first event. */
  watermark: number | undefined;
  sizes: SizeState[];
}

function windowStart(t: number, ms: number): number {
  return Math.floor(t / ms) * ms;
}

/** A currency map as a record, keys sorted so results print the same every run. */
function toRecord(totals: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const currency of [...totals.keys()].sort()) out[currency] = totals.get(currency) ?? 0;
  return out;
}

function checkConfig({ sizes, graceMs }: RefWindowsConfig): void {
  if (sizes.length === 0) {
    throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, 'windows: no sizes');
  }
  for (const { label, ms } of sizes) {
    if (!Number.isSafeInteger(ms) || ms <= 0) {
      throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, `windows: bad size ${label}=${ms}`);
    }
  }
  if (new Set(sizes.map((s) => s.label)).size !== sizes.length) {
    throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, 'windows: duplicate size label');
  }
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
    throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, 'windows: bad grace');
  }
}

/**
 * Feed every schema-valid event of each partition in offset order (`revenue` only for applied
 * steps that change revenue), then `finish()` once at the end of the input.
 */
export class ReferenceWindows {
  private readonly partitions = new Map<number, PartitionState>();
  private readonly closed: RefWindowResult[] = [];
  private readonly lateEvents: RefLateEvent[] = [];

  constructor(private readonly config: RefWindowsConfig) {
    checkConfig(config);
  }

  observe(
    partition: number,
    offset: number,
    timestampMs: number,
    revenue?: { currency: string; cents: number },
  ): void {
    const state = this.partition(partition);
    if (revenue) this.add(partition, offset, timestampMs, revenue, state);
    state.watermark = Math.max(state.watermark ?? -Infinity, timestampMs);
    for (const sizeState of state.sizes) {
      const frontier = windowStart(state.watermark - this.config.graceMs, sizeState.size.ms);
      if (frontier > sizeState.frontier) {
        this.close(partition, sizeState, (end) => end <= frontier, 'watermark');
        sizeState.frontier = frontier;
      }
    }
  }

  /** End of input: every window still open closes, and the frontier moves past it. */
  finish(): void {
    for (const partition of this.partitions.keys()) this.closeIdle(partition);
  }

  /** One partition went quiet: its open windows close, as at the end of the input. */
  closeIdle(partition: number): void {
    const state = this.partitions.get(partition);
    if (state === undefined) return;
    for (const sizeState of state.sizes) {
      const last = [...sizeState.open.keys()].reduce((a, b) => Math.max(a, b), -Infinity);
      this.close(partition, sizeState, () => true, 'idle');
      if (last > -Infinity)
        sizeState.frontier = Math.max(sizeState.frontier, last + sizeState.size.ms);
    }
  }

  /** Closed windows, by partition, size and start. */
  results(): RefWindowResult[] {
    return [...this.closed].sort(
      (a, b) => a.partition - b.partition || a.sizeMs - b.sizeMs || a.start - b.start,
    );
  }

  /** Late revenue changes, in the order they were seen. */
  late(): RefLateEvent[] {
    return [...this.lateEvents];
  }

  private partition(partition: number): PartitionState {
    let state = this.partitions.get(partition);
    if (state === undefined) {
      const sizes = this.config.sizes.map((size): SizeState => ({
        size,
        frontier: -Infinity,
        open: new Map(),
      }));
      state = { watermark: undefined, sizes };
      this.partitions.set(partition, state);
    }
    return state;
  }

  private add(
    partition: number,
    offset: number,
    t: number,
    { currency, cents }: { currency: string; cents: number },
    state: PartitionState,
  ): void {
    for (const { size, frontier, open } of state.sizes) {
      const start = windowStart(t, size.ms);
      if (start + size.ms <= frontier) {
        this.lateEvents.push({ partition, offset, sizeLabel: size.label, windowStart: start });
        continue;
      }
      let totals = open.get(start);
      if (totals === undefined) {
        totals = new Map();
        open.set(start, totals);
      }
      totals.set(currency, (totals.get(currency) ?? 0) + cents);
    }
  }

  private close(
    partition: number,
    { size, open }: SizeState,
    closes: (end: number) => boolean,
    closedBy: RefClosedBy,
  ): void {
    for (const [start, totals] of [...open].sort(([a], [b]) => a - b)) {
      const end = start + size.ms;
      if (!closes(end)) continue;
      open.delete(start);
      const result = { partition, size: size.label, sizeMs: size.ms, start, end, closedBy };
      this.closed.push({ ...result, totals: toRecord(totals) });
    }
  }
}

/** Totals per window size and start, summed over partitions; by size then start. */
export function sumWindows(results: readonly RefWindowResult[]): RefWindowSum[] {
  const sums = new Map<string, { sizeMs: number; sum: RefWindowSum }>();
  for (const r of results) {
    const key = `${r.size}@${r.start}`;
    let entry = sums.get(key);
    if (entry === undefined) {
      entry = {
        sizeMs: r.sizeMs,
        sum: { size: r.size, start: r.start, end: r.end, totals: {} },
      };
      sums.set(key, entry);
    }
    for (const [currency, cents] of Object.entries(r.totals)) {
      entry.sum.totals[currency] = (entry.sum.totals[currency] ?? 0) + cents;
    }
  }
  return [...sums.values()]
    .sort((a, b) => a.sizeMs - b.sizeMs || a.sum.start - b.sum.start)
    .map(({ sum }) => ({ ...sum, totals: toRecord(new Map(Object.entries(sum.totals))) }));
}
