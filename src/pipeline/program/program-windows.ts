/**
 * Tumbling windows of windowed aggregates, per partition (docs/language.md, "Windows"): the
 * partition's watermark is the newest event time it has read; each aggregate and size has a
 * frontier, and a window that ends at or before it is closed. A transition's changes go to the
 * window of its event time, or are late when that window has closed.
 */
import type { GroupChange } from './aggregate-changes.js';
import { applyOps } from './partials.js';
import type { Aggregate, GroupPartial, WindowSizeSpec } from './types.js';

export type WindowClosedBy = 'watermark' | 'idle';

/** A partition's windows between batches. */
export interface ProgramWindowState {
  /** Newest event time read (null: none yet). */
  readonly watermark: number | null;
  /** `<aggregate>|<size>` → every window of that aggregate and size ending at or before it is closed. */
  readonly frontiers: ReadonlyMap<string, number>;
  /** `<aggregate>|<size>|<start>|<group>` → partial, for windows still open. */
  readonly open: ReadonlyMap<string, GroupPartial>;
}

export const EMPTY_PROGRAM_WINDOWS: ProgramWindowState = {
  watermark: null,
  frontiers: new Map(),
  open: new Map(),
};

/** The final result of one window of one aggregate in one partition. */
export interface ProgramWindowResult {
  readonly aggregate: string;
  readonly size: string;
  readonly sizeMs: number;
  readonly start: number;
  readonly end: number;
  /** Group field → partial. */
  readonly groups: Readonly<Record<string, GroupPartial>>;
  readonly closedBy: WindowClosedBy;
}

export interface LateWindow {
  readonly aggregate: string;
  readonly size: string;
  readonly start: number;
}

export function frontierField(aggregate: string, size: string): string {
  return `${aggregate}|${size}`;
}

export function openWindowField(
  aggregate: string,
  size: string,
  start: number,
  group: string,
): string {
  return `${aggregate}|${size}|${start}|${group}`;
}

interface OpenWindow {
  readonly aggregate: Aggregate;
  readonly size: WindowSizeSpec;
  readonly start: number;
  readonly groups: Map<string, GroupPartial>;
}

export class ProgramWindows {
  private watermark: number | null;
  private readonly frontiers: Map<string, number>;
  /** `<aggregate>|<size>|<start>` → the window's groups. */
  private readonly windows = new Map<string, OpenWindow>();
  /** Groups of open windows the batch wrote: window id → group keys. */
  private readonly written = new Map<string, Set<string>>();
  private readonly closed: ProgramWindowResult[] = [];

  constructor(
    private readonly aggregates: readonly Aggregate[],
    before: ProgramWindowState,
  ) {
    this.watermark = before.watermark;
    this.frontiers = new Map(before.frontiers);
    const byName = new Map(aggregates.map((a) => [a.name, a]));
    for (const [field, partial] of before.open) {
      const parts = splitOpenField(field);
      const aggregate = byName.get(parts.aggregate);
      const size = aggregate?.windows?.sizes.find((s) => s.label === parts.size);
      if (aggregate === undefined || size === undefined) continue;
      this.window(aggregate, size, parts.start).groups.set(parts.group, partial);
    }
  }

  private window(aggregate: Aggregate, size: WindowSizeSpec, start: number): OpenWindow {
    const id = `${aggregate.name}|${size.label}|${start}`;
    let w = this.windows.get(id);
    if (w === undefined) this.windows.set(id, (w = { aggregate, size, start, groups: new Map() }));
    return w;
  }

  /** One transition's changes to a windowed aggregate; returns the sizes it came late for. */
  attribute(aggregate: Aggregate, time: number, changes: readonly GroupChange[]): LateWindow[] {
    const late: LateWindow[] = [];
    if (changes.length === 0 || aggregate.windows === undefined) return late;
    for (const size of aggregate.windows.sizes) {
      const start = Math.floor(time / size.ms) * size.ms;
      const frontier = this.frontiers.get(frontierField(aggregate.name, size.label));
      if (frontier !== undefined && start + size.ms <= frontier) {
        late.push({ aggregate: aggregate.name, size: size.label, start });
        continue;
      }
      const id = `${aggregate.name}|${size.label}|${start}`;
      const w = this.window(aggregate, size, start);
      let groups = this.written.get(id);
      if (groups === undefined) this.written.set(id, (groups = new Set()));
      for (const change of changes) {
        w.groups.set(change.group, applyOps(aggregate, w.groups.get(change.group), change.ops));
        groups.add(change.group);
      }
    }
    return late;
  }

  /** Every schema-valid event's time, after its transition was attributed. */
  observe(time: number): void {
    if (this.watermark !== null && time <= this.watermark) return;
    this.watermark = time;
    for (const aggregate of this.aggregates) {
      const spec = aggregate.windows;
      if (spec === undefined) continue;
      for (const size of spec.sizes) {
        const frontier = Math.floor((time - spec.graceMs) / size.ms) * size.ms;
        this.closeUpTo(aggregate, size, frontier, 'watermark');
      }
    }
  }

  /** The partition has been quiet for the idle timeout: every open window closes. */
  closeIdle(): void {
    for (const aggregate of this.aggregates) {
      for (const size of aggregate.windows?.sizes ?? []) {
        let newest: number | undefined;
        for (const w of this.windows.values()) {
          if (w.aggregate === aggregate && w.size === size) {
            newest = Math.max(newest ?? -Infinity, w.start + size.ms);
          }
        }
        if (newest !== undefined) this.closeUpTo(aggregate, size, newest, 'idle');
      }
    }
  }

  private closeUpTo(
    aggregate: Aggregate,
    size: WindowSizeSpec,
    frontier: number,
    by: WindowClosedBy,
  ): void {
    const field = frontierField(aggregate.name, size.label);
    const current = this.frontiers.get(field);
    if (current !== undefined && frontier <= current) return;
    this.frontiers.set(field, frontier);
    const closing = [...this.windows.entries()]
      .filter(
        ([, w]) => w.aggregate === aggregate && w.size === size && w.start + size.ms <= frontier,
      )
      .sort(([, a], [, b]) => a.start - b.start);
    for (const [id, w] of closing) {
      this.windows.delete(id);
      const groups = Object.fromEntries(
        [...w.groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      this.closed.push({
        aggregate: aggregate.name,
        size: size.label,
        sizeMs: size.ms,
        start: w.start,
        end: w.start + size.ms,
        groups,
        closedBy: by,
      });
    }
  }

  get watermarkNow(): number | null {
    return this.watermark;
  }

  get closedCount(): number {
    return this.closed.length;
  }

  closedSince(from: number): readonly ProgramWindowResult[] {
    return this.closed.slice(from);
  }

  changes(): ProgramWindowChanges {
    const open = new Map<string, GroupPartial>();
    for (const w of this.windows.values()) {
      for (const [group, partial] of w.groups) {
        open.set(openWindowField(w.aggregate.name, w.size.label, w.start, group), partial);
      }
    }
    const written = new Map<string, GroupPartial>();
    for (const [id, groups] of this.written) {
      // Windows closed in the same batch are left out: their open fields go.
      const w = this.windows.get(id);
      if (w === undefined) continue;
      for (const group of groups) {
        const partial = w.groups.get(group);
        if (partial !== undefined) {
          written.set(openWindowField(w.aggregate.name, w.size.label, w.start, group), partial);
        }
      }
    }
    return {
      next: { watermark: this.watermark, frontiers: this.frontiers, open },
      written,
      closed: this.closed,
    };
  }
}

/** What a batch changes in the partition's windows. */
export interface ProgramWindowChanges {
  readonly next: ProgramWindowState;
  /** Open-window fields to write (windows closed in the same batch are left out). */
  readonly written: ReadonlyMap<string, GroupPartial>;
  /** Windows closed by the batch: their open fields go, their results are kept. */
  readonly closed: readonly ProgramWindowResult[];
}

/** `<aggregate>|<size>|<start>|<group>`; the group is last, so it may hold "|" itself. */
export function splitOpenField(field: string): {
  aggregate: string;
  size: string;
  start: number;
  group: string;
} {
  const a = field.indexOf('|');
  const b = field.indexOf('|', a + 1);
  const c = field.indexOf('|', b + 1);
  return {
    aggregate: field.slice(0, a),
    size: field.slice(a + 1, b),
    start: Number(field.slice(b + 1, c)),
    group: field.slice(c + 1),
  };
}
