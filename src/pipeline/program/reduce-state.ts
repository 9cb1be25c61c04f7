/**
 * A state's reducer (`StateShape.reduce`, a `defineTopology` topology's own code) as the engine
 * calls it: on frozen copies, so user code cannot change the states the fold keeps for a batch
 * whose commit may be fenced, and with its result checked, so a field that is not declared or a
 * value of the wrong type fails the event (SF_REDUCER_FAILED, parked like any processing failure)
 * instead of reaching Redis.
 */
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import type { FieldType, JsonValue, ProgramEvent, StateReducer, StateShape } from './types.js';

/** One applied transition's fields after `from` and `set` → the fields the reducer leaves. */
export type ReduceFields = (
  event: ProgramEvent,
  before: Readonly<Record<string, JsonValue>> | undefined,
  after: Readonly<Record<string, JsonValue>>,
  status: string,
  previousStatus: string,
) => Record<string, JsonValue>;

function frozenCopy<T>(value: T): T {
  const copy = structuredClone(value);
  const freeze = (node: unknown): void => {
    if (node === null || typeof node !== 'object' || Object.isFrozen(node)) return;
    for (const inner of Object.values(node)) freeze(inner);
    Object.freeze(node);
  };
  freeze(copy);
  return copy;
}

/** Null fits every type: a field starts at null when it has no default. */
function fits(value: JsonValue, type: FieldType): boolean {
  if (value === null) return true;
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'boolean':
      return typeof value === 'boolean';
  }
}

function failed(event: ProgramEvent, problem: string, cause?: unknown): StreamfoldError {
  return new StreamfoldError(
    ErrorCodes.REDUCER_FAILED,
    `the state reducer failed on event ${event.eventId} of key ${event.key}: ${problem}`,
    cause === undefined ? {} : { cause },
  );
}

/** JSON text where there is one; what has none (a function, a bigint) shows its type. */
function shown(value: unknown): string {
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

function call(
  reduce: StateReducer,
  event: ProgramEvent,
  input: Omit<Parameters<StateReducer>[0], 'event'>,
): unknown {
  try {
    return reduce({
      event: frozenCopy(event.value),
      before: input.before === undefined ? undefined : frozenCopy(input.before),
      after: frozenCopy(input.after),
      status: input.status,
      previousStatus: input.previousStatus,
    });
  } catch (cause) {
    throw failed(event, `it threw ${cause instanceof Error ? cause.message : shown(cause)}`, cause);
  }
}

/** The shape's reducer with its result checked and merged, or undefined when it has none. */
export function compileReduce(shape: StateShape): ReduceFields | undefined {
  const { reduce } = shape;
  if (reduce === undefined) return undefined;
  const types = new Map(shape.fields.map((f) => [f.name, f.type]));
  const declared = shape.fields.map((f) => f.name).join(', ');
  return (event, before, after, status, previousStatus) => {
    const updates = call(reduce, event, { before, after, status, previousStatus });
    if (updates === null || typeof updates !== 'object' || Array.isArray(updates)) {
      throw failed(event, `it returned ${shown(updates)}, not a mapping of fields`);
    }
    const fields: Record<string, JsonValue> = { ...after };
    for (const [name, value] of Object.entries(updates as Record<string, JsonValue | undefined>)) {
      // Left out and undefined alike leave the field as it was, as a `set` that yields nothing.
      if (value === undefined) continue;
      const type = types.get(name);
      if (type === undefined) {
        throw failed(event, `it returned ${name}, not one of the declared fields ${declared}`);
      }
      if (!fits(value, type)) {
        throw failed(event, `it returned ${name}: ${shown(value)}, not ${type} or null`);
      }
      fields[name] = value;
    }
    return fields;
  };
}
