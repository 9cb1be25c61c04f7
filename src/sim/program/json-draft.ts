/**
 * An event while it is being built: a mutable JSON object edited by dotted path. Assigning to a
 * field that exists keeps its place, so overrides never reorder the schema's property order.
 */
import type { JsonValue, Path } from '../../pipeline/program/types.js';

export type Draft = Record<string, unknown>;

function isObject(value: unknown): value is Draft {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function getPath(draft: unknown, path: Path): JsonValue | undefined {
  let current: unknown = draft;
  for (const step of path) {
    if (!isObject(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current as JsonValue;
}

/** Sets the value, creating the objects on the way. */
export function setPath(draft: Draft, path: Path, value: JsonValue): void {
  let current = draft;
  for (const [i, step] of path.entries()) {
    if (i === path.length - 1) {
      current[step] = value;
      return;
    }
    const next = current[step];
    if (isObject(next)) current = next;
    else {
      const created: Draft = {};
      current[step] = created;
      current = created;
    }
  }
}

export function deletePath(draft: Draft, path: Path): void {
  let current: unknown = draft;
  for (const [i, step] of path.entries()) {
    if (!isObject(current)) return;
    if (i === path.length - 1) delete current[step];
    else current = current[step];
  }
}

/** Deep equality of JSON values (object key order ignored). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => Object.hasOwn(b, k) && sameJson(a[k], b[k]))
    );
  }
  return false;
}

export function cloneDraft(draft: Draft): Draft {
  return structuredClone(draft);
}
