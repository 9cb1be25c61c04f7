/**
 * Whether a value meets a schema. The generator checks every event it builds with it, so a guard
 * override or a reused fact that breaks the schema is caught before it is labelled an event, and
 * every `invalid` record is checked to be refused. It reads the schema as written (`$ref` and
 * `allOf` applied in place, not merged as the drawer reads them, since merging loses keywords),
 * and knows more keywords than the drawer draws from (`if`/`then`/`else`, `uniqueItems`,
 * `dependentRequired`…): a schema the drawer misreads then shows up as events refused, and the
 * generator refuses it up front (prepare-schema.ts) rather than sending events that are not.
 */
import { sameJson } from './json-draft.js';
import {
  follow,
  isNode,
  properties,
  requiredOf,
  type Schema,
  type SchemaNode,
} from './json-schema.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** `$ref`s that never reach a value (`a: { $ref: '#/a' }`) must not recurse forever. */
const MAX_DEPTH = 64;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function hasType(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'string':
    case 'boolean':
    case 'object':
    case 'array':
    case 'null':
      return typeOf(value) === type;
    default:
      return true;
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const isSchema = (v: unknown): v is Schema => typeof v === 'boolean' || isNode(v);

/** Exact, as Ajv checks it by default: 1.65 is not a multiple of 0.05 in binary floating point. */
function multipleOf(value: number, step: number): boolean {
  return Number.isInteger(value / step);
}

function numberOk(node: SchemaNode, value: number): boolean {
  const min = num(node.minimum);
  const max = num(node.maximum);
  const xmin = num(node.exclusiveMinimum);
  const xmax = num(node.exclusiveMaximum);
  const step = num(node.multipleOf);
  return (
    (min === undefined || value >= min) &&
    (max === undefined || value <= max) &&
    (xmin === undefined || value > xmin) &&
    (xmax === undefined || value < xmax) &&
    (step === undefined || multipleOf(value, step))
  );
}

function stringOk(node: SchemaNode, value: string): boolean {
  const length = [...value].length;
  const minLength = num(node.minLength);
  const maxLength = num(node.maxLength);
  if (minLength !== undefined && length < minLength) return false;
  if (maxLength !== undefined && length > maxLength) return false;
  if (typeof node.pattern === 'string' && !new RegExp(node.pattern, 'u').test(value)) return false;
  if (node.format === 'date-time' && !(DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)))) {
    return false;
  }
  return true;
}

function arrayOk(
  root: Schema,
  node: SchemaNode,
  value: readonly unknown[],
  depth: number,
): boolean {
  const minItems = num(node.minItems);
  const maxItems = num(node.maxItems);
  if (minItems !== undefined && value.length < minItems) return false;
  if (maxItems !== undefined && value.length > maxItems) return false;
  const prefix = Array.isArray(node.prefixItems) ? node.prefixItems : [];
  for (const [i, sub] of prefix.entries()) {
    if (i < value.length && isSchema(sub) && !check(root, sub, value[i], depth)) return false;
  }
  const items = node.items;
  if (isSchema(items) && !value.slice(prefix.length).every((v) => check(root, items, v, depth))) {
    return false;
  }
  if (
    node.uniqueItems === true &&
    value.some((v, i) => value.slice(i + 1).some((w) => sameJson(v, w)))
  ) {
    return false;
  }
  return true;
}

function objectOk(
  root: Schema,
  node: SchemaNode,
  record: Record<string, unknown>,
  depth: number,
): boolean {
  const names = Object.keys(record);
  if (!requiredOf(node).every((name) => Object.hasOwn(record, name))) return false;
  const minProperties = num(node.minProperties);
  const maxProperties = num(node.maxProperties);
  if (minProperties !== undefined && names.length < minProperties) return false;
  if (maxProperties !== undefined && names.length > maxProperties) return false;
  if (isNode(node.dependentRequired)) {
    for (const [name, needs] of Object.entries(node.dependentRequired)) {
      if (
        Object.hasOwn(record, name) &&
        Array.isArray(needs) &&
        !needs.every((n) => Object.hasOwn(record, String(n)))
      ) {
        return false;
      }
    }
  }
  const props = properties(node);
  const patterns = isNode(node.patternProperties) ? Object.entries(node.patternProperties) : [];
  for (const name of names) {
    const v = record[name];
    if (isSchema(node.propertyNames) && !check(root, node.propertyNames, name, depth)) return false;
    let matched = false;
    if (Object.hasOwn(props, name)) {
      matched = true;
      if (isSchema(props[name]) && !check(root, props[name], v, depth)) return false;
    }
    for (const [pattern, sub] of patterns) {
      if (!new RegExp(pattern, 'u').test(name)) continue;
      matched = true;
      if (isSchema(sub) && !check(root, sub, v, depth)) return false;
    }
    if (
      !matched &&
      isSchema(node.additionalProperties) &&
      !check(root, node.additionalProperties, v, depth)
    ) {
      return false;
    }
  }
  return true;
}

function combinatorsOk(root: Schema, node: SchemaNode, value: unknown, depth: number): boolean {
  const all = (list: unknown): readonly Schema[] =>
    Array.isArray(list) ? list.filter(isSchema) : [];
  if (typeof node.$ref === 'string') {
    const target = follow(root, node.$ref);
    if (target === undefined || !check(root, target, value, depth)) return false;
  }
  if (!all(node.allOf).every((s) => check(root, s, value, depth))) return false;
  if (Array.isArray(node.anyOf) && !all(node.anyOf).some((s) => check(root, s, value, depth)))
    return false;
  if (
    Array.isArray(node.oneOf) &&
    all(node.oneOf).filter((s) => check(root, s, value, depth)).length !== 1
  ) {
    return false;
  }
  if (isSchema(node.not) && check(root, node.not, value, depth)) return false;
  if (isSchema(node.if)) {
    const branch = check(root, node.if, value, depth) ? node.then : node.else;
    if (isSchema(branch) && !check(root, branch, value, depth)) return false;
  }
  return true;
}

function check(root: Schema, schema: Schema, value: unknown, depth: number): boolean {
  if (typeof schema === 'boolean') return schema;
  if (depth > MAX_DEPTH) return false;
  const node = schema;
  if (
    Array.isArray(node.type)
      ? !node.type.some((t) => hasType(value, t))
      : !hasType(value, node.type)
  ) {
    return false;
  }
  if ('const' in node && !sameJson(node.const, value)) return false;
  if (Array.isArray(node.enum) && !node.enum.some((e) => sameJson(e, value))) return false;
  if (typeof value === 'number' && !numberOk(node, value)) return false;
  if (typeof value === 'string' && !stringOk(node, value)) return false;
  if (Array.isArray(value) && !arrayOk(root, node, value, depth + 1)) return false;
  if (
    typeOf(value) === 'object' &&
    !objectOk(root, node, value as Record<string, unknown>, depth + 1)
  ) {
    return false;
  }
  return combinatorsOk(root, node, value, depth + 1);
}

/** Whether `value` meets `schema`, a node of the document `root` (whose `$ref`s it resolves). */
export function accepts(root: Schema, schema: Schema, value: unknown): boolean {
  return check(root, schema, value, 0);
}
