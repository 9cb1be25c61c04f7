import { describe, expect, it } from 'vitest';
import type { KeyState, Test } from '../../../../src/pipeline/program/types.js';
import {
  conditionsHold,
  groupKeyOf,
  readPath,
  readRef,
  sameJson,
  testHolds,
  valueText,
  type RefScope,
} from '../../../../src/reconcile/interpreter/values.js';
import { event, orderEvent, ordersProgram, state } from './programs.js';

const paid: KeyState = {
  key: 'o-1',
  status: 'paid',
  fields: { customerId: 'c-1', currency: 'USD', totalCents: 1_000, paidCents: 900 },
  appliedEvents: 2,
  updatedAt: 2,
  eventIds: ['a', 'b'],
};

const scope: RefScope = {
  program: ordersProgram,
  key: 'o-1',
  event: orderEvent('OrderPaid', 'o-1', 5, { currency: 'EUR', cents: 700 }),
  state: paid,
};

describe('readPath', () => {
  it('walks nested fields and yields undefined for a missing one or a step into a non-object', () => {
    const value = { a: { b: { c: 1 } }, n: null, list: [1, 2], s: 'x' };
    expect(readPath(value, ['a', 'b', 'c'])).toBe(1);
    expect(readPath(value, ['a', 'b'])).toEqual({ c: 1 });
    expect(readPath(value, ['n'])).toBeNull();
    expect(readPath(value, ['a', 'x'])).toBeUndefined();
    expect(readPath(value, ['n', 'x'])).toBeUndefined();
    expect(readPath(value, ['s', 'length'])).toBeUndefined();
    expect(readPath(value, ['list', '0'])).toBeUndefined();
  });

  it('never reaches into Object.prototype', () => {
    expect(readPath({}, ['constructor'])).toBeUndefined();
    expect(readPath({ a: {} }, ['a', '__proto__'])).toBeUndefined();
    expect(readPath({}, ['toString'])).toBeUndefined();
  });
});

describe('readRef', () => {
  it('reads the event, the state fields, the status field, the key field and the key', () => {
    expect(readRef(event('data', 'currency'), scope)).toBe('EUR');
    expect(readRef(state('paidCents'), scope)).toBe(900);
    expect(readRef(state('status'), scope)).toBe('paid');
    expect(readRef(state('orderId'), scope)).toBe('o-1');
    expect(readRef({ kind: 'key' }, scope)).toBe('o-1');
    expect(readRef(state('nope'), scope)).toBeUndefined();
  });

  it('yields nothing for the event or the state when the scope has none', () => {
    const bare: RefScope = { program: ordersProgram, key: 'k', event: undefined, state: undefined };
    expect(readRef(event('data', 'currency'), bare)).toBeUndefined();
    expect(readRef(state('status'), bare)).toBeUndefined();
    expect(readRef({ kind: 'key' }, bare)).toBe('k');
  });
});

describe('tests and conditions', () => {
  const cases: [string, Test, boolean, boolean][] = [
    // name, test, holds of 900, holds of an absent value
    ['eq', { op: 'eq', value: 900 }, true, false],
    ['eq other', { op: 'eq', value: '900' }, false, false],
    ['ne', { op: 'ne', value: 900 }, false, true],
    ['ne other', { op: 'ne', value: 1 }, true, true],
    ['in', { op: 'in', values: [1, 900] }, true, false],
    ['notIn', { op: 'notIn', values: [1, 900] }, false, true],
    ['notIn other', { op: 'notIn', values: [1] }, true, true],
    ['gt', { op: 'gt', value: 899 }, true, false],
    ['gt equal', { op: 'gt', value: 900 }, false, false],
    ['gte', { op: 'gte', value: 900 }, true, false],
    ['lt', { op: 'lt', value: 900 }, false, false],
    ['lte', { op: 'lte', value: 900 }, true, false],
    ['sameAs', { op: 'sameAs', ref: state('paidCents') }, true, false],
    ['sameAs other', { op: 'sameAs', ref: state('totalCents') }, false, false],
    ['sameAs absent', { op: 'sameAs', ref: state('nope') }, false, false],
    ['differs', { op: 'differs', ref: state('totalCents') }, true, true],
    ['differs same', { op: 'differs', ref: state('paidCents') }, false, true],
    ['differs absent', { op: 'differs', ref: state('nope') }, true, true],
    ['exists', { op: 'exists', value: true }, true, false],
    ['not exists', { op: 'exists', value: false }, false, true],
  ];
  it.each(cases)('%s: of a value and of an absent value', (_name, test, ofValue, ofAbsent) => {
    expect(testHolds(900, test, scope)).toBe(ofValue);
    expect(testHolds(undefined, test, scope)).toBe(ofAbsent);
  });

  it('compares only numbers with gt/gte/lt/lte, and null is a value', () => {
    expect(testHolds('901', { op: 'gt', value: 900 }, scope)).toBe(false);
    expect(testHolds(null, { op: 'lte', value: 0 }, scope)).toBe(false);
    expect(testHolds(null, { op: 'eq', value: null }, scope)).toBe(true);
    expect(testHolds(null, { op: 'exists', value: true }, scope)).toBe(true);
  });

  it('holds when every condition holds; an empty list always holds', () => {
    expect(conditionsHold([], scope)).toBe(true);
    const guard = [
      { ref: state('status'), test: { op: 'eq', value: 'paid' } },
      { ref: event('data', 'amountCents'), test: { op: 'gte', value: 700 } },
    ] as const;
    expect(conditionsHold(guard, scope)).toBe(true);
    const failing = [
      ...guard,
      { ref: event('data', 'currency'), test: { op: 'sameAs', ref: state('currency') } },
    ] as const;
    expect(conditionsHold(failing, scope)).toBe(false);
  });

  it('sameJson compares arrays in order and objects regardless of key order', () => {
    expect(sameJson({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameJson({ a: 1, b: 2 }, { a: 1, c: 2 })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson(null, {})).toBe(false);
    expect(sameJson(1, 1)).toBe(true);
  });
});

describe('groupKeyOf', () => {
  it('is the value text for one field, the JSON array of texts for several, "" for none', () => {
    expect(groupKeyOf(['USD'])).toBe('USD');
    expect(groupKeyOf([12])).toBe('12');
    expect(groupKeyOf([null])).toBe('null');
    expect(groupKeyOf(['m1', 'USD'])).toBe('["m1","USD"]');
    expect(groupKeyOf(['m1', 3, true])).toBe('["m1","3","true"]');
    expect(groupKeyOf([])).toBe('');
    expect(valueText({ a: 1 })).toBe('{"a":1}');
  });
});
