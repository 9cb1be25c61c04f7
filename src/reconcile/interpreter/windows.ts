/**
 * Tumbling windows by event time for one partition, as docs/language.md ("Windows") and today's
 * revenue windows (src/pipeline/windows.ts) behave:
 *
 * - The partition's watermark is the newest event time it has read; every schema-valid event
 *   moves it (duplicates and anomalies too), after the event's own contributions.
 * - Each (aggregate, size) has a frontier, initially -Infinity: a window [start, start + ms) is
 *   closed iff start + ms <= frontier. A newer watermark moves it to
 *   max(frontier, floor((watermark - grace) / ms) * ms) and closes (`watermark`) every open window
 *   that ends at or before it.
 * - An applied transition that changes the aggregate is attributed to the window of its event
 *   time in each size; a window already closed leaves it out, and the transition is late for that
 *   size (once per aggregate and size).
 * - An idle close moves each size's frontier to the end of its newest open window and closes them
 *   all (`idle`); a size with no open window keeps its frontier.
 * - A window exists once a contribution was attributed to it.
 */
import type { Aggregate, Program, WindowSizeSpec } from '../../pipeline/program/types.js';
import { applyChange, type Groups } from './partials.js';
import type { AggregateChange, LateTransition, WindowClosedBy } from './types.js';

export interface Window {
  readonly size: WindowSizeSpec;
  readonly start: number;
  readonly groups: Groups;
  closedBy: WindowClosedBy;
}

export interface AggregateWindowsState {
  readonly aggregate: Aggregate;
  /** Size label → frontier. */
  readonly frontiers: Map<string, number>;
  /** `<size label>|<start>` → window, open or closed. */
  readonly windows: Map<string, Window>;
  /** The windows still open, by the same field: closing looks only at these. */
  readonly open: Map<string, Window>;
}

export interface PartitionWindows {
  readonly partition: number;
  /** Newest event time read; null before the first event. */
  watermark: number | null;
  /** Per windowed aggregate, by name. */
  readonly aggregates: Map<string, AggregateWindowsState>;
}

export function windowField(label: string, start: number): string {
  return `${label}|${start}`;
}

export function newPartitionWindows(program: Program, partition: number): PartitionWindows {
  const aggregates = new Map<string, AggregateWindowsState>();
  for (const aggregate of program.aggregates) {
    if (aggregate.windows === undefined) continue;
    aggregates.set(aggregate.name, {
      aggregate,
      frontiers: new Map(),
      windows: new Map(),
      open: new Map(),
    });
  }
  return { partition, watermark: null, aggregates };
}

function frontierOf(state: AggregateWindowsState, size: WindowSizeSpec): number {
  return state.frontiers.get(size.label) ?? -Infinity;
}

/** Moves a size's frontier forward (never back) and closes the open windows it passes. */
function advance(
  state: AggregateWindowsState,
  size: WindowSizeSpec,
  frontier: number,
  closedBy: 'watermark' | 'idle',
): void {
  if (frontier <= frontierOf(state, size)) return;
  state.frontiers.set(size.label, frontier);
  for (const [field, window] of state.open) {
    if (window.size.label !== size.label || window.start + size.ms > frontier) continue;
    window.closedBy = closedBy;
    state.open.delete(field);
  }
}

/**
 * Attributes an applied transition's change of one windowed aggregate to the window of its event
 * time in each size; returns the sizes it came late for. Call before `observeTime` for the event.
 */
export function attribute(
  windows: PartitionWindows,
  aggregateName: string,
  change: AggregateChange,
  time: number,
  offset: number,
): LateTransition[] {
  const state = windows.aggregates.get(aggregateName);
  if (state === undefined || change.size === 0) return [];
  const late: LateTransition[] = [];
  for (const size of state.aggregate.windows?.sizes ?? []) {
    const start = Math.floor(time / size.ms) * size.ms;
    if (start + size.ms <= frontierOf(state, size)) {
      late.push({
        partition: windows.partition,
        offset,
        aggregate: aggregateName,
        size: size.label,
        start,
      });
      continue;
    }
    const field = windowField(size.label, start);
    let window = state.windows.get(field);
    if (window === undefined) {
      window = { size, start, groups: new Map(), closedBy: null };
      state.windows.set(field, window);
      state.open.set(field, window);
    }
    applyChange(state.aggregate, window.groups, change);
  }
  return late;
}

/** The watermark reads one more event time. */
export function observeTime(windows: PartitionWindows, time: number): void {
  if (windows.watermark !== null && time <= windows.watermark) return;
  windows.watermark = time;
  for (const state of windows.aggregates.values()) {
    const spec = state.aggregate.windows;
    if (spec === undefined) continue;
    for (const size of spec.sizes) {
      advance(state, size, Math.floor((time - spec.graceMs) / size.ms) * size.ms, 'watermark');
    }
  }
}

/** The partition closed every open window for idleness. */
export function closeIdle(windows: PartitionWindows): void {
  for (const state of windows.aggregates.values()) {
    for (const size of state.aggregate.windows?.sizes ?? []) {
      let newestEnd = -Infinity;
      for (const window of state.open.values()) {
        if (window.size.label !== size.label) continue;
        newestEnd = Math.max(newestEnd, window.start + size.ms);
      }
      advance(state, size, newestEnd, 'idle');
    }
  }
}
