/**
 * Shaping an event's values to a transition's guard: met, so that a key's lifecycle mostly moves
 * on (a `sameAs state.currency` copies the key's currency, an `in` picks one of its values), or
 * broken in one condition, for the anomalies the stream should carry. Only event values are
 * shaped; a condition on the state alone holds or fails as the key's history made it.
 */
import type { Condition, JsonValue, Path, Test, Transition } from '../../pipeline/program/types.js';
import { deletePath, getPath, setPath } from './json-draft.js';
import { isNode, nodeAt, without, type Schema, type SchemaNode } from './json-schema.js';
import { conditionHolds, readRef, testHolds, type GuardScope } from './machine.js';
import { accepts } from './schema-accepts.js';

/** Draws a fresh value (no facts) for a schema node at a path. */
export type Fresh = (schema: Schema, path: Path) => JsonValue;

export interface ShapeContext {
  readonly root: Schema;
  /** The schema branch of the event's type. */
  readonly branch: SchemaNode;
  readonly fresh: Fresh;
}

const REDRAWS = 8;
type NumericTest = Extract<Test, { op: 'gt' | 'gte' | 'lt' | 'lte' }>;

function nodeOf(ctx: ShapeContext, path: Path): Schema {
  return nodeAt(ctx.root, ctx.branch, path) ?? true;
}

/** Redraws the value at `path` until `wanted` holds; else removes it (absent meets ne/notIn/differs). */
function redrawUntil(
  ctx: ShapeContext,
  scope: GuardScope,
  path: Path,
  wanted: () => boolean,
): void {
  const node = nodeOf(ctx, path);
  for (let i = 0; i < REDRAWS && !wanted(); i++) setPath(scope.event, path, ctx.fresh(node, path));
  if (!wanted()) deletePath(scope.event, path);
}

/** A number node narrowed by comparisons, so one draw meets them all. */
function tightened(node: Schema, tests: readonly NumericTest[]): Schema {
  const base: SchemaNode = isNode(node) ? node : {};
  const integer = base.type === 'integer';
  const unit = integer ? 1 : 0.01;
  const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  let lo = Math.max(n(base.minimum) ?? -Infinity, (n(base.exclusiveMinimum) ?? -Infinity) + unit);
  let hi = Math.min(n(base.maximum) ?? Infinity, (n(base.exclusiveMaximum) ?? Infinity) - unit);
  for (const t of tests) {
    if (t.op === 'gt') lo = Math.max(lo, t.value + unit);
    if (t.op === 'gte') lo = Math.max(lo, t.value);
    if (t.op === 'lt') hi = Math.min(hi, t.value - unit);
    if (t.op === 'lte') hi = Math.min(hi, t.value);
  }
  const rest = without(base, 'exclusiveMinimum', 'exclusiveMaximum');
  return {
    ...rest,
    type: integer ? 'integer' : 'number',
    ...(Number.isFinite(lo) ? { minimum: integer ? Math.ceil(lo) : lo } : {}),
    ...(Number.isFinite(hi) ? { maximum: integer ? Math.floor(hi) : hi } : {}),
  };
}

function satisfyEventTest(ctx: ShapeContext, scope: GuardScope, path: Path, test: Test): void {
  const holds = (): boolean => testHolds(scope, test, getPath(scope.event, path));
  switch (test.op) {
    case 'eq':
      setPath(scope.event, path, test.value);
      return;
    case 'in': {
      const node = nodeOf(ctx, path);
      const fitting = test.values.filter((v) => accepts(ctx.root, node, v));
      const choice = (fitting.length > 0 ? fitting : test.values)[0];
      if (!holds() && choice !== undefined) setPath(scope.event, path, choice);
      return;
    }
    case 'sameAs': {
      const other = readRef(scope, test.ref);
      if (other !== undefined) setPath(scope.event, path, other);
      return;
    }
    case 'exists':
      if (!test.value) deletePath(scope.event, path);
      else if (!holds()) setPath(scope.event, path, ctx.fresh(nodeOf(ctx, path), path));
      return;
    case 'ne':
    case 'notIn':
    case 'differs':
      redrawUntil(ctx, scope, path, holds);
      return;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return; // gathered per path by satisfyGuard
  }
}

/** Sets event values so that the transition's guard holds where the event can make it hold. */
export function satisfyGuard(ctx: ShapeContext, scope: GuardScope, transition: Transition): void {
  const numeric = new Map<string, { path: Path; tests: NumericTest[] }>();
  for (const { ref, test } of transition.guard) {
    if (ref.kind === 'event') {
      if (test.op === 'gt' || test.op === 'gte' || test.op === 'lt' || test.op === 'lte') {
        const slot = numeric.get(ref.path.join('.')) ?? { path: ref.path, tests: [] };
        slot.tests.push(test);
        numeric.set(ref.path.join('.'), slot);
      } else satisfyEventTest(ctx, scope, ref.path, test);
    } else if (test.op === 'sameAs' && test.ref.kind === 'event') {
      // `state.currency: { sameAs: event.data.currency }`: the event side is the one to set.
      const value = readRef(scope, ref);
      if (value !== undefined) setPath(scope.event, test.ref.path, value);
    }
  }
  for (const { path, tests } of numeric.values()) {
    const value = getPath(scope.event, path);
    const node = nodeOf(ctx, path);
    if (tests.every((t) => testHolds(scope, t, value))) continue;
    setPath(scope.event, path, ctx.fresh(tightened(node, tests), path));
  }
}

/** Literal values that break a test, tried before random redraws. */
function breakers(scope: GuardScope, test: Test): readonly JsonValue[] {
  switch (test.op) {
    case 'ne':
      return [test.value];
    case 'notIn':
      return test.values;
    case 'differs': {
      const other = readRef(scope, test.ref);
      return other === undefined ? [] : [other];
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return [test.value, test.value - 1, test.value + 1, 0];
    default:
      return [];
  }
}

/**
 * Sets event values so that this one condition fails, keeping the schema where it can; the caller
 * checks the result against the schema and the machine. False when the event cannot break it.
 */
export function breakCondition(
  ctx: ShapeContext,
  scope: GuardScope,
  condition: Condition,
): boolean {
  const { ref, test } = condition;
  const fails = (): boolean => !conditionHolds(scope, condition);
  let path: Path;
  if (ref.kind === 'event') path = ref.path;
  else if ((test.op === 'sameAs' || test.op === 'differs') && test.ref.kind === 'event')
    path = test.ref.path;
  else return fails();
  const node = nodeOf(ctx, path);
  for (const value of breakers(scope, test)) {
    if (fails()) break;
    if (accepts(ctx.root, node, value)) setPath(scope.event, path, value);
  }
  for (let i = 0; i < REDRAWS && !fails(); i++) setPath(scope.event, path, ctx.fresh(node, path));
  // An absent value fails every test but ne, notIn, differs and exists: false.
  if (!fails() && test.op !== 'exists') deletePath(scope.event, path);
  if (!fails() && test.op === 'exists' && test.value) deletePath(scope.event, path);
  return fails();
}
