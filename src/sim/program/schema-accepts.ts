/**
 * Whether a value meets a schema, for the subset the simulator draws from (schema-draw.ts).
 * The generator checks every event it builds with it, so a guard override or a reused fact that
 * breaks the schema is caught before it is labelled an event, and every `invalid` record is
 * checked to be refused. Keywords outside the subset are ignored, as the drawer ignores them.
 */
import { sameJson } from './json-draft.js';
import { isNode, normalise, properties, requiredOf, type Schema } from './json-schema.js';

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

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

function numberOk(node: Record<string, unknown>, value: number): boolean {
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
    (step === undefined || Number.isInteger(value / step))
  );
}

function stringOk(node: Record<string, unknown>, value: string): boolean {
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

export function accepts(root: Schema, schema: Schema, value: unknown): boolean {
  const node = normalise(root, schema);
  if (typeof node === 'boolean') return node;
  if (Array.isArray(node.type)) {
    if (!node.type.some((t) => hasType(value, t))) return false;
  } else if (!hasType(value, node.type)) return false;
  if ('const' in node && !sameJson(node.const, value)) return false;
  if (Array.isArray(node.enum) && !node.enum.some((e) => sameJson(e, value))) return false;
  if (typeof value === 'number' && !numberOk(node, value)) return false;
  if (typeof value === 'string' && !stringOk(node, value)) return false;
  if (Array.isArray(value)) {
    const minItems = num(node.minItems);
    const maxItems = num(node.maxItems);
    if (minItems !== undefined && value.length < minItems) return false;
    if (maxItems !== undefined && value.length > maxItems) return false;
    const items = node.items;
    if (
      (typeof items === 'boolean' || isNode(items)) &&
      !value.every((v) => accepts(root, items, v))
    ) {
      return false;
    }
  }
  if (typeOf(value) === 'object') {
    const record = value as Record<string, unknown>;
    if (!requiredOf(node).every((name) => Object.hasOwn(record, name))) return false;
    const props = properties(node);
    for (const [name, v] of Object.entries(record)) {
      const sub = Object.hasOwn(props, name) ? props[name] : node.additionalProperties;
      if ((typeof sub === 'boolean' || isNode(sub)) && !accepts(root, sub, v)) return false;
    }
  }
  if (Array.isArray(node.anyOf) && !node.anyOf.some((s) => accepts(root, s as Schema, value))) {
    return false;
  }
  if (Array.isArray(node.oneOf)) {
    if (node.oneOf.filter((s) => accepts(root, s as Schema, value)).length !== 1) return false;
  }
  if ((typeof node.not === 'boolean' || isNode(node.not)) && accepts(root, node.not, value)) {
    return false;
  }
  return true;
}
