/** Parsing what acquire reads from a shard besides the epoch and applied offset. */
import {
  ClockFields,
  splitOpenField,
  type ParkedEntry,
  type WindowState,
} from '../pipeline/index.js';

const FRONTIER = ClockFields.frontier('');

/** The clock hash and the open-windows hash as the lease's WindowState. */
export function parseWindows(
  clock: Record<string, string>,
  open: Record<string, string>,
): WindowState {
  const watermark = clock[ClockFields.watermark];
  const frontiers = new Map<string, number>();
  for (const [field, value] of Object.entries(clock)) {
    if (field.startsWith(FRONTIER)) frontiers.set(field.slice(FRONTIER.length), Number(value));
  }
  const windows = new Map<string, Map<string, number>>();
  for (const [field, cents] of Object.entries(open)) {
    const { window, currency } = splitOpenField(field);
    let totals = windows.get(window);
    if (totals === undefined) windows.set(window, (totals = new Map<string, number>()));
    totals.set(currency, Number(cents));
  }
  return {
    watermark: watermark === undefined ? null : Number(watermark),
    frontiers,
    open: windows,
  };
}

export function parseParked(hash: Record<string, string>): Map<string, ParkedEntry> {
  return new Map(Object.entries(hash).map(([key, json]) => [key, JSON.parse(json) as ParkedEntry]));
}
