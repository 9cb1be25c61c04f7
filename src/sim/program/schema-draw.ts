/**
 * Draws a JSON value from a schema node: `type` (and type lists), `enum`, `const`, `minimum`/
 * `maximum` (and the exclusive forms, `multipleOf`), `minLength`/`maxLength`,
 * simple `pattern`s, `format` date-time/date/uuid/email, `properties`/`required`, `items`/
 * `minItems`/`maxItems`, local `$ref`s and `allOf`/`oneOf`/`anyOf`. Other keywords are ignored;
 * the generator checks each event against the schema (schema-accepts.ts) before it labels it.
 */
import { ConfigError } from '../../errors.js';
import type { JsonValue } from '../../pipeline/program/types.js';
import type { Random } from '../random.js';
import { accepts } from './schema-accepts.js';
import {
  isNode,
  normalise,
  properties,
  requiredOf,
  type Schema,
  type SchemaNode,
} from './json-schema.js';
import { compilePattern, type PatternResult } from './pattern-draw.js';

export interface DrawContext {
  readonly root: Schema;
  readonly rng: Random;
  /** Event time of the event being built: date-time values fall shortly before it. */
  readonly time: number;
  /** Distinct values of a free string path: names repeat across keys, as customers do. */
  readonly poolSize: number;
  /** Per dotted path, the pattern strings drawn so far by slot: codes repeat across keys. */
  readonly pools: Map<string, Map<number, string>>;
  /** Dotted paths the caller sets itself (key, id, time, type): drawn as placeholders. */
  readonly fixed: ReadonlySet<string>;
  /** The key's values per dotted path, reused when they still fit; undefined draws fresh. */
  readonly facts: Map<string, JsonValue> | undefined;
  /** Chance that an optional property is present. */
  readonly optional: number;
}

/**
 * A schema construct the drawer cannot produce a value for. A ConfigError, since the schema is
 * the topology's: the check before a run reports these per event type (prepare-schema.ts).
 */
export class UnsupportedSchema extends ConfigError {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super('program simulator schema', [{ path: `schema ${path || '(root)'}`, message: reason }]);
  }
}

/**
 * Numbers without bounds, or with bounds far apart (`maximum: 9007199254740991`), are drawn
 * from a window of this width at the low end: money-like amounts of cents.
 */
const SPAN = 100_000;
/** Counts (quantities, attempts) are small, whatever their bounds allow. */
const COUNT_SPAN = 4;
const COUNT_NAME = /(quantity|qty|count|attempts?|parcels|pieces|retries|seats)$/i;
/** Patterns this short are codes (currency, country, hub): a handful per run, as in real data. */
const SHORT_CODE = 4;
const SHORT_POOL = 5;
const ATTEMPTS = 16;
const patterns = new Map<string, PatternResult>();

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** A readable stem for values at a path: `customerId` → `customer`, `trackingId` → `tracking`. */
export function nameStem(path: readonly string[]): string {
  const last = (path[path.length - 1] ?? 'value').replace(/(Id|_id|ID)$/, '');
  const kebab = last.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
  return kebab.replace(/[^a-z0-9-]/g, '') || 'value';
}

function drawNumber(
  node: SchemaNode,
  integer: boolean,
  rng: Random,
  path: readonly string[],
): number {
  const at = path.join('.');
  const unit = integer ? 1 : 0.01;
  const xmin = num(node.exclusiveMinimum);
  const xmax = num(node.exclusiveMaximum);
  let lo = num(node.minimum) ?? (xmin === undefined ? undefined : xmin + unit);
  let hi = num(node.maximum) ?? (xmax === undefined ? undefined : xmax - unit);
  const span = COUNT_NAME.test(path[path.length - 1] ?? '') ? COUNT_SPAN : SPAN;
  if (lo === undefined && hi === undefined) [lo, hi] = [0, span];
  else if (lo === undefined) lo = hi! >= 0 ? Math.max(0, hi! - span) : hi! - span;
  else if (hi === undefined) hi = lo + span;
  if (hi! - lo > span) {
    // Within wide bounds, start at zero when they allow it, else at the low bound.
    lo = Math.min(Math.max(lo, 0), hi! - span);
    hi = lo + span;
  }
  const multiple = num(node.multipleOf);
  if (integer || multiple !== undefined) {
    const step = multiple ?? 1;
    const k0 = Math.ceil(lo / step);
    const k1 = Math.floor(hi! / step);
    if (k0 > k1) throw new UnsupportedSchema(at, 'no multiple of the step within the bounds');
    // Decimal steps (0.05) multiply into binary noise; round to the step's own decimals, and
    // keep a value the validator's exact division also finds a multiple.
    const decimals = (String(step).split('.')[1] ?? '').length;
    for (let i = 0; i < ATTEMPTS; i++) {
      const value = Number((rng.int(k0, k1) * step).toFixed(decimals));
      if (Number.isInteger(value / step)) return value;
    }
    throw new UnsupportedSchema(at, `no multiple of ${step} found that divides exactly`);
  }
  if (lo > hi!) throw new UnsupportedSchema(at, 'no number within the bounds');
  return Math.min(hi!, Math.max(lo, Math.round((lo + rng.next() * (hi! - lo)) * 100) / 100));
}

function hex(rng: Random, n: number): string {
  return Array.from({ length: n }, () => rng.int(0, 15).toString(16)).join('');
}

function drawString(
  ctx: DrawContext,
  node: SchemaNode,
  path: readonly string[],
  at: string,
): string {
  const { rng } = ctx;
  const minLength = num(node.minLength) ?? 0;
  const maxLength = num(node.maxLength) ?? Math.max(minLength, 1) + 24;
  const fits = (s: string): boolean => accepts(ctx.root, node, s);
  let candidate: () => string;
  if (node.format === 'date-time') {
    candidate = () => new Date(ctx.time - rng.int(0, 60_000)).toISOString();
  } else if (node.format === 'date') {
    candidate = () => new Date(ctx.time).toISOString().slice(0, 10);
  } else if (node.format === 'uuid') {
    candidate = () =>
      `${hex(rng, 8)}-${hex(rng, 4)}-4${hex(rng, 3)}-${'89ab'[rng.int(0, 3)]}${hex(rng, 3)}-${hex(rng, 12)}`;
  } else if (node.format === 'email') {
    candidate = () => `${nameStem(path)}-${rng.int(1, ctx.poolSize)}@example.com`;
  } else if (typeof node.pattern === 'string') {
    let compiled = patterns.get(node.pattern);
    if (compiled === undefined) {
      compiled = compilePattern(node.pattern);
      patterns.set(node.pattern, compiled);
    }
    if (!compiled.ok)
      throw new UnsupportedSchema(at, `pattern ${node.pattern}: ${compiled.reason}`);
    const { draw: drawPattern, maxLength: longest } = compiled;
    let slots = ctx.pools.get(at);
    if (slots === undefined) {
      slots = new Map();
      ctx.pools.set(at, slots);
    }
    const pool = slots;
    const slot = rng.int(0, (longest <= SHORT_CODE ? SHORT_POOL : ctx.poolSize) - 1);
    const pooled = pool.get(slot);
    if (pooled !== undefined && fits(pooled)) return pooled;
    candidate = () => {
      const drawn = drawPattern(rng);
      if (fits(drawn)) pool.set(slot, drawn);
      return drawn;
    };
  } else {
    const named = `${nameStem(path)}-${rng.int(1, ctx.poolSize)}`;
    if (fits(named)) return named;
    candidate = () => {
      const n = rng.int(minLength, maxLength);
      return Array.from(
        { length: n },
        () => 'abcdefghijklmnopqrstuvwxyz0123456789'[rng.int(0, 35)],
      ).join('');
    };
  }
  for (let i = 0; i < ATTEMPTS; i++) {
    const s = candidate();
    if (fits(s)) return s;
  }
  throw new UnsupportedSchema(at, 'no string found that meets its constraints');
}

function typeToDraw(node: SchemaNode, rng: Random): unknown {
  if (Array.isArray(node.type)) {
    const others = node.type.filter((t) => t !== 'null');
    if (others.length === 0 || (node.type.includes('null') && rng.chance(0.1))) return 'null';
    return rng.pick(others);
  }
  if (node.type !== undefined) return node.type;
  if (isNode(node.properties)) return 'object';
  if (node.items !== undefined) return 'array';
  if (node.minimum !== undefined || node.maximum !== undefined) return 'number';
  return 'string';
}

function drawFresh(
  ctx: DrawContext,
  node: SchemaNode,
  path: readonly string[],
  inArray: boolean,
): JsonValue {
  const { rng } = ctx;
  const at = path.join('.');
  if ('const' in node) return node.const as JsonValue;
  if (Array.isArray(node.enum)) {
    if (node.enum.length === 0) throw new UnsupportedSchema(at, 'an empty enum');
    return rng.pick(node.enum) as JsonValue;
  }
  const alternatives = Array.isArray(node.oneOf)
    ? node.oneOf
    : Array.isArray(node.anyOf)
      ? node.anyOf
      : undefined;
  if (alternatives !== undefined && alternatives.length > 0) {
    return draw(ctx, rng.pick(alternatives) as Schema, path, inArray);
  }
  const type = typeToDraw(node, rng);
  switch (type) {
    case 'null':
      return null;
    case 'boolean':
      return rng.chance(0.5);
    case 'integer':
    case 'number':
      return drawNumber(node, type === 'integer', rng, path);
    case 'string':
      return drawString(ctx, node, path, at);
    case 'array': {
      const minItems = num(node.minItems) ?? Math.min(1, num(node.maxItems) ?? 1);
      const maxItems = num(node.maxItems) ?? Math.max(minItems, 1) + 3;
      if (minItems > maxItems) throw new UnsupportedSchema(at, 'minItems above maxItems');
      const items = typeof node.items === 'boolean' || isNode(node.items) ? node.items : true;
      return Array.from({ length: rng.int(minItems, maxItems) }, () =>
        draw(ctx, items, path, true),
      );
    }
    case 'object': {
      const required = new Set(requiredOf(node));
      const out: Record<string, JsonValue> = {};
      for (const [name, sub] of Object.entries(properties(node))) {
        const child = [...path, name];
        const present = required.has(name) || rng.chance(ctx.optional);
        if (!present) continue;
        if (!inArray && ctx.fixed.has(child.join('.'))) out[name] = null;
        else out[name] = draw(ctx, sub as Schema, child, inArray);
      }
      return out;
    }
    default:
      throw new UnsupportedSchema(at, `type ${JSON.stringify(type)}`);
  }
}

function isObjectNode(node: SchemaNode): boolean {
  return node.type === 'object' || (node.type === undefined && isNode(node.properties));
}

/** A value for `schema` at `path` (array elements share their array's path). */
export function draw(
  ctx: DrawContext,
  schema: Schema,
  path: readonly string[],
  inArray = false,
): JsonValue {
  const resolved = normalise(ctx.root, schema);
  if (resolved === false)
    throw new UnsupportedSchema(path.join('.'), 'a schema that accepts nothing');
  const node: SchemaNode = resolved === true ? {} : resolved;
  // Facts are kept for leaves outside arrays: the paths the program can read.
  const facts =
    inArray || isObjectNode(node) || node.format === 'date-time' ? undefined : ctx.facts;
  const key = path.join('.');
  if (facts !== undefined) {
    const known = facts.get(key);
    if (known !== undefined && accepts(ctx.root, node, known)) return known;
  }
  const value = drawFresh(ctx, node, path, inArray);
  if (facts !== undefined && !facts.has(key)) facts.set(key, value);
  return value;
}
