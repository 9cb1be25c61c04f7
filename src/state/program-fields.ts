/**
 * How a program's state is laid out inside a shard's hashes (keys.ts names the hashes): the one
 * place these fields are built and read back.
 *
 * | hash | field | value |
 * | --- | --- | --- |
 * | states | key | the stored state (pipeline/program/state-json.ts) |
 * | aggregates | `<aggregate>\|<group>` | the group's running partial (JSON) |
 * | windowsOpen | `<aggregate>\|<size>\|<start>\|<group>` | partial of a window still open (JSON) |
 * | windowsClosed | `<aggregate>\|<size>\|<start>` | the closed window's result (JSON) |
 * | clock | `watermark`; `frontier\|<aggregate>\|<size>`; `idle\|<offset>`; `unpark\|<offset>\|<key>` | |
 * | parked | key | the parked entry and its held events (JSON) |
 *
 * A group key may hold `|` (several group values are a JSON list): it is always the last part.
 */
import {
  frontierField,
  openWindowField,
  partialField,
  splitOpenField,
} from '../pipeline/program/index.js';

export const ProgramFields = {
  partial: partialField,
  openWindow: openWindowField,
  splitOpenWindow: splitOpenField,
  closedWindow: (aggregate: string, size: string, start: number): string =>
    `${aggregate}|${size}|${start}`,
  watermark: 'watermark',
  frontierPrefix: 'frontier|',
  frontier: (aggregate: string, size: string): string =>
    `frontier|${frontierField(aggregate, size)}`,
  idleClose: (offset: number): string => `idle|${offset}`,
  unpark: (offset: number, key: string): string => `unpark|${offset}|${key}`,
} as const;

/** `<aggregate>|<group>` → its aggregate and group. */
export function splitPartialField(field: string): { aggregate: string; group: string } {
  const bar = field.indexOf('|');
  return { aggregate: field.slice(0, bar), group: field.slice(bar + 1) };
}
