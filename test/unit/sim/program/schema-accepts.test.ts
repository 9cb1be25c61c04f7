import { describe, expect, it } from 'vitest';
import {
  generateProgramEvents,
  resolveProgramSimOptions,
} from '../../../../src/sim/program/index.js';
import { accepts } from '../../../../src/sim/program/schema-accepts.js';
import { validator } from './ajv.js';
import { ordersProgram, ordersSchema, shipmentsProgram, shipmentsSchema } from './programs.js';

const options = resolveProgramSimOptions({
  keys: 300,
  seed: 11,
  invalid: 0.3,
  invalidTransitions: 0.2,
});

describe('accepts', () => {
  it.each([
    ['orders', ordersProgram, ordersSchema],
    ['shipments', shipmentsProgram, shipmentsSchema],
  ] as const)(
    'agrees with Ajv on every event and invalid record of a %s run',
    (_name, program, schema) => {
      const ajv = validator(schema);
      const verdicts = { accepted: 0, refused: 0 };
      for (const r of generateProgramEvents(program, schema, options)) {
        const value: unknown = JSON.parse(r.value!.toString('utf8'));
        const mine = accepts(schema as never, schema as never, value);
        expect(mine, r.value!.toString('utf8')).toBe(ajv(value));
        verdicts[mine ? 'accepted' : 'refused'] += 1;
      }
      expect(verdicts.refused).toBeGreaterThan(0);
      expect(verdicts.accepted).toBeGreaterThan(verdicts.refused);
    },
  );

  it('reads the keywords of the subset', () => {
    const root = {
      type: 'object',
      required: ['n'],
      additionalProperties: false,
      properties: {
        n: { type: 'integer', exclusiveMinimum: 0, multipleOf: 5 },
        s: { type: ['string', 'null'], minLength: 2, pattern: '^[a-z]+$' },
        t: { type: 'string', format: 'date-time' },
        xs: { type: 'array', minItems: 1, items: { enum: [1, 2] } },
      },
    };
    const ok = (v: unknown): boolean => accepts(root, root, v);
    expect(ok({ n: 5, s: null, t: '2026-01-01T00:00:00.000Z', xs: [1, 2, 1] })).toBe(true);
    expect(ok({ n: 0 })).toBe(false);
    expect(ok({ n: 7 })).toBe(false);
    expect(ok({ n: 5.0, s: 'a' })).toBe(false);
    expect(ok({ n: 5, s: 'AB' })).toBe(false);
    expect(ok({ n: 5, t: '2026-01-01' })).toBe(false);
    expect(ok({ n: 5, xs: [] })).toBe(false);
    expect(ok({ n: 5, xs: [3] })).toBe(false);
    expect(ok({ n: 5, extra: 1 })).toBe(false);
    expect(ok({})).toBe(false);
  });

  it('applies $ref, allOf and if/then/else as written, and the keywords the drawer does not draw', () => {
    const root = {
      $defs: { even: { type: 'integer', multipleOf: 2 } },
      type: 'object',
      properties: {
        n: { allOf: [{ $ref: '#/$defs/even' }, { minimum: 4 }] },
        tags: { type: 'array', uniqueItems: true, prefixItems: [{ const: 'first' }] },
      },
      patternProperties: { '^x-': { type: 'string' } },
      dependentRequired: { n: ['tags'] },
      maxProperties: 3,
      if: { properties: { kind: { const: 'A' } }, required: ['kind'] },
      then: { required: ['a'] },
      else: { not: { required: ['a'] } },
    };
    const ajv = validator(root);
    const values: unknown[] = [
      { n: 4, tags: ['first', 'b'] },
      { n: 3, tags: ['first'] },
      { n: 2, tags: ['first'] },
      { n: 6 },
      { tags: ['first', 'first'] },
      { tags: ['second'] },
      { 'x-a': 'ok' },
      { 'x-a': 1 },
      { kind: 'A', a: 1 },
      { kind: 'A' },
      { kind: 'B', a: 1 },
      { kind: 'B', a: 1, b: 2, c: 3 },
    ];
    for (const value of values) {
      expect(accepts(root, root, value), JSON.stringify(value)).toBe(ajv(value));
    }
    // A $ref that never reaches a value is refused rather than followed forever.
    const loop = { $defs: { loop: { $ref: '#/$defs/loop' } }, $ref: '#/$defs/loop' };
    expect(accepts(loop, loop, 1)).toBe(false);
  });
});
