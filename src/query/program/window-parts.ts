/**
 * The windows of one aggregate and size over every shard, as parts: per window, each
 * partition's groups and whether it closed them. The windowed queries show these parts.
 */
import type { Aggregate, GroupPartial, WindowSizeSpec } from '../../pipeline/program/index.js';
import type { ProgramShardReader } from '../../state/index.js';
import { windowStarts } from './aggregate-params.js';
import type { WindowPartState } from './types.js';

export interface WindowPart {
  readonly groups: ReadonlyMap<string, GroupPartial>;
  readonly state: WindowPartState;
}

export interface WindowParts {
  readonly start: number;
  readonly end: number;
  /** Partition → its part, ascending by partition; only partitions holding part of it. */
  readonly partitions: ReadonlyMap<number, WindowPart>;
}

/**
 * Windows that overlap [from, to) and hold something, ascending by start. `group` keeps that
 * group alone (a window without it is left out).
 */
export async function readWindowParts(
  reader: ProgramShardReader,
  aggregate: Aggregate,
  size: WindowSizeSpec,
  from: number,
  to: number,
  group?: string,
): Promise<WindowParts[]> {
  const starts = windowStarts(size, from, to);
  const first = starts[0] ?? from;
  const partitions = await reader.partitions();
  const [closed, open] = await Promise.all([
    reader.closedWindows(aggregate.name, size.label, starts, partitions),
    reader.openWindows(aggregate.name, size.label, partitions),
  ]);
  const windows = new Map<number, Map<number, WindowPart>>();
  const keep = (start: number, partition: number, part: WindowPart): void => {
    const groups =
      group === undefined
        ? part.groups
        : new Map([...part.groups].filter(([key]) => key === group));
    if (groups.size === 0 && group !== undefined) return;
    let parts = windows.get(start);
    if (parts === undefined) windows.set(start, (parts = new Map<number, WindowPart>()));
    parts.set(partition, { groups, state: part.state });
  };
  for (const p of partitions) {
    for (const [start, result] of closed.get(p) ?? []) {
      keep(start, p, { groups: new Map(Object.entries(result.groups)), state: result.closedBy });
    }
    for (const [start, groups] of open.get(p) ?? []) {
      if (start < first || start >= to) continue;
      keep(start, p, { groups, state: 'open' });
    }
  }
  return [...windows]
    .sort(([a], [b]) => a - b)
    .map(([start, parts]) => ({ start, end: start + size.ms, partitions: parts }));
}
