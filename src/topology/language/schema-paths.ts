import type { Literal, Path } from '../../pipeline/program/types.js';
import { isLiteral, isMapping } from './schema.js';

export const JsonTypes = [
  'string',
  'integer',
  'number',
  'boolean',
  'object',
  'array',
  'null',
] as const;
export type JsonType = (typeof JsonTypes)[number];

/**
 * What a JSON Schema says of one dotted path:
 * - `exists`: some branch of the schema declares it (in `properties`);
 * - `required`: every branch requires it, at every level of the path;
 * - `types`: the JSON types it may have, or undefined when the schema does not constrain them;
 * - `values`: the values `const`/`enum` allow, or undefined when any value of the types goes.
 */
export interface PathInfo {
  readonly exists: boolean;
  readonly required: boolean;
  readonly types: ReadonlySet<JsonType> | undefined;
  readonly values: readonly Literal[] | undefined;
}

const ABSENT: PathInfo = { exists: false, required: false, types: undefined, values: undefined };

/** `$ref`s followed before giving up: a schema that refers to itself in a loop has no path. */
const MAX_DEPTH = 64;

type SchemaNode = Record<string, unknown>;

function typeOfLiteral(value: Literal): JsonType {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as 'string' | 'boolean';
}

/** A local `$ref` (`#/$defs/x`, `#/definitions/x`, any JSON pointer into the root). */
function resolveRef(root: SchemaNode, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const segment = decodeURIComponent(raw).replaceAll('~1', '/').replaceAll('~0', '~');
    node = isMapping(node) ? node[segment] : undefined;
  }
  return node;
}

/** The node's own constraints at the end of a path: `type`, `const`, `enum`. */
function leaf(node: SchemaNode): PathInfo {
  let values: Literal[] | undefined;
  if ('const' in node && isLiteral(node.const)) values = [node.const];
  else if (Array.isArray(node.enum) && node.enum.every(isLiteral)) values = [...node.enum];
  let types: Set<JsonType> | undefined;
  const declared = typeof node.type === 'string' ? [node.type] : node.type;
  if (Array.isArray(declared)) {
    types = new Set(declared.filter((t): t is JsonType => JsonTypes.includes(t as JsonType)));
    // A number type admits integers: `integer` is the narrower name for the same values.
    if (types.has('number')) types.add('integer');
  }
  if (values !== undefined) {
    const ofValues = new Set(values.map(typeOfLiteral));
    types = types === undefined ? ofValues : new Set([...types].filter((t) => ofValues.has(t)));
  }
  return { exists: true, required: true, types, values };
}

/** Some branch declares it; each branch requires it; any branch's types and values. */
function anyOf(infos: readonly PathInfo[]): PathInfo {
  const present = infos.filter((i) => i.exists);
  if (present.length === 0) return { ...ABSENT, required: false };
  const unconstrained = present.some((i) => i.types === undefined);
  const anyValue = present.some((i) => i.values === undefined);
  return {
    exists: true,
    required: infos.every((i) => i.exists && i.required),
    types: unconstrained ? undefined : new Set(present.flatMap((i) => [...(i.types ?? [])])),
    values: anyValue ? undefined : [...new Set(present.flatMap((i) => i.values ?? []))],
  };
}

/** Every part holds: one part declaring or requiring it is enough; types and values narrow. */
function allOf(infos: readonly PathInfo[]): PathInfo {
  const present = infos.filter((i) => i.exists);
  let types: Set<JsonType> | undefined;
  let values: Literal[] | undefined;
  for (const info of present) {
    if (info.types !== undefined) {
      types =
        types === undefined
          ? new Set(info.types)
          : new Set([...types].filter((t) => info.types?.has(t)));
    }
    if (info.values !== undefined) {
      values =
        values === undefined ? [...info.values] : values.filter((v) => info.values?.includes(v));
    }
  }
  return {
    exists: present.length > 0,
    required: present.length > 0 && infos.some((i) => i.required),
    types,
    values,
  };
}

function infoAt(root: SchemaNode, node: unknown, path: Path, depth: number): PathInfo {
  if (depth > MAX_DEPTH || !isMapping(node)) return ABSENT;
  const parts: PathInfo[] = [];
  if (typeof node.$ref === 'string') {
    parts.push(infoAt(root, resolveRef(root, node.$ref), path, depth + 1));
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches)) {
      parts.push(anyOf(branches.map((b) => infoAt(root, b, path, depth + 1))));
    }
  }
  if (Array.isArray(node.allOf)) {
    parts.push(...node.allOf.map((b) => infoAt(root, b, path, depth + 1)));
  }
  const [head, ...rest] = path;
  if (head === undefined) {
    parts.push(leaf(node));
  } else {
    const required = Array.isArray(node.required) && node.required.includes(head);
    const properties = isMapping(node.properties) ? node.properties : {};
    if (Object.hasOwn(properties, head)) {
      const below = infoAt(root, properties[head], rest, depth + 1);
      parts.push({ ...below, required: required && below.required });
    } else {
      // `required` without a declaration: another part (an allOf sibling) may declare it.
      parts.push({ ...ABSENT, required });
    }
  }
  return allOf(parts);
}

/** What `schema` says of `path` (see PathInfo). */
export function pathInfo(schema: Record<string, unknown>, path: Path): PathInfo {
  return infoAt(schema, schema, path, 0);
}

/** `integer`, `string or null`: a set of types as words for a message. */
export function typeWords(types: ReadonlySet<JsonType> | undefined): string {
  if (types === undefined) return 'any type';
  // `number` implies `integer` (see leaf), so the pair reads as just `number`.
  const shown = [...types].filter((t) => !(t === 'integer' && types.has('number')));
  return shown.length === 0 ? 'no type' : shown.join(' or ');
}
