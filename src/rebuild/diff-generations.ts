/**
 * Compares two generations of a topology's shards, hash by hash, while both are frozen (the live
 * one retired, the rebuilt one idle). Parts that depend on wall-clock time are compared by what
 * they mean: closed and open windows by their totals (an idle close happens when the partition is
 * quiet, not at an offset), parked keys by their held events (not the time they were parked).
 */
import type { ParkedEntry, WindowResult } from '../pipeline/index.js';
import type { StateReader } from '../state/index.js';

/** At most this many examples per hash; counts are complete. */
const MAX_EXAMPLES = 10;

export interface HashDiff {
  /** Fields whose values differ, are only live, or only rebuilt. */
  count: number;
  examples: { partition: number; field: string; live: string | null; rebuilt: string | null }[];
}

export interface GenerationDiff {
  empty: boolean;
  /** Hash name → differences; hashes with none are left out. */
  hashes: Record<string, HashDiff>;
}

type Normalise = (hash: Record<string, string>) => Map<string, string>;

const asIs: Normalise = (hash) => new Map(Object.entries(hash));

/** Window totals by `<size>|<start>|<currency>`, open or closed alike. */
function windowTotals(open: Record<string, string>, closed: Record<string, string>) {
  const totals = new Map(Object.entries(open));
  for (const json of Object.values(closed)) {
    const result = JSON.parse(json) as WindowResult;
    for (const [currency, cents] of Object.entries(result.totals)) {
      totals.set(`${result.size}|${result.start}|${currency}`, String(cents));
    }
  }
  return totals;
}

const parkedHeld: Normalise = (hash) =>
  new Map(
    Object.entries(hash).map(([key, json]) => {
      const entry = JSON.parse(json) as ParkedEntry;
      return [key, JSON.stringify([entry.eventId, entry.offset, entry.held.map((h) => h.offset)])];
    }),
  );

const HASHES: readonly {
  name: string;
  hash: 'states' | 'totals' | 'aggregates' | 'parked';
  normalise: Normalise;
}[] = [
  { name: 'states', hash: 'states', normalise: asIs },
  { name: 'totals', hash: 'totals', normalise: asIs },
  { name: 'aggregates', hash: 'aggregates', normalise: asIs },
  { name: 'parked', hash: 'parked', normalise: parkedHeld },
];

export async function diffGenerations(
  live: StateReader,
  rebuilt: StateReader,
  partitions: readonly number[],
): Promise<GenerationDiff> {
  const hashes: Record<string, HashDiff> = {};
  const note = (
    name: string,
    partition: number,
    a: Map<string, string>,
    b: Map<string, string>,
  ) => {
    for (const field of new Set([...a.keys(), ...b.keys()])) {
      const l = a.get(field) ?? null;
      const r = b.get(field) ?? null;
      if (l === r) continue;
      const diff = (hashes[name] ??= { count: 0, examples: [] });
      diff.count += 1;
      if (diff.examples.length < MAX_EXAMPLES)
        diff.examples.push({ partition, field, live: l, rebuilt: r });
    }
  };
  const [liveApplied, rebuiltApplied] = await Promise.all([
    live.applied(partitions),
    rebuilt.applied(partitions),
  ]);
  for (const p of partitions) {
    const applied = (m: Map<number, number>) => new Map([['applied', String(m.get(p) ?? -1)]]);
    note('applied', p, applied(liveApplied), applied(rebuiltApplied));
    for (const { name, hash, normalise } of HASHES) {
      const [a, b] = await Promise.all([live.hash(p, hash), rebuilt.hash(p, hash)]);
      note(name, p, normalise(a), normalise(b));
    }
    const [lo, lc, ro, rc] = await Promise.all([
      live.hash(p, 'windowsOpen'),
      live.hash(p, 'windowsClosed'),
      rebuilt.hash(p, 'windowsOpen'),
      rebuilt.hash(p, 'windowsClosed'),
    ]);
    note('windows', p, windowTotals(lo, lc), windowTotals(ro, rc));
  }
  return { empty: Object.keys(hashes).length === 0, hashes };
}
