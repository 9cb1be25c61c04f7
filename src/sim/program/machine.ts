/**
 * The simulator's own reading of the state machine (docs/language.md, "The state machine"),
 * independent of the engine's: it tells which records it builds are applied and which are
 * anomalies, and tracks each key's state so that guards comparing with it can be met.
 */
import type {
  Condition,
  JsonValue,
  Program,
  Ref,
  Test,
  Transition,
} from '../../pipeline/program/types.js';
import { getPath, sameJson, type Draft } from './json-draft.js';

/** A key's state as far as the simulator needs it (no event ids: it never re-applies one). */
export interface SimKeyState {
  readonly status: string;
  readonly fields: Readonly<Record<string, JsonValue>>;
}

export interface GuardScope {
  readonly program: Program;
  readonly key: string;
  /** The state before the event; undefined before the key's first applied event. */
  readonly state: SimKeyState | undefined;
  readonly event: Draft;
}

export type SimStep =
  | { readonly kind: 'applied'; readonly transition: Transition; readonly state: SimKeyState }
  | { readonly kind: 'anomaly' };

export function readRef(scope: GuardScope, ref: Ref): JsonValue | undefined {
  switch (ref.kind) {
    case 'key':
      return scope.key;
    case 'event':
      return getPath(scope.event, ref.path);
    case 'state': {
      const { state, program } = scope;
      if (state === undefined) return undefined;
      if (ref.field === program.state.statusField) return state.status;
      if (ref.field === program.state.keyField) return scope.key;
      return Object.hasOwn(state.fields, ref.field) ? state.fields[ref.field] : undefined;
    }
  }
}

export function testHolds(scope: GuardScope, test: Test, value: JsonValue | undefined): boolean {
  switch (test.op) {
    case 'eq':
      return value !== undefined && sameJson(value, test.value);
    case 'ne':
      return value === undefined || !sameJson(value, test.value);
    case 'in':
      return value !== undefined && test.values.some((l) => sameJson(value, l));
    case 'notIn':
      return value === undefined || !test.values.some((l) => sameJson(value, l));
    case 'gt':
      return typeof value === 'number' && value > test.value;
    case 'gte':
      return typeof value === 'number' && value >= test.value;
    case 'lt':
      return typeof value === 'number' && value < test.value;
    case 'lte':
      return typeof value === 'number' && value <= test.value;
    case 'sameAs':
    case 'differs': {
      const other = readRef(scope, test.ref);
      if (value === undefined || other === undefined) return test.op === 'differs';
      return sameJson(value, other) === (test.op === 'sameAs');
    }
    case 'exists':
      return (value !== undefined) === test.value;
  }
}

export function conditionHolds(scope: GuardScope, condition: Condition): boolean {
  return testHolds(scope, condition.test, readRef(scope, condition.ref));
}

export function statusOf(program: Program, state: SimKeyState | undefined): string {
  return state?.status ?? program.machine.initial;
}

/** The transitions that can fire from a status, in file order. */
export function outgoing(program: Program, status: string): readonly Transition[] {
  return program.machine.transitions.filter((t) => t.from.includes(status));
}

/** One event on one key's state: the first candidate whose guard holds, or an anomaly. */
export function stepKey(scope: GuardScope): SimStep {
  const { program, state, event } = scope;
  const type = getPath(event, program.paths.type);
  const status = statusOf(program, state);
  const chosen = program.machine.transitions.find(
    (t) =>
      t.on === type &&
      t.from.includes(status) &&
      t.guard.every((condition) => conditionHolds(scope, condition)),
  );
  if (chosen === undefined) return { kind: 'anomaly' };
  const fields: Record<string, JsonValue> = { ...(state?.fields ?? defaults(program)) };
  for (const field of program.state.fields) {
    if (field.from === undefined) continue;
    const value = getPath(event, field.from);
    if (value !== undefined) fields[field.name] = value;
  }
  for (const { field, ref } of chosen.set) {
    const value = readRef(scope, ref);
    if (value !== undefined) fields[field] = value;
  }
  return { kind: 'applied', transition: chosen, state: { status: chosen.to, fields } };
}

function defaults(program: Program): Record<string, JsonValue> {
  return Object.fromEntries(program.state.fields.map((f) => [f.name, f.default]));
}
