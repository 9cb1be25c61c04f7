/**
 * The state machine of docs/language.md ("The state machine", steps 1-4), one event at a time:
 *
 * 1. A key with a state whose `eventIds` hold the event's id: a duplicate (checked first, so a
 *    re-delivered event is ignored even when it would now be illegal).
 * 2. The current state is the stored status, or the machine's initial state without a state.
 * 3. The first transition, in file order, whose `on` is the event's type, whose `from` holds the
 *    current state and whose guard holds is applied: the `from` fields the event has a value for,
 *    then `set`, the status `to`, `appliedEvents + 1`, `updatedAt` and the event id appended.
 * 4. Otherwise an anomaly, with the first candidate's `anomaly` when it has one, else
 *    `<type>-from-<current state>`.
 *
 * Then a `defineTopology` state's own reducer (`reduce`), on frozen copies: the fields it returns
 * replace those of the state after; one that is not declared, or of a type the field does not take
 * (null fits any), fails the event (SF_REDUCER_FAILED), as a reducer that throws does.
 *
 * Guards and `set` refs read the event and the state before it. A key without a state is read as
 * its starting state: every field at its default, the status the initial one (docs/language.md:
 * "a key's first applied event starts from every field's default").
 */
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import type {
  JsonValue,
  KeyState,
  Program,
  ProgramEvent,
  Transition,
} from '../../pipeline/program/types.js';
import { conditionsHold, readPath, readRef, type RefScope } from './values.js';

export type StepOutcome =
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'anomaly'; readonly reason: string }
  | {
      readonly kind: 'applied';
      readonly transition: Transition;
      /** The stored state before the event; undefined when the key had none. */
      readonly before: KeyState | undefined;
      readonly after: KeyState;
    };

/** A key's state before any event: never stored, and never read by refs (a new key has none). */
export function startingState(program: Program, key: string): KeyState {
  const fields: Record<string, JsonValue> = {};
  for (const field of program.state.fields) fields[field.name] = field.default;
  return {
    key,
    status: program.machine.initial,
    fields,
    appliedEvents: 0,
    updatedAt: 0,
    eventIds: [],
  };
}

export function stepKey(
  program: Program,
  stored: KeyState | undefined,
  event: ProgramEvent,
): StepOutcome {
  if (stored !== undefined && stored.eventIds.includes(event.eventId)) return { kind: 'duplicate' };

  const before = stored ?? startingState(program, event.key);
  // A key still in the initial state has no state: its `state.` refs yield nothing.
  const scope: RefScope = { program, key: event.key, event, state: stored };
  const candidates = program.machine.transitions.filter(
    (t) => t.on === event.type && t.from.includes(before.status),
  );
  const chosen = candidates.find((t) => conditionsHold(t.guard, scope));
  if (chosen === undefined) {
    const first = candidates[0];
    const reason = first?.anomaly ?? `${event.type}-from-${before.status}`;
    return { kind: 'anomaly', reason };
  }

  const fields: Record<string, JsonValue> = { ...before.fields };
  for (const field of program.state.fields) {
    if (field.from === undefined) continue;
    const value = readPath(event.value, field.from);
    if (value !== undefined) fields[field.name] = value;
  }
  const declared = new Set(program.state.fields.map((f) => f.name));
  for (const assignment of chosen.set) {
    // Read against the state before the event, like the guard; an absent value sets nothing.
    const value = readRef(assignment.ref, scope);
    if (value !== undefined && declared.has(assignment.field)) fields[assignment.field] = value;
  }
  const after: KeyState = {
    key: event.key,
    status: chosen.to,
    fields: reduceFields(program, event, stored, fields, before.status, chosen.to),
    appliedEvents: before.appliedEvents + 1,
    updatedAt: event.time,
    eventIds: [...before.eventIds, event.eventId],
  };
  return { kind: 'applied', transition: chosen, before: stored, after };
}

function frozen<T>(value: T): T {
  const copy = structuredClone(value);
  const freezeAll = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    Object.values(node).forEach(freezeAll);
    Object.freeze(node);
  };
  freezeAll(copy);
  return copy;
}

/** A returned value for a message; what has no JSON text (a function) shows its type. */
function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function reducerFailed(event: ProgramEvent, problem: string, cause?: unknown): StreamfoldError {
  return new StreamfoldError(
    ErrorCodes.REDUCER_FAILED,
    `the state reducer failed on event ${event.eventId} of key ${event.key}: ${problem}`,
    cause === undefined ? {} : { cause },
  );
}

/** The fields after the program's reducer, if it has one; see the header for its rules. */
function reduceFields(
  program: Program,
  event: ProgramEvent,
  stored: KeyState | undefined,
  fields: Record<string, JsonValue>,
  previousStatus: string,
  status: string,
): Record<string, JsonValue> {
  const reduce = program.state.reduce;
  if (reduce === undefined) return fields;
  let updates: unknown;
  try {
    updates = reduce({
      event: frozen(event.value),
      before: stored === undefined ? undefined : frozen(stored.fields),
      after: frozen(fields),
      status,
      previousStatus,
    });
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw reducerFailed(event, `it threw ${message}`, cause);
  }
  if (typeof updates !== 'object' || updates === null || Array.isArray(updates)) {
    throw reducerFailed(event, `it returned ${jsonText(updates)}, not a mapping of fields`);
  }
  const result = { ...fields };
  for (const name of Object.keys(updates)) {
    const value = (updates as Record<string, unknown>)[name];
    if (value === undefined) continue;
    const field = program.state.fields.find((f) => f.name === name);
    if (field === undefined) {
      const names = program.state.fields.map((f) => f.name).join(', ');
      throw reducerFailed(event, `it returned ${name}, not one of the declared fields ${names}`);
    }
    const ok =
      value === null ||
      (field.type === 'string' && typeof value === 'string') ||
      (field.type === 'boolean' && typeof value === 'boolean') ||
      (field.type === 'integer' && Number.isSafeInteger(value)) ||
      (field.type === 'number' && typeof value === 'number' && Number.isFinite(value));
    if (!ok) {
      throw reducerFailed(
        event,
        `it returned ${name}: ${jsonText(value)}, not ${field.type} or null`,
      );
    }
    result[name] = value as JsonValue;
  }
  return result;
}

/**
 * The stored JSON of a key's state: the key field, the fields in `StateShape.order` (the status
 * field holds the status), `appliedEvents`, `updatedAt`, `eventIds`, in this key order.
 */
export function stateJson(program: Program, state: KeyState): Record<string, JsonValue> {
  const shape = program.state;
  const json: Record<string, JsonValue> = { [shape.keyField]: state.key };
  for (const name of shape.order) {
    if (name === shape.keyField) continue;
    if (name === shape.statusField) json[name] = state.status;
    else json[name] = state.fields[name] ?? null;
  }
  json.appliedEvents = state.appliedEvents;
  json.updatedAt = state.updatedAt;
  json.eventIds = [...state.eventIds];
  return json;
}
