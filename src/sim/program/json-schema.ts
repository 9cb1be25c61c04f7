/**
 * Reading a JSON Schema (draft 2020-12 or draft-07) the way the simulator needs it: local `$ref`s
 * followed, `allOf` merged into one node, and the branch of a `oneOf`/`anyOf` that holds one
 * event type. Only the subset the simulator draws from is understood; see schema-draw.ts.
 */
import type { Path } from '../../pipeline/program/types.js';

export type SchemaNode = { readonly [keyword: string]: unknown };
/** `true` accepts anything, `false` nothing. */
export type Schema = boolean | SchemaNode;

export function isNode(schema: unknown): schema is SchemaNode {
  return typeof schema === 'object' && schema !== null && !Array.isArray(schema);
}

/** The node without some keywords. */
export function without(node: SchemaNode, ...keywords: readonly string[]): SchemaNode {
  return Object.fromEntries(Object.entries(node).filter(([k]) => !keywords.includes(k)));
}

/** A local `$ref` (`#/$defs/x`, `#/definitions/x`, any JSON pointer into the document). */
export function follow(root: Schema, ref: string): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const step = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    if (!isNode(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return typeof current === 'boolean' || isNode(current) ? current : undefined;
}

function union(a: unknown, b: unknown): unknown {
  if (!Array.isArray(a)) return b;
  if (!Array.isArray(b)) return a;
  return [...new Set([...(a as unknown[]), ...(b as unknown[])])];
}

/** A property both sides declare: both schemas must hold. */
function both(root: Schema, a: unknown, b: unknown): unknown {
  const x = isNode(a) || typeof a === 'boolean' ? normalise(root, a) : true;
  const y = isNode(b) || typeof b === 'boolean' ? normalise(root, b) : true;
  if (x === false || y === false) return false;
  if (x === true) return y;
  if (y === true) return x;
  return mergeNodes(root, x, y);
}

/** Both nodes must hold: properties merged per name, `required` united, the rest kept first-come. */
function mergeNodes(root: Schema, a: SchemaNode, b: SchemaNode): SchemaNode {
  const merged: Record<string, unknown> = { ...a };
  for (const [keyword, value] of Object.entries(b)) {
    if (!(keyword in merged)) merged[keyword] = value;
    else if (keyword === 'required') merged.required = union(merged.required, value);
    else if (keyword === 'properties' && isNode(value) && isNode(merged.properties)) {
      const props: Record<string, unknown> = { ...merged.properties };
      for (const [name, sub] of Object.entries(value)) {
        props[name] = Object.hasOwn(props, name) ? both(root, props[name], sub) : sub;
      }
      merged.properties = props;
    }
  }
  return merged;
}

/** The node with its `$ref` followed and its `allOf` merged in (depth-bounded: refs may cycle). */
export function normalise(root: Schema, schema: Schema, depth = 0): Schema {
  if (!isNode(schema) || depth > 32) return schema;
  let node: SchemaNode = schema;
  if (typeof node.$ref === 'string') {
    const target = follow(root, node.$ref);
    const rest = without(node, '$ref');
    if (target === undefined) return node;
    const resolved = normalise(root, target, depth + 1);
    if (!isNode(resolved)) return resolved;
    node = mergeNodes(root, rest, resolved);
  }
  if (Array.isArray(node.allOf)) {
    const { allOf, ...rest } = node;
    let merged: SchemaNode = rest;
    for (const part of allOf as unknown[]) {
      const sub = normalise(root, part as Schema, depth + 1);
      if (sub === false) return false;
      if (isNode(sub)) merged = mergeNodes(root, merged, sub);
    }
    node = merged;
  }
  return node;
}

export function properties(node: SchemaNode): SchemaNode {
  return isNode(node.properties) ? node.properties : {};
}

export function requiredOf(node: SchemaNode): readonly string[] {
  return Array.isArray(node.required) ? node.required.filter((r) => typeof r === 'string') : [];
}

/** The schema of the value at a path, through `properties`; undefined where the schema has none. */
export function nodeAt(root: Schema, schema: Schema, path: Path): Schema | undefined {
  let current = normalise(root, schema);
  for (const step of path) {
    if (!isNode(current)) return current === true ? true : undefined;
    const props = properties(current);
    if (!Object.hasOwn(props, step)) return undefined;
    current = normalise(root, props[step] as Schema);
  }
  return current;
}

/** Whether a node pins the event type to `type` (by `const` or an `enum` holding it). */
function pinsType(node: Schema | undefined, type: string): boolean {
  if (!isNode(node)) return false;
  if ('const' in node) return node.const === type;
  return Array.isArray(node.enum) && node.enum.includes(type);
}

/** A type property that is any string admits every type, after the branches that pin it. */
function looseType(node: Schema | undefined): boolean {
  return node === true || (isNode(node) && !('const' in node) && !('enum' in node));
}

/**
 * The schema an event of `type` must meet: the root merged with the `oneOf`/`anyOf` branch whose
 * type property admits it, or the root itself when it has no branches. Undefined when no branch
 * admits the type.
 */
export function branchFor(root: Schema, typePath: Path, type: string): SchemaNode | undefined {
  const base = normalise(root, root);
  if (!isNode(base)) return undefined;
  const alternatives = Array.isArray(base.oneOf)
    ? base.oneOf
    : Array.isArray(base.anyOf)
      ? base.anyOf
      : undefined;
  if (alternatives === undefined) {
    const node = nodeAt(root, base, typePath);
    return pinsType(node, type) || looseType(node) ? base : undefined;
  }
  const shared = without(base, 'oneOf', 'anyOf');
  let loose: SchemaNode | undefined;
  for (const alternative of alternatives as unknown[]) {
    const sub = normalise(root, alternative as Schema);
    if (!isNode(sub)) continue;
    const merged = mergeNodes(root, shared, sub);
    const node = nodeAt(root, merged, typePath);
    if (pinsType(node, type)) return merged;
    if (loose === undefined && looseType(node)) loose = merged;
  }
  return loose;
}
