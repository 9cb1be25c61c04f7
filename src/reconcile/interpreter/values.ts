/**
 * Reading refs and checking conditions, straight from docs/language.md ("Refs and conditions").
 *
 * - `event.<path>` walks the event's JSON value; a missing field, or a step into something that is
 *   not an object, yields nothing (undefined). JSON `null` is a value, not an absence.
 * - `state.<field>` reads the state the caller gives (the status field reads the status, the key
 *   field the key); with no state given it yields nothing.
 * - `key` is the event's key.
 * - A test of an absent value fails, except `exists: false` and `ne`/`notIn`/`differs`, which are
 *   the plain negations of `eq`/`in`/`sameAs` and so hold. `sameAs` holds only when both sides are
 *   present and equal as JSON.
 */
import type {
  Condition,
  JsonValue,
  Path,
  Program,
  ProgramEvent,
  KeyState,
  Ref,
  Test,
} from '../../pipeline/program/types.js';

/** What a ref may read: the event (absent for a state's own contribution), a state, the key. */
export interface RefScope {
  readonly program: Program;
  readonly key: string;
  readonly event: ProgramEvent | undefined;
  readonly state: KeyState | undefined;
}

function isObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path, or undefined when a field on the way is missing. */
export function readPath(root: JsonValue, path: Path): JsonValue | undefined {
  let here: JsonValue = root;
  for (const name of path) {
    // Own fields only: `constructor` or `__proto__` in a path must not reach into Object.prototype.
    if (!isObject(here) || !Object.prototype.hasOwnProperty.call(here, name)) return undefined;
    const next: JsonValue | undefined = here[name];
    if (next === undefined) return undefined;
    here = next;
  }
  return here;
}

export function readRef(ref: Ref, scope: RefScope): JsonValue | undefined {
  switch (ref.kind) {
    case 'key':
      return scope.key;
    case 'event':
      return scope.event === undefined ? undefined : readPath(scope.event.value, ref.path);
    case 'state': {
      const state = scope.state;
      if (state === undefined) return undefined;
      if (ref.field === scope.program.state.statusField) return state.status;
      if (ref.field === scope.program.state.keyField) return state.key;
      if (!Object.prototype.hasOwnProperty.call(state.fields, ref.field)) return undefined;
      return state.fields[ref.field];
    }
  }
}

/** Equality of two JSON values, field by field (objects regardless of key order). */
export function sameJson(a: JsonValue, b: JsonValue): boolean {
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return false;
    const left: readonly JsonValue[] = a;
    const right: readonly JsonValue[] = b;
    if (left.length !== right.length) return false;
    return left.every((item, i) => {
      const other = right[i];
      return other !== undefined && sameJson(item, other);
    });
  }
  const left = a as { readonly [key: string]: JsonValue };
  const right = b as { readonly [key: string]: JsonValue };
  const names = Object.keys(left);
  if (names.length !== Object.keys(right).length) return false;
  return names.every((name) => {
    const l = left[name];
    const r = Object.prototype.hasOwnProperty.call(right, name) ? right[name] : undefined;
    return l !== undefined && r !== undefined && sameJson(l, r);
  });
}

function equalsPresent(value: JsonValue | undefined, other: JsonValue | undefined): boolean {
  return value !== undefined && other !== undefined && sameJson(value, other);
}

export function testHolds(value: JsonValue | undefined, test: Test, scope: RefScope): boolean {
  switch (test.op) {
    case 'eq':
      return equalsPresent(value, test.value);
    case 'ne':
      return !equalsPresent(value, test.value);
    case 'in':
      return test.values.some((literal) => equalsPresent(value, literal));
    case 'notIn':
      return !test.values.some((literal) => equalsPresent(value, literal));
    case 'gt':
      return typeof value === 'number' && value > test.value;
    case 'gte':
      return typeof value === 'number' && value >= test.value;
    case 'lt':
      return typeof value === 'number' && value < test.value;
    case 'lte':
      return typeof value === 'number' && value <= test.value;
    case 'sameAs':
      return equalsPresent(value, readRef(test.ref, scope));
    case 'differs':
      return !equalsPresent(value, readRef(test.ref, scope));
    case 'exists':
      return (value !== undefined) === test.value;
  }
}

/** Every condition holds (an empty list always holds). */
export function conditionsHold(conditions: readonly Condition[], scope: RefScope): boolean {
  for (const condition of conditions) {
    if (!testHolds(readRef(condition.ref, scope), condition.test, scope)) return false;
  }
  return true;
}

/** A value as text, for group keys and `by` sub-keys: a string as is, anything else as JSON. */
export function valueText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The group key of group values: the single value's text for one group field ("USD"), the JSON
 * array of the values' texts for several (["m1","USD"]), "" for none.
 */
export function groupKeyOf(values: readonly JsonValue[]): string {
  if (values.length === 0) return '';
  const only = values[0];
  if (values.length === 1 && only !== undefined) return valueText(only);
  return JSON.stringify(values.map(valueText));
}
