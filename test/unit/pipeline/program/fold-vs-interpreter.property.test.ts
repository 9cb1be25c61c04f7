/**
 * The engine's generic fold against the independent interpreter of `reconcile`
 * (src/reconcile/interpreter/), for random programs of the language and random streams cut into
 * random batches with idle closes between them: states, running partials, windows, anomalies and
 * late transitions are equal; and a batch folded again on the state it produced changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  encodeState,
  openWindowField,
  partialField,
  type GroupPartial,
  type Program,
  type ProgramEvent,
} from '../../../../src/pipeline/program/index.js';
import { interpret, stateJson } from '../../../../src/reconcile/interpreter/index.js';
import { PartitionStore } from './batch-store.js';
import { programArb, streamArb, type StreamEvent } from './random-program.js';

const cutsArb = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 6 });
const idleArb = fc.array(fc.boolean(), { minLength: 1, maxLength: 6 });

interface Positioned {
  offset: number;
  event: ProgramEvent;
}

function byPartition(stream: readonly StreamEvent[]): Map<number, Positioned[]> {
  const out = new Map<number, Positioned[]>();
  for (const { partition, event } of stream) {
    const list = out.get(partition) ?? [];
    list.push({ offset: list.length, event });
    out.set(partition, list);
  }
  return out;
}

function cut<T>(xs: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, b = 0; i < xs.length; b += 1) {
    const size = sizes[b % sizes.length] ?? 1;
    out.push(xs.slice(i, i + size));
    i += size;
  }
  return out;
}

function snapshot(store: PartitionStore): unknown {
  return structuredClone({
    states: [...store.states],
    partials: [...store.partials],
    windows: store.windows,
    closed: store.closed,
    applied: store.applied,
  });
}

function foldAll(
  program: Program,
  partitions: ReadonlyMap<number, Positioned[]>,
  sizes: readonly number[],
  idle: readonly boolean[],
) {
  const stores = new Map<number, PartitionStore>();
  for (const [p, events] of partitions) {
    const store = PartitionStore.of(program);
    cut(events, sizes).forEach((batch, b) => {
      store.run(batch, idle[b % idle.length] === true);
      // Folded again on what it produced, every event the batch applied is a duplicate...
      const applied = new Set(
        store.outcomes.filter((o) => o.kind === 'applied').map((o) => o.offset),
      );
      const again = store.foldOnly(batch);
      for (const o of again.outcomes) {
        if (applied.has(o.offset)) expect(o.kind).toBe('duplicate');
      }
      // ...and sent again, the batch changes nothing: the applied offset skips it.
      const before = snapshot(store);
      store.run(batch, false);
      expect(snapshot(store)).toEqual(before);
    });
    stores.set(p, store);
  }
  return stores;
}

const sortedEntries = <V>(m: ReadonlyMap<string, V>) =>
  [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

describe('the generic fold against the independent interpreter', () => {
  it('agrees on states, aggregates, windows, anomalies and late transitions', () => {
    fc.assert(
      fc.property(programArb, streamArb, cutsArb, idleArb, (program, stream, sizes, idle) => {
        const partitions = byPartition(stream);
        const stores = foldAll(program, partitions, sizes, idle);
        const expected = interpret({
          program,
          partitions,
          idleCloses: new Map([...stores].map(([p, s]) => [p, s.idleCloses])),
        });

        const states = new Map<string, string>();
        for (const store of stores.values()) {
          for (const [key, state] of store.states)
            states.set(key, encodeState(program.state, state));
        }
        expect(sortedEntries(states)).toEqual(
          sortedEntries(
            new Map(
              [...expected.states].map(([k, s]) => [k, JSON.stringify(stateJson(program, s))]),
            ),
          ),
        );

        for (const aggregate of program.aggregates) {
          for (const [p, store] of stores) {
            const actual = new Map<string, GroupPartial>();
            const prefix = partialField(aggregate.name, '');
            for (const [field, partial] of store.partials) {
              if (field.startsWith(prefix)) actual.set(field.slice(prefix.length), partial);
            }
            const want = expected.aggregatePartials.get(aggregate.name)?.get(p) ?? new Map();
            expect(sortedEntries(actual)).toEqual(sortedEntries(want));

            if (aggregate.windows === undefined) continue;
            // Every window of the partition: closed ones with how, open ones as null.
            const windows = new Map<string, { closedBy: string | null; groups: unknown }>();
            for (const w of store.closed.filter((c) => c.aggregate === aggregate.name)) {
              windows.set(`${w.size}|${w.start}`, {
                closedBy: w.closedBy,
                groups: sortedEntries(new Map(Object.entries(w.groups))),
              });
            }
            const open = new Map<string, Map<string, GroupPartial>>();
            for (const [field, partial] of store.windows.open) {
              if (!field.startsWith(`${aggregate.name}|`)) continue;
              const rest = field.slice(aggregate.name.length + 1);
              const [size, start] = rest.split('|');
              const id = `${size}|${start}`;
              const group = rest.slice(id.length + 1);
              expect(field).toBe(openWindowField(aggregate.name, size ?? '', Number(start), group));
              const groups = open.get(id) ?? new Map<string, GroupPartial>();
              groups.set(group, partial);
              open.set(id, groups);
            }
            for (const [id, groups] of open) {
              windows.set(id, { closedBy: null, groups: sortedEntries(groups) });
            }
            const wanted = new Map<string, { closedBy: string | null; groups: unknown }>();
            for (const [id, parts] of expected.windows.get(aggregate.name) ?? []) {
              const part = parts.get(p);
              if (part === undefined) continue;
              wanted.set(id, { closedBy: part.closedBy, groups: sortedEntries(part.groups) });
            }
            expect(sortedEntries(windows)).toEqual(sortedEntries(wanted));
          }
        }

        const outcomes = [...stores]
          .sort(([a], [b]) => a - b)
          .flatMap(([p, s]) => s.outcomes.map((o) => ({ p, o })));
        const anomalies = outcomes.flatMap(({ p, o }) =>
          o.kind === 'anomaly'
            ? [{ partition: p, offset: o.offset, key: o.event.key, reason: o.reason }]
            : [],
        );
        expect(anomalies).toEqual(expected.anomalies);
        const late = outcomes.flatMap(({ p, o }) =>
          o.kind === 'applied'
            ? o.late.map((l) => ({
                partition: p,
                offset: o.offset,
                aggregate: l.aggregate,
                size: l.size,
                start: l.start,
              }))
            : [],
        );
        expect(late).toEqual(expected.late);
        const count = (kind: string) => outcomes.filter(({ o }) => o.kind === kind).length;
        expect({
          applied: count('applied'),
          duplicates: count('duplicate'),
          anomalies: count('anomaly'),
          late: late.length,
        }).toEqual(expected.counts);
      }),
      { numRuns: 500 },
    );
  });
});
