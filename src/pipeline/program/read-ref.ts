/**
 * Refs compiled once into accessors, so the fold reads an event or a state without interpreting
 * the program per record.
 */
import type { JsonValue, KeyState, Path, ProgramEvent, Ref, StateShape } from './types.js';

/** What a ref is read against: the event, the key's state (before or after it) and the key. */
export interface Scope {
  readonly event: ProgramEvent | undefined;
  readonly state: KeyState | undefined;
  readonly key: string;
}

export type Accessor = (scope: Scope) => JsonValue | undefined;

/** The value at a path of a JSON object; undefined where a step is missing or not an object. */
export function readPath(value: JsonValue | undefined, path: Path): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const step of path) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) {
      return undefined;
    }
    const record = current as { readonly [key: string]: JsonValue };
    // Own properties only: a path must never reach the prototype (`constructor`, `__proto__`).
    if (!Object.hasOwn(record, step)) return undefined;
    current = record[step];
  }
  return current;
}

export function compileRef(ref: Ref, shape: StateShape): Accessor {
  switch (ref.kind) {
    case 'key':
      return (scope) => scope.key;
    case 'event': {
      const { path } = ref;
      const [first] = path;
      // One-step paths are most of them: read them without the loop.
      if (path.length === 1 && first !== undefined) {
        return (scope) => {
          const value = scope.event?.value;
          return value !== undefined && Object.hasOwn(value, first) ? value[first] : undefined;
        };
      }
      return (scope) => readPath(scope.event?.value, path);
    }
    case 'state': {
      const { field } = ref;
      if (field === shape.statusField) return (scope) => scope.state?.status;
      if (field === shape.keyField)
        return (scope) => (scope.state === undefined ? undefined : scope.key);
      return (scope) => {
        const fields = scope.state?.fields;
        return fields !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined;
      };
    }
  }
}
