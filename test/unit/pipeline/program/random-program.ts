/**
 * Random programs of the language and random event streams for them, for the fold properties:
 * machines of 1-5 states with guards, state fields taken from events or set by transitions,
 * aggregates with every metric kind, `when` filters, `while` state metrics, `by` maps and
 * windows. Events carry a few typed fields (`a`, `b` integers, `s` a string, `f` a flag) that the
 * program's refs read; some events lack them, so absent values are exercised too.
 */
import fc from 'fast-check';
import type {
  Aggregate,
  Condition,
  Metric,
  Program,
  ProgramEvent,
  Ref,
  StateField,
  Transition,
  TransitionFilter,
} from '../../../../src/pipeline/program/index.js';

const TYPES = ['A', 'B', 'C', 'D'] as const;
const STRINGS = ['x', 'y', 'z'] as const;

const ev = (...path: string[]): Ref => ({ kind: 'event', path });
const st = (field: string): Ref => ({ kind: 'state', field });

/** State fields every random program has; the status field is `status`. */
const FIELDS: readonly StateField[] = [
  { name: 'amount', type: 'integer', from: ['a'], default: 0 },
  { name: 'label', type: 'string', from: ['s'], default: null },
  { name: 'extra', type: 'integer', default: 0 },
];

const stateNames = (n: number): string[] => Array.from({ length: n }, (_, i) => `s${i}`);

/** A condition on the state or the event, drawn from a small menu. */
function conditionArb(states: readonly string[], stateOnly: boolean): fc.Arbitrary<Condition> {
  const onState: fc.Arbitrary<Condition>[] = [
    fc
      .subarray([...states], { minLength: 1 })
      .map((values): Condition => ({ ref: st('status'), test: { op: 'in', values } })),
    fc
      .constantFrom(...STRINGS)
      .map((v): Condition => ({ ref: st('label'), test: { op: 'eq', value: v } })),
    fc
      .integer({ min: 0, max: 20 })
      .map((n): Condition => ({ ref: st('amount'), test: { op: 'gte', value: n } })),
    fc.constant<Condition>({ ref: st('label'), test: { op: 'exists', value: true } }),
    fc
      .constantFrom(...STRINGS)
      .map((v): Condition => ({ ref: st('label'), test: { op: 'ne', value: v } })),
  ];
  if (stateOnly) return fc.oneof(...onState);
  return fc.oneof(
    ...onState,
    fc
      .integer({ min: 0, max: 20 })
      .map((n): Condition => ({ ref: ev('a'), test: { op: 'lt', value: n } })),
    fc.constant<Condition>({ ref: ev('s'), test: { op: 'sameAs', ref: st('label') } }),
    fc.constant<Condition>({ ref: ev('s'), test: { op: 'differs', ref: st('label') } }),
    fc.constant<Condition>({ ref: ev('f'), test: { op: 'eq', value: true } }),
    fc
      .subarray([...STRINGS], { minLength: 1 })
      .map((values): Condition => ({ ref: ev('s'), test: { op: 'notIn', values } })),
    fc.constant<Condition>({ ref: ev('b'), test: { op: 'exists', value: false } }),
  );
}

function transitionArb(
  states: readonly string[],
  initial: string,
): fc.Arbitrary<Omit<Transition, 'index'>> {
  return fc.record(
    {
      on: fc.constantFrom(...TYPES),
      from: fc.subarray([initial, ...states], { minLength: 1 }),
      to: fc.constantFrom(...states),
      guard: fc.array(conditionArb(states, false), { maxLength: 2 }),
      anomaly: fc.constantFrom('guard-failed', 'other-reason'),
      set: fc.oneof(
        fc.constant([]),
        fc.constant([{ field: 'extra', ref: ev('b') }]),
        fc.constant([{ field: 'label', ref: ev('s') }]),
      ),
    },
    { requiredKeys: ['on', 'from', 'to', 'guard', 'set'] },
  );
}

function filterArb(states: readonly string[], initial: string): fc.Arbitrary<TransitionFilter> {
  return fc.record(
    {
      on: fc.subarray([...TYPES], { minLength: 1 }),
      from: fc.subarray([initial, ...states], { minLength: 1 }),
      to: fc.subarray([...states], { minLength: 1 }),
      where: fc.array(conditionArb(states, false), { maxLength: 1 }),
    },
    { requiredKeys: ['where'] },
  );
}

function metricArb(
  states: readonly string[],
  initial: string,
  name: string,
  stateMetricsOk: boolean,
) {
  const byArb = fc.option(fc.constantFrom<Ref>(st('label'), ev('s'), st('status')), {
    nil: undefined,
  });
  const stateBy = fc.option(fc.constantFrom<Ref>(st('label'), st('status')), { nil: undefined });
  const when = fc.option(filterArb(states, initial), { nil: undefined });
  const numberRef = fc.constantFrom<Ref>(ev('a'), ev('b'), st('amount'), st('extra'));
  const anyRef = fc.constantFrom<Ref>(ev('a'), ev('s'), st('label'), st('status'), { kind: 'key' });
  const eventMetric: fc.Arbitrary<Metric> = fc.oneof(
    fc
      .record({ when, by: byArb })
      .map(({ when, by }) => clean<Metric>({ name, kind: 'count', when, by })),
    fc
      .record({ of: numberRef, when, by: byArb })
      .map((m) => clean<Metric>({ name, kind: 'sum', ...m })),
    fc
      .record({ kind: fc.constantFrom('min' as const, 'max' as const), of: numberRef, when })
      .map((m) => clean<Metric>({ name, ...m })),
    fc
      .record({ kind: fc.constantFrom('last' as const, 'distinct' as const), of: anyRef, when })
      .map((m) => clean<Metric>({ name, ...m })),
  );
  if (!stateMetricsOk) return eventMetric;
  const stateMetric: fc.Arbitrary<Metric> = fc
    .record({
      kind: fc.constantFrom('count' as const, 'sum' as const),
      while: fc.array(conditionArb(states, true), { minLength: 1, maxLength: 2 }),
      of: fc.constantFrom<Ref>(st('amount'), st('extra')),
      by: stateBy,
    })
    .map((m) =>
      clean({
        name,
        kind: m.kind,
        while: m.while,
        by: m.by,
        of: m.kind === 'sum' ? m.of : undefined,
      }),
    );
  return fc.oneof(eventMetric, stateMetric);
}

/** Drops undefined properties: the compiler never leaves optional fields present but empty. */
function clean<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function aggregateArb(
  states: readonly string[],
  initial: string,
  index: number,
): fc.Arbitrary<Aggregate> {
  return fc
    .record({
      groupBy: fc.constantFrom<Aggregate['groupBy']>(
        [],
        [{ name: 'label', ref: st('label') }],
        [{ name: 'status', ref: st('status') }],
        [
          { name: 'label', ref: st('label') },
          { name: 'status', ref: st('status') },
        ],
        [{ name: 's', ref: ev('s') }],
      ),
      count: fc.integer({ min: 1, max: 3 }),
      windows: fc.option(
        fc.record({
          sizes: fc.constantFrom(
            [{ label: '10s', ms: 10_000 }],
            [
              { label: '10s', ms: 10_000 },
              { label: '1m', ms: 60_000 },
            ],
          ),
          graceMs: fc.constantFrom(0, 5_000),
          idleTimeoutMs: fc.constant(30_000),
        }),
        { nil: undefined },
      ),
    })
    .chain(({ groupBy, count, windows }) => {
      const stateOk = groupBy.every((g) => g.ref.kind !== 'event');
      return fc
        .tuple(
          ...Array.from({ length: count }, (_, i) => metricArb(states, initial, `m${i}`, stateOk)),
        )
        .map((metrics) => clean({ name: `agg-${index}`, groupBy, metrics, windows }));
    });
}

export const programArb: fc.Arbitrary<Program> = fc
  .integer({ min: 1, max: 5 })
  .chain((n) => {
    const states = stateNames(n);
    const initial = 'new';
    return fc.record({
      states: fc.constant(states),
      transitions: fc.array(transitionArb(states, initial), { minLength: 2, maxLength: 10 }),
      aggregates: fc
        .integer({ min: 0, max: 3 })
        .chain((k) =>
          fc.tuple(...Array.from({ length: k }, (_, i) => aggregateArb(states, initial, i))),
        ),
    });
  })
  .map(({ states, transitions, aggregates }) => ({
    paths: { key: ['k'], eventId: ['id'], time: ['t'], type: ['type'] },
    eventTypes: [...TYPES],
    state: {
      keyField: 'k',
      statusField: 'status',
      fields: FIELDS,
      order: ['k', 'amount', 'status', 'label', 'extra'],
    },
    machine: {
      initial: 'new',
      states,
      // The first transition leaves the initial state, so most streams get past it.
      transitions: transitions.map((t, index) => ({
        ...t,
        from: index === 0 && !t.from.includes('new') ? ['new', ...t.from] : t.from,
        index,
      })),
    },
    aggregates,
  }));

export interface StreamEvent {
  readonly partition: number;
  readonly event: ProgramEvent;
}

const eventArb = fc.record(
  {
    key: fc.integer({ min: 0, max: 3 }),
    id: fc.integer({ min: 0, max: 15 }),
    type: fc.constantFrom(...TYPES),
    dt: fc.integer({ min: -15_000, max: 30_000 }),
    a: fc.integer({ min: 0, max: 30 }),
    b: fc.integer({ min: -5, max: 5 }),
    s: fc.constantFrom(...STRINGS),
    f: fc.boolean(),
  },
  { requiredKeys: ['key', 'id', 'type', 'dt'] },
);

/** A stream over 2 partitions (a key always on the same one), times mostly increasing. */
export const streamArb = fc.array(eventArb, { minLength: 1, maxLength: 60 }).map((raw) => {
  let clock = 1_764_300_000_000;
  return raw.map((r): StreamEvent => {
    clock = Math.max(0, clock + r.dt);
    const value: Record<string, string | number | boolean> = {
      id: `e${r.id}`,
      type: r.type,
      k: `k${r.key}`,
      t: clock,
    };
    if (r.a !== undefined) value.a = r.a;
    if (r.b !== undefined) value.b = r.b;
    if (r.s !== undefined) value.s = r.s;
    if (r.f !== undefined) value.f = r.f;
    return {
      partition: r.key % 2,
      event: { key: `k${r.key}`, eventId: `e${r.id}`, time: clock, type: r.type, value },
    };
  });
});
