import type {
  Aggregate,
  AggregateWindows,
  Condition,
  Metric,
  Program,
  Ref,
  StateField,
  Test,
  TransitionFilter,
} from '../../pipeline/program/types.js';
import { durationLabel, parseDuration } from '../duration.js';
import { groupEntry, metricKind } from './check-aggregates.js';
import { testOp } from './check-condition.js';
import { schemaEventTypes } from './check-input.js';
import { keyFieldOf, statusFieldOf } from './check-program.js';
import { parsePath, parseRef } from './refs.js';
import type { ConditionData, LanguageData, MetricData, TestData } from './schema.js';

/** Freezes a plain data tree, so no layer can change the program another one runs. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

// Only called after ./check-program.ts found no issue: every ref and path here parses.
function ref(text: string): Ref {
  const parsed = parseRef(text);
  if (parsed === undefined) throw new Error(`unchecked ref ${JSON.stringify(text)}`);
  return parsed;
}

function path(text: string): readonly string[] {
  return parsePath(text) ?? [text];
}

function toTest(test: TestData): Test {
  const op = testOp(test);
  switch (op) {
    case 'eq':
    case 'ne':
      return { op, value: test[op] ?? null };
    case 'in':
    case 'notIn':
      return { op, values: test[op] ?? [] };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { op, value: test[op] ?? 0 };
    case 'sameAs':
    case 'differs':
      return { op, ref: ref(test[op] ?? '') };
    case 'exists':
      return { op, value: test.exists ?? true };
  }
}

function conditions(condition: ConditionData | undefined): Condition[] {
  return Object.entries(condition ?? {}).map(([text, test]) => ({
    ref: ref(text),
    test: toTest(test),
  }));
}

function filter(when: NonNullable<MetricData['when']>): TransitionFilter {
  return {
    ...(when.on ? { on: when.on } : {}),
    ...(when.from ? { from: when.from } : {}),
    ...(when.to ? { to: when.to } : {}),
    where: conditions(when.where),
  };
}

function metric(name: string, m: MetricData): Metric {
  const kind = metricKind(m);
  const read = kind === 'count' ? undefined : m[kind];
  return {
    name,
    kind,
    ...(read === undefined ? {} : { of: ref(read) }),
    ...(m.when ? { when: filter(m.when) } : {}),
    ...(m.while ? { while: conditions(m.while) } : {}),
    ...(m.by === undefined ? {} : { by: ref(m.by) }),
  };
}

function windows(w: NonNullable<LanguageData['aggregates'][number]['windows']>): AggregateWindows {
  // Sizes are kept ascending, whatever the file's order, so every reader lists them alike.
  const sizes = w.sizes
    .map(parseDuration)
    .sort((a, b) => a - b)
    .map((ms) => ({ label: durationLabel(ms), ms }));
  return { sizes, graceMs: parseDuration(w.grace), idleTimeoutMs: parseDuration(w.idleTimeout) };
}

function aggregate(a: LanguageData['aggregates'][number]): Aggregate {
  return {
    name: a.name,
    groupBy: a.groupBy.map((item) => {
      const { name, text } = groupEntry(item);
      return { name: name ?? text, ref: ref(text) };
    }),
    metrics: Object.entries(a.metrics).map(([name, m]) => metric(name, m)),
    ...(a.windows ? { windows: windows(a.windows) } : {}),
  };
}

/** The frozen Program of a checked language file (docs/language.md). */
export function compileProgram(data: LanguageData, schema: Record<string, unknown>): Program {
  const { state, input } = data;
  const keyField = keyFieldOf(data);
  const statusField = statusFieldOf(data) ?? 'status';
  const fields: StateField[] = Object.entries(state.fields).flatMap(([name, f]) =>
    f.type === 'status'
      ? []
      : [
          {
            name,
            type: f.type,
            ...(f.from ? { from: path(f.from) } : {}),
            default: f.default ?? null,
          },
        ],
  );
  // A schema that does not constrain the type allows any string: the types are those the file uses.
  const eventTypes = schemaEventTypes(input, schema) ?? [
    ...new Set(state.machine.transitions.map((t) => t.on)),
  ];
  return deepFreeze({
    paths: {
      key: path(input.key),
      eventId: path(input.eventId),
      time: path(input.time),
      type: path(input.type),
    },
    eventTypes,
    state: {
      keyField,
      statusField,
      fields,
      order: [keyField, ...Object.keys(state.fields)],
    },
    machine: {
      initial: state.machine.initial,
      states: state.machine.states,
      transitions: state.machine.transitions.map((t, index) => ({
        index,
        on: t.on,
        from: t.from,
        to: t.to,
        guard: conditions(t.guard),
        ...(t.anomaly === undefined ? {} : { anomaly: t.anomaly }),
        set: Object.entries(t.set ?? {}).map(([field, text]) => ({ field, ref: ref(text) })),
      })),
    },
    aggregates: data.aggregates.map(aggregate),
  });
}
