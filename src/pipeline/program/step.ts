/**
 * The state machine as the engine runs it (docs/language.md, "The state machine"): one event on
 * one key's state. Pure: it never mutates the state it is given, since the fold keeps the
 * pre-batch states for a partition whose commit may be fenced.
 */
import { compileConditions, type Predicate } from './conditions.js';
import { compileRef, readPath, type Accessor } from './read-ref.js';
import { compileReduce } from './reduce-state.js';
import type { JsonValue, KeyState, Program, ProgramEvent, StateField } from './types.js';

export type StepResult =
  | {
      readonly kind: 'applied';
      readonly state: KeyState;
      /** The status before the event: the machine's initial state for a key's first event. */
      readonly previousStatus: string;
    }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'anomaly'; readonly reason: string };

export type Stepper = (state: KeyState | undefined, event: ProgramEvent) => StepResult;

interface CompiledTransition {
  readonly to: string;
  readonly guard: Predicate;
  readonly anomaly: string | undefined;
  readonly set: readonly { readonly field: string; readonly read: Accessor }[];
}

/** Event type → state → candidate transitions in file order. */
function candidateTable(program: Program): Map<string, Map<string, CompiledTransition[]>> {
  const table = new Map<string, Map<string, CompiledTransition[]>>();
  for (const t of program.machine.transitions) {
    const compiled: CompiledTransition = {
      to: t.to,
      guard: compileConditions(t.guard, program.state),
      anomaly: t.anomaly,
      set: t.set.map(({ field, ref }) => ({ field, read: compileRef(ref, program.state) })),
    };
    let byState = table.get(t.on);
    if (byState === undefined) table.set(t.on, (byState = new Map<string, CompiledTransition[]>()));
    for (const from of t.from) {
      const list = byState.get(from);
      if (list === undefined) byState.set(from, [compiled]);
      else list.push(compiled);
    }
  }
  return table;
}

function initialFields(fields: readonly StateField[]): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const field of fields) values[field.name] = field.default;
  return values;
}

export function createStepper(program: Program): Stepper {
  const table = candidateTable(program);
  const { initial } = program.machine;
  const fromFields = program.state.fields.filter(
    (f): f is StateField & { from: readonly string[] } => f.from !== undefined,
  );
  const defaults = initialFields(program.state.fields);
  const reduce = compileReduce(program.state);

  return (state, event) => {
    // Duplicates first: a re-delivered event must be ignored even when it would now be illegal.
    if (state !== undefined && state.eventIds.includes(event.eventId)) return { kind: 'duplicate' };
    const current = state?.status ?? initial;
    const candidates = table.get(event.type)?.get(current);
    if (candidates === undefined) {
      return { kind: 'anomaly', reason: `${event.type}-from-${current}` };
    }
    const scope = { event, state, key: event.key };
    const chosen = candidates.find((c) => c.guard(scope));
    if (chosen === undefined) {
      const reason = candidates[0]?.anomaly ?? `${event.type}-from-${current}`;
      return { kind: 'anomaly', reason };
    }
    const fields: Record<string, JsonValue> = { ...(state?.fields ?? defaults) };
    for (const field of fromFields) {
      const value = readPath(event.value, field.from);
      if (value !== undefined) fields[field.name] = value;
    }
    for (const { field, read } of chosen.set) {
      const value = read(scope);
      if (value !== undefined) fields[field] = value;
    }
    // The topology's own reducer last, seeing what `from` and `set` made (docs/language.md).
    const reduced =
      reduce === undefined ? fields : reduce(event, state?.fields, fields, chosen.to, current);
    const next: KeyState = {
      key: event.key,
      status: chosen.to,
      fields: reduced,
      appliedEvents: (state?.appliedEvents ?? 0) + 1,
      updatedAt: event.time,
      eventIds: state === undefined ? [event.eventId] : [...state.eventIds, event.eventId],
    };
    return { kind: 'applied', state: next, previousStatus: current };
  };
}
