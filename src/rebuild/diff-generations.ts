/**
 * Compares two generations of a topology's shards, hash by hash, while both are frozen (the live
 * one retired, the rebuilt one idle). Parts that depend on wall-clock time are compared by what
 * they mean: closed and open windows by their totals or group partials (an idle close happens when
 * the partition is quiet, not at an offset), parked keys by their held events (not the time they
 * were parked).
 * Both engines lay their shards out in hashes of the same names; a layout says which a topology
 * has and how its windows read.
 */
import type { ParkedEntry, WindowResult } from '../pipeline/index.js';
import {
  openWindowField,
  type ProgramParkedEntry,
  type ProgramWindowResult,
} from '../pipeline/program/index.js';
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
      const entry = JSON.parse(json) as ParkedEntry | ProgramParkedEntry;
      return [key, JSON.stringify([entry.eventId, entry.offset, entry.held.map((h) => h.offset)])];
    }),
  );

type Compared = {
  name: string;
  hash: 'states' | 'totals' | 'aggregates' | 'parked';
  normalise: Normalise;
};

/** Program windows by `<aggregate>|<size>|<start>|<group>` → partial, open or closed alike. */
function windowGroups(open: Record<string, string>, closed: Record<string, string>) {
  const groups = new Map(
    Object.entries(open).map(([field, json]) => [field, JSON.stringify(JSON.parse(json))]),
  );
  for (const json of Object.values(closed)) {
    const result = JSON.parse(json) as ProgramWindowResult;
    for (const [group, partial] of Object.entries(result.groups)) {
      const field = openWindowField(result.aggregate, result.size, result.start, group);
      groups.set(field, JSON.stringify(partial));
    }
  }
  return groups;
}

/** What a topology's shards hold, and how its windows compare. */
export interface DiffLayout {
  readonly hashes: readonly Compared[];
  /** Open and closed windows as one map: a window compares equal whether or not it closed. */
  readonly windows: (
    open: Record<string, string>,
    closed: Record<string, string>,
  ) => Map<string, string>;
}

const states: Compared = { name: 'states', hash: 'states', normalise: asIs };
const aggregates: Compared = { name: 'aggregates', hash: 'aggregates', normalise: asIs };
const parked: Compared = { name: 'parked', hash: 'parked', normalise: parkedHeld };

/** The built-in order lifecycle: also revenue totals, and windows of totals per currency. */
export const LEGACY_LAYOUT: DiffLayout = {
  hashes: [states, { name: 'totals', hash: 'totals', normalise: asIs }, aggregates, parked],
  windows: windowTotals,
};

/** A topology program: running partials in `aggregates`, windows of partials per group. */
export const PROGRAM_LAYOUT: DiffLayout = {
  hashes: [states, aggregates, parked],
  windows: windowGroups,
};

export async function diffGenerations(
  live: StateReader,
  rebuilt: StateReader,
  partitions: readonly number[],
  layout: DiffLayout = LEGACY_LAYOUT,
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
    for (const { name, hash, normalise } of layout.hashes) {
      const [a, b] = await Promise.all([live.hash(p, hash), rebuilt.hash(p, hash)]);
      note(name, p, normalise(a), normalise(b));
    }
    const [lo, lc, ro, rc] = await Promise.all([
      live.hash(p, 'windowsOpen'),
      live.hash(p, 'windowsClosed'),
      rebuilt.hash(p, 'windowsOpen'),
      rebuilt.hash(p, 'windowsClosed'),
    ]);
    note('windows', p, layout.windows(lo, lc), layout.windows(ro, rc));
  }
  return { empty: Object.keys(hashes).length === 0, hashes };
}
