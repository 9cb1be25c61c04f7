import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathInfo, typeWords } from '../../../../src/topology/language/schema-paths.js';

const info = (schema: Record<string, unknown>, path: string) => {
  const i = pathInfo(schema, path.split('.'));
  return { ...i, types: i.types && [...i.types].sort() };
};

const branch = (type: string, data: Record<string, unknown>, required: string[]) => ({
  type: 'object',
  required: ['type', 'data'],
  properties: {
    type: { const: type },
    data: { type: 'object', required, properties: data },
  },
});

describe('pathInfo', () => {
  const flat = {
    type: 'object',
    required: ['id', 'data'],
    properties: {
      id: { type: 'string' },
      note: { type: ['string', 'null'] },
      data: {
        type: 'object',
        required: ['amount'],
        properties: { amount: { $ref: '#/$defs/cents' }, rate: { $ref: '#/definitions/rate' } },
      },
    },
    $defs: { cents: { type: 'integer', minimum: 0 } },
    definitions: { rate: { type: 'number' } },
  };

  it('reads properties, required and types, following local $refs', () => {
    expect(info(flat, 'id')).toEqual({
      exists: true,
      required: true,
      types: ['string'],
      values: undefined,
    });
    expect(info(flat, 'note')).toMatchObject({
      exists: true,
      required: false,
      types: ['null', 'string'],
    });
    expect(info(flat, 'data.amount')).toMatchObject({
      exists: true,
      required: true,
      types: ['integer'],
    });
    // A number admits integers.
    expect(info(flat, 'data.rate')).toMatchObject({
      exists: true,
      required: false,
      types: ['integer', 'number'],
    });
    expect(info(flat, 'data.other')).toMatchObject({ exists: false, required: false });
    expect(info(flat, 'id.deeper')).toMatchObject({ exists: false });
  });

  it('a path of some oneOf branch exists; it is required only when every branch requires it', () => {
    const schema = {
      oneOf: [
        branch('Placed', { total: { type: 'integer' }, currency: { type: 'string' } }, ['total']),
        branch('Paid', { amount: { type: 'integer' }, currency: { type: 'string' } }, [
          'amount',
          'currency',
        ]),
      ],
    };
    expect(info(schema, 'data.total')).toMatchObject({ exists: true, required: false });
    expect(info(schema, 'data.currency')).toMatchObject({
      exists: true,
      required: false,
      types: ['string'],
    });
    expect(info(schema, 'type')).toEqual({
      exists: true,
      required: true,
      types: ['string'],
      values: ['Placed', 'Paid'],
    });
    const anyOf = { anyOf: schema.oneOf };
    expect(info(anyOf, 'type').values).toEqual(['Placed', 'Paid']);
    const both = {
      oneOf: [
        branch('A', { n: { type: 'integer' } }, ['n']),
        branch('B', { n: { type: 'number' } }, ['n']),
      ],
    };
    expect(info(both, 'data.n')).toMatchObject({
      exists: true,
      required: true,
      types: ['integer', 'number'],
    });
  });

  it('allOf parts combine: one declares, another requires; enums narrow', () => {
    const schema = {
      allOf: [
        { properties: { kind: { enum: ['a', 'b', 'c'] } } },
        { required: ['kind'], properties: { kind: { enum: ['b', 'c', 'd'] } } },
      ],
    };
    expect(info(schema, 'kind')).toEqual({
      exists: true,
      required: true,
      types: ['string'],
      values: ['b', 'c'],
    });
  });

  it('an unconstrained type is undefined, and a $ref loop ends', () => {
    expect(info({ properties: { x: {} } }, 'x')).toMatchObject({ exists: true, types: undefined });
    const loop = { $ref: '#/$defs/a', $defs: { a: { $ref: '#/$defs/a' } } };
    expect(info(loop, 'x')).toMatchObject({ exists: false });
    expect(info({ $ref: 'https://elsewhere/x.json' }, 'x')).toMatchObject({ exists: false });
  });

  it('for any flat object schema, says exactly what it declares', () => {
    const types = ['string', 'integer', 'boolean', 'null'] as const;
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.stringMatching(/^[a-z]{1,6}$/),
          fc.record({ type: fc.constantFrom(...types), required: fc.boolean() }),
        ),
        fc.stringMatching(/^[a-z]{1,6}$/),
        (fields, probe) => {
          const schema = {
            type: 'object',
            required: Object.keys(fields).filter((k) => fields[k]?.required),
            properties: Object.fromEntries(
              Object.entries(fields).map(([k, f]) => [k, { type: f.type }]),
            ),
          };
          for (const [name, f] of Object.entries(fields)) {
            expect(info(schema, name)).toEqual({
              exists: true,
              required: f.required,
              types: [f.type],
              values: undefined,
            });
          }
          if (!Object.hasOwn(fields, probe)) expect(info(schema, probe).exists).toBe(false);
        },
      ),
    );
  });
});

describe('typeWords', () => {
  it('names the types, number for number-or-integer', () => {
    expect(typeWords(undefined)).toBe('any type');
    expect(typeWords(new Set(['integer']))).toBe('integer');
    expect(typeWords(new Set(['number', 'integer']))).toBe('number');
    expect(typeWords(new Set(['string', 'null']))).toBe('string or null');
  });
});
