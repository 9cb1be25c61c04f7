import type { GroupPartial, JsonValue, Program } from '../../pipeline/program/types.js';
import { splitPartialField } from '../../state/program-fields.js';
import { sameJson } from '../interpreter/values.js';
import { MAX_LISTED } from '../types.js';
import type { AggregateSection, PartialMismatch } from './types.js';

/** The interpreter's partials: aggregate → partition → group key → partial. */
export type ExpectedPartials = ReadonlyMap<
  string,
  ReadonlyMap<number, ReadonlyMap<string, GroupPartial>>
>;

function parsedOrText(text: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    // Kept as text: it differs from every partial, and the report shows what is stored.
    return text;
  }
}

/**
 * Each partition's `aggregates` hash (`<aggregate>|<group>` → partial JSON) against the
 * interpreter's partials of that partition, per aggregate and group, both ways. Per partition
 * rather than merged: the engine stores each partition's own partial, and a wrong one could hide
 * in a merge. Every aggregate of the program gets a section, and so does any other name Redis
 * holds fields for.
 */
export function compareAggregates(
  program: Program,
  expected: ExpectedPartials,
  actual: ReadonlyMap<number, Readonly<Record<string, string>>>,
): Record<string, AggregateSection> {
  const stored = new Map<string, Map<number, Map<string, JsonValue>>>();
  for (const [partition, hash] of actual) {
    for (const [field, text] of Object.entries(hash)) {
      const { aggregate, group } = splitPartialField(field);
      let perPartition = stored.get(aggregate);
      if (perPartition === undefined)
        stored.set(aggregate, (perPartition = new Map<number, Map<string, JsonValue>>()));
      let groups = perPartition.get(partition);
      if (groups === undefined)
        perPartition.set(partition, (groups = new Map<string, JsonValue>()));
      groups.set(group, parsedOrText(text));
    }
  }
  const names = [
    ...program.aggregates.map((a) => a.name),
    ...[...stored.keys()].filter((n) => !program.aggregates.some((a) => a.name === n)).sort(),
  ];
  const sections: Record<string, AggregateSection> = {};
  for (const name of names) {
    const want = expected.get(name) ?? new Map<number, ReadonlyMap<string, GroupPartial>>();
    const got = stored.get(name) ?? new Map<number, Map<string, JsonValue>>();
    const mismatches: PartialMismatch[] = [];
    let mismatchCount = 0;
    let expectedCount = 0;
    let actualCount = 0;
    const partitions = [...new Set([...want.keys(), ...got.keys()])].sort((a, b) => a - b);
    for (const partition of partitions) {
      const w = want.get(partition) ?? new Map<string, GroupPartial>();
      const g = got.get(partition) ?? new Map<string, JsonValue>();
      expectedCount += w.size;
      actualCount += g.size;
      for (const group of [...new Set([...w.keys(), ...g.keys()])].sort()) {
        const a = w.get(group);
        const b = g.get(group);
        if (a !== undefined && b !== undefined && sameJson(a, b)) continue;
        mismatchCount += 1;
        if (mismatches.length < MAX_LISTED) {
          mismatches.push({ partition, group, expected: a ?? null, actual: b ?? null });
        }
      }
    }
    sections[name] = {
      ok: mismatchCount === 0,
      expected: expectedCount,
      actual: actualCount,
      mismatchCount,
      mismatches,
    };
  }
  return sections;
}
