/** Conditions compiled into predicates (docs/language.md, "Refs and conditions"). */
import { sameValue } from './json-text.js';
import { compileRef, type Accessor, type Scope } from './read-ref.js';
import type { Condition, JsonValue, StateShape, Test } from './types.js';

export type Predicate = (scope: Scope) => boolean;

const always: Predicate = () => true;

function compileTest(
  test: Test,
  shape: StateShape,
): (value: JsonValue | undefined, scope: Scope) => boolean {
  switch (test.op) {
    case 'eq': {
      const literal = test.value;
      return (v) => v !== undefined && sameValue(v, literal);
    }
    case 'ne': {
      const literal = test.value;
      return (v) => v === undefined || !sameValue(v, literal);
    }
    case 'in': {
      const values = test.values;
      return (v) => v !== undefined && values.some((l) => sameValue(v, l));
    }
    case 'notIn': {
      const values = test.values;
      return (v) => v === undefined || !values.some((l) => sameValue(v, l));
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const n = test.value;
      const compare = {
        gt: (x: number) => x > n,
        gte: (x: number) => x >= n,
        lt: (x: number) => x < n,
        lte: (x: number) => x <= n,
      }[test.op];
      return (v) => typeof v === 'number' && compare(v);
    }
    case 'sameAs':
    case 'differs': {
      const other: Accessor = compileRef(test.ref, shape);
      const same = test.op === 'sameAs';
      return (v, scope) => {
        const w = other(scope);
        if (v === undefined || w === undefined) return !same;
        return sameValue(v, w) === same;
      };
    }
    case 'exists': {
      const wanted = test.value;
      return (v) => (v !== undefined) === wanted;
    }
  }
}

/** All conditions hold; an empty list always holds. */
export function compileConditions(conditions: readonly Condition[], shape: StateShape): Predicate {
  if (conditions.length === 0) return always;
  const parts = conditions.map(({ ref, test }) => {
    const read = compileRef(ref, shape);
    const check = compileTest(test, shape);
    return (scope: Scope) => check(read(scope), scope);
  });
  if (parts.length === 1) return parts[0] as Predicate;
  return (scope) => parts.every((part) => part(scope));
}
