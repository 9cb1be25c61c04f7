import { describe, expect, it } from 'vitest';
import type { Condition, Program, Test } from '../../../../src/pipeline/program/types.js';
import { createRandom } from '../../../../src/sim/random.js';
import {
  breakCondition,
  satisfyGuard,
  type ShapeContext,
} from '../../../../src/sim/program/guard-shape.js';
import type { Draft } from '../../../../src/sim/program/json-draft.js';
import { conditionHolds, type GuardScope } from '../../../../src/sim/program/machine.js';
import { accepts } from '../../../../src/sim/program/schema-accepts.js';
import { draw } from '../../../../src/sim/program/schema-draw.js';

const schema = {
  type: 'object',
  properties: {
    type: { const: 'T' },
    data: {
      type: 'object',
      properties: {
        currency: { enum: ['USD', 'EUR', 'GBP'] },
        cents: { type: 'integer', minimum: 0, maximum: 1000 },
        note: { type: 'string', maxLength: 20 },
      },
    },
  },
};
const program: Program = {
  paths: { key: ['k'], eventId: ['id'], time: ['t'], type: ['type'] },
  eventTypes: ['T'],
  state: {
    keyField: 'k',
    statusField: 'status',
    fields: [{ name: 'currency', type: 'string', from: ['data', 'currency'], default: null }],
    order: ['k', 'status', 'currency'],
  },
  machine: { initial: 'none', states: ['s'], transitions: [] },
  aggregates: [],
};

const rng = createRandom(9);
const ctx: ShapeContext = {
  root: schema,
  branch: schema,
  fresh: (node, path) =>
    draw(
      {
        root: schema,
        rng,
        time: 0,
        poolSize: 10,
        pools: new Map(),
        fixed: new Set(),
        facts: undefined,
        optional: 1,
      },
      node,
      path,
    ),
};
const scope = (event: Draft): GuardScope => ({
  program,
  key: 'key-1',
  state: { status: 's', fields: { currency: 'EUR' } },
  event,
});

const on = (path: string, test: Test): Condition => ({
  ref: { kind: 'event', path: path.split('.') },
  test,
});
const conditions: readonly Condition[] = [
  on('data.currency', { op: 'sameAs', ref: { kind: 'state', field: 'currency' } }),
  on('data.currency', { op: 'differs', ref: { kind: 'state', field: 'currency' } }),
  on('data.currency', { op: 'eq', value: 'GBP' }),
  on('data.currency', { op: 'ne', value: 'USD' }),
  on('data.currency', { op: 'in', values: ['USD', 'GBP'] }),
  on('data.currency', { op: 'notIn', values: ['USD', 'EUR'] }),
  on('data.cents', { op: 'gt', value: 500 }),
  on('data.cents', { op: 'gte', value: 999 }),
  on('data.cents', { op: 'lt', value: 3 }),
  on('data.cents', { op: 'lte', value: 0 }),
  on('data.note', { op: 'exists', value: true }),
  on('data.note', { op: 'exists', value: false }),
  {
    ref: { kind: 'state', field: 'currency' },
    test: { op: 'sameAs', ref: { kind: 'event', path: ['data', 'currency'] } },
  },
];

const transition = (condition: Condition) => ({
  index: 0,
  on: 'T',
  from: ['s'],
  to: 's',
  guard: [condition],
  set: [],
});

describe('guard shaping', () => {
  it.each(
    conditions.map(
      (c) =>
        [`${c.ref.kind === 'event' ? c.ref.path.join('.') : 'state'} ${c.test.op}`, c] as const,
    ),
  )(
    '%s: met by satisfyGuard and broken by breakCondition, within the schema',
    (_name, condition) => {
      for (let i = 0; i < 30; i++) {
        const met = scope(ctx.fresh(schema, []) as Draft);
        satisfyGuard(ctx, met, transition(condition));
        expect(conditionHolds(met, condition), JSON.stringify(met.event)).toBe(true);
        expect(accepts(schema, schema, met.event)).toBe(true);

        const broken = scope(structuredClone(met.event));
        expect(breakCondition(ctx, broken, condition)).toBe(true);
        expect(conditionHolds(broken, condition), JSON.stringify(broken.event)).toBe(false);
        expect(accepts(schema, schema, broken.event)).toBe(true);
      }
    },
  );

  it('cannot break a condition on the state alone', () => {
    const condition: Condition = {
      ref: { kind: 'state', field: 'currency' },
      test: { op: 'eq', value: 'EUR' },
    };
    expect(breakCondition(ctx, scope({ type: 'T' }), condition)).toBe(false);
  });
});
