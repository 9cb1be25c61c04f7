/**
 * Schema-invalid events: a schema-valid event of the key with one fault the schema refuses, a
 * required field removed, a value of the wrong type, or an enum (const) value outside it. Each
 * mutation is confirmed against the whole schema, so an `invalid` record is never accepted.
 */
import type { JsonValue, Path } from '../../pipeline/program/types.js';
import type { Random } from '../random.js';
import { deletePath, getPath, sameJson, setPath, type Draft } from './json-draft.js';
import {
  isNode,
  normalise,
  properties,
  requiredOf,
  type Schema,
  type SchemaNode,
} from './json-schema.js';
import { accepts } from './schema-accepts.js';

export const SchemaInvalidClasses = ['missing-required', 'wrong-type', 'outside-enum'] as const;
export type SchemaInvalidClass = (typeof SchemaInvalidClasses)[number];

const ATTEMPTS = 4;

interface Spot {
  readonly path: Path;
  readonly node: SchemaNode;
  readonly required: boolean;
}

/** The fields the event carries, with their schema, outside arrays. */
function spots(root: Schema, schema: Schema, value: unknown, path: Path, out: Spot[]): Spot[] {
  const node = normalise(root, schema);
  if (!isNode(node) || typeof value !== 'object' || value === null || Array.isArray(value))
    return out;
  const props = properties(node);
  const required = requiredOf(node);
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!Object.hasOwn(props, name)) continue;
    const sub = normalise(root, props[name] as Schema);
    if (!isNode(sub)) continue;
    out.push({ path: [...path, name], node: sub, required: required.includes(name) });
    spots(root, sub, v, [...path, name], out);
  }
  return out;
}

function wrongType(value: JsonValue | undefined, rng: Random): JsonValue {
  if (typeof value === 'string') return rng.int(1, 999);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null) return 0;
  return Array.isArray(value) ? 'none' : [];
}

function outside(node: SchemaNode, value: JsonValue | undefined): JsonValue {
  const allowed: readonly unknown[] = Array.isArray(node.enum) ? node.enum : [node.const];
  const taken = (v: JsonValue): boolean => allowed.some((a) => sameJson(a, v));
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    return lower !== value && !taken(lower) ? lower : `${value}-other`;
  }
  if (typeof value === 'number') {
    return Math.max(...allowed.filter((a): a is number => typeof a === 'number'), value) + 1;
  }
  if (typeof value === 'boolean') return !value;
  return 'other';
}

function applies(cls: SchemaInvalidClass, spot: Spot): boolean {
  switch (cls) {
    case 'missing-required':
      return spot.required;
    case 'wrong-type':
      return spot.node.type !== undefined || 'const' in spot.node || Array.isArray(spot.node.enum);
    case 'outside-enum':
      return 'const' in spot.node || Array.isArray(spot.node.enum);
  }
}

/**
 * The event with one fault of this class, or undefined when the class has no place in it that
 * the schema would refuse.
 */
export function invalidDraft(
  cls: SchemaInvalidClass,
  root: Schema,
  branch: SchemaNode,
  draft: Draft,
  rng: Random,
): Draft | undefined {
  const candidates = spots(root, branch, draft, [], []).filter((s) => applies(cls, s));
  for (let i = 0; i < ATTEMPTS && candidates.length > 0; i++) {
    const spot = candidates.splice(rng.int(0, candidates.length - 1), 1)[0]!;
    const copy = structuredClone(draft);
    const current = getPath(copy, spot.path);
    if (cls === 'missing-required') deletePath(copy, spot.path);
    else
      setPath(
        copy,
        spot.path,
        cls === 'wrong-type' ? wrongType(current, rng) : outside(spot.node, current),
      );
    if (!accepts(root, root, copy)) return copy;
  }
  return undefined;
}
