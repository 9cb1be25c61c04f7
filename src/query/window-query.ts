import { splitOpenField, type WindowResult, type WindowSize } from '../pipeline/index.js';
import type { StateReader } from '../state/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';

/** Refused above this: a range of more windows is a mistake, not a query. */
export const MAX_WINDOWS_PER_QUERY = 10_000;

/** One window over every partition: the sum of what each holds, closed or still open. */
export interface WindowView {
  start: number;
  end: number;
  /** Currency → cents, summed over partitions. */
  totals: Record<string, number>;
  /** True when every partition holding part of it has closed it. */
  final: boolean;
  /** Partition → its part and whether it is closed (`watermark`, `idle`) or `open`. */
  partitions: Record<
    string,
    { totals: Record<string, number>; state: WindowResult['closedBy'] | 'open' }
  >;
}

/** `streamfold query windows --json` and `GET /revenue/windows` return this. */
export interface WindowsQueryResult {
  size: string;
  from: number;
  to: number;
  windows: WindowView[];
}

/** Missing or wrong query parameters: the caller's mistake, answered with 400 or exit 1. */
export class WindowQueryError extends StreamfoldError {
  constructor(message: string) {
    super(ErrorCodes.QUERY_INVALID, message);
    this.name = 'WindowQueryError';
  }
}

/** Windows of one size that overlap [from, to), ascending; windows with no revenue are left out. */
export async function queryWindows(
  reader: StateReader,
  size: WindowSize,
  from: number,
  to: number,
): Promise<WindowsQueryResult> {
  if (!(from < to)) throw new WindowQueryError('from must be before to');
  const first = Math.floor(from / size.ms) * size.ms;
  const count = Math.max(0, Math.ceil((to - first) / size.ms));
  if (count > MAX_WINDOWS_PER_QUERY) {
    throw new WindowQueryError(
      `the range holds ${count} windows of ${size.label}; at most ${MAX_WINDOWS_PER_QUERY} per query`,
    );
  }
  const starts = Array.from({ length: count }, (_, i) => first + i * size.ms);
  const partitions = await reader.partitions();
  const [closed, open] = await Promise.all([
    reader.fieldsPerShard(
      partitions,
      'windowsClosed',
      starts.map((s) => `${size.label}|${s}`),
    ),
    reader.hashPerShard(partitions, 'windowsOpen'),
  ]);
  const views = new Map<number, WindowView>();
  const view = (start: number): WindowView => {
    let v = views.get(start);
    if (v === undefined) {
      v = { start, end: start + size.ms, totals: {}, final: true, partitions: {} };
      views.set(start, v);
    }
    return v;
  };
  for (const p of partitions) {
    (closed.get(p) ?? []).forEach((json, i) => {
      if (json === null) return;
      const result = JSON.parse(json) as WindowResult;
      view(starts[i]!).partitions[String(p)] = { totals: result.totals, state: result.closedBy };
    });
    for (const [field, cents] of Object.entries(open.get(p) ?? {})) {
      const { label, start, currency } = splitOpenField(field);
      if (label !== size.label || start < first || start >= to) continue;
      const v = view(start);
      const part = (v.partitions[String(p)] ??= { totals: {}, state: 'open' });
      part.totals[currency] = Number(cents);
    }
  }
  const windows = [...views.values()].sort((a, b) => a.start - b.start);
  for (const w of windows) {
    for (const part of Object.values(w.partitions)) {
      if (part.state === 'open') w.final = false;
      for (const [currency, cents] of Object.entries(part.totals)) {
        w.totals[currency] = (w.totals[currency] ?? 0) + cents;
      }
    }
    w.totals = Object.fromEntries(Object.entries(w.totals).sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return { size: size.label, from, to, windows };
}
