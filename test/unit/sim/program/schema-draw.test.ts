import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../../../src/pipeline/program/types.js';
import { createRandom } from '../../../../src/sim/random.js';
import type { Schema } from '../../../../src/sim/program/json-schema.js';
import {
  draw,
  UnsupportedSchema,
  type DrawContext,
} from '../../../../src/sim/program/schema-draw.js';
import { validator } from './ajv.js';

const context = (root: Schema, facts?: Map<string, JsonValue>): DrawContext => ({
  root,
  rng: createRandom(21),
  time: 1_764_300_000_000,
  poolSize: 10,
  pools: new Map(),
  fixed: new Set(),
  facts,
  optional: 0.5,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('draw', () => {
  it.each([
    ['an integer multiple', { type: 'integer', minimum: 3, maximum: 99, multipleOf: 5 }],
    ['a decimal multiple', { type: 'number', exclusiveMinimum: 0, maximum: 2, multipleOf: 0.05 }],
    ['a bounded number', { type: 'number', minimum: -1.5, exclusiveMaximum: 1.5 }],
    ['a string of 3-5', { type: 'string', minLength: 3, maxLength: 5 }],
    ['a nullable string', { type: ['string', 'null'], pattern: '^[A-Z]{2}$' }],
    ['an enum', { enum: ['a', 1, true, null] }],
    ['a date-time', { type: 'string', format: 'date-time' }],
    ['a uuid', { type: 'string', format: 'uuid' }],
    ['an array of 2-3', { type: 'array', minItems: 2, maxItems: 3, items: { type: 'boolean' } }],
    [
      'a nested object',
      {
        type: 'object',
        required: ['a'],
        additionalProperties: false,
        properties: {
          a: { $ref: '#/$defs/id' },
          b: { type: 'object', required: ['c'], properties: { c: { const: 'x' } } },
          d: {
            anyOf: [
              { type: 'integer', minimum: 7, maximum: 7 },
              { type: 'string', maxLength: 1 },
            ],
          },
        },
        $defs: { id: { type: 'string', pattern: '^id-[0-9]{3}$' } },
      },
    ],
  ] as const)('%s: every value meets the schema (checked by Ajv)', (_name, schema) => {
    const valid = validator(schema);
    const ctx = context(schema);
    for (let i = 0; i < 200; i++) {
      const value = draw(ctx, schema, ['v']);
      expect(valid(value), JSON.stringify(value)).toBe(true);
    }
  });

  it('stamps date-times shortly before the event time and draws version-4 uuids', () => {
    const ctx = context(true);
    const time = Date.parse(draw(ctx, { type: 'string', format: 'date-time' }, ['at']) as string);
    expect(time).toBeLessThanOrEqual(ctx.time);
    expect(time).toBeGreaterThanOrEqual(ctx.time - 60_000);
    expect(draw(ctx, { type: 'string', format: 'uuid' }, ['id'])).toMatch(UUID);
  });

  it('names free strings after their field, from a pool shared by keys', () => {
    const ctx = context(true);
    const names = new Set(
      Array.from({ length: 200 }, () => draw(ctx, { type: 'string' }, ['data', 'customerId'])),
    );
    expect([...names].every((n) => /^customer-([1-9]|10)$/.test(n as string))).toBe(true);
    expect(names.size).toBe(10);
  });

  it('reuses a key fact at the same path while it fits, and records the first one', () => {
    const facts = new Map<string, JsonValue>();
    const ctx = context(true, facts);
    const node = { enum: ['USD', 'EUR', 'GBP'] };
    const first = draw(ctx, node, ['data', 'currency']);
    expect(facts.get('data.currency')).toBe(first);
    for (let i = 0; i < 20; i++) expect(draw(ctx, node, ['data', 'currency'])).toBe(first);
    const other = draw(ctx, { enum: ['CHF'] }, ['data', 'currency']);
    expect(other).toBe('CHF');
    expect(facts.get('data.currency')).toBe(first);
    // Inside arrays nothing is a fact: paths do not address elements.
    draw(ctx, { type: 'array', items: { type: 'integer' } }, ['xs']);
    expect([...facts.keys()]).toEqual(['data.currency', 'xs']);
  });

  it('keeps free numbers realistic within wide bounds, and counts small', () => {
    const ctx = context(true);
    const wide = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };
    for (let i = 0; i < 200; i++) {
      const cents = draw(ctx, wide, ['data', 'amountCents']) as number;
      expect(cents >= 1 && cents <= 100_001).toBe(true);
      const quantity = draw(ctx, wide, ['items', 'quantity']) as number;
      expect(quantity >= 1 && quantity <= 5).toBe(true);
    }
  });

  it('draws short pattern codes from a pool of five per path, longer ones from the key pool', () => {
    const ctx = context(true);
    const codes = new Set(
      Array.from({ length: 300 }, () =>
        draw(ctx, { type: 'string', pattern: '^[A-Z]{3}$' }, ['currency']),
      ),
    );
    expect(codes.size).toBe(5);
    const ids = new Set(
      Array.from({ length: 300 }, () =>
        draw(ctx, { type: 'string', pattern: '^TRK[0-9]{8}$' }, ['trackingId']),
      ),
    );
    expect(ids.size).toBe(ctx.poolSize);
  });

  it('refuses what it cannot draw, naming the path', () => {
    const ctx = context(true);
    expect(() => draw(ctx, { type: 'integer', minimum: 5, maximum: 4 }, ['data', 'n'])).toThrow(
      new UnsupportedSchema('data.n', 'no multiple of the step within the bounds'),
    );
    expect(() => draw(ctx, false, ['x'])).toThrow(UnsupportedSchema);
    expect(() => draw(ctx, { type: 'string', pattern: '^(?=a)b$' }, ['x'])).toThrow(/lookaround/);
  });
});
