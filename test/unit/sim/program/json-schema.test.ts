import { describe, expect, it } from 'vitest';
import { branchFor, nodeAt, normalise } from '../../../../src/sim/program/json-schema.js';
import { ordersSchema, shipmentsSchema } from './programs.js';

describe('branchFor', () => {
  it('finds a oneOf branch by its const type, merged with the shared properties', () => {
    const branch = branchFor(ordersSchema as never, ['type'], 'OrderPaid')!;
    expect(branch.required).toEqual([
      'eventId',
      'type',
      'orderId',
      'customerId',
      'timestamp',
      'data',
    ]);
    expect(nodeAt(ordersSchema as never, branch, ['type'])).toEqual({
      type: 'string',
      const: 'OrderPaid',
    });
    expect(nodeAt(ordersSchema as never, branch, ['data', 'currency'])).toEqual({
      type: 'string',
      enum: ['USD', 'EUR', 'GBP'],
    });
    expect(nodeAt(ordersSchema as never, branch, ['data', 'carrier'])).toBeUndefined();
  });

  it('finds an anyOf branch through allOf and $ref, by an enum holding the type', () => {
    const root = shipmentsSchema as never;
    const branch = branchFor(root, ['kind'], 'DeliveryFailed')!;
    expect(branch.required).toEqual(['shipmentId', 'kind', 'meta', 'location', 'attempt']);
    expect(nodeAt(root, branch, ['location', 'hub'])).toEqual({
      type: 'string',
      enum: ['AMS', 'FRA', 'LHR', 'CDG', 'MAD'],
    });
    expect(nodeAt(root, branch, ['meta', 'id'])).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 64,
    });
  });

  it('gives the root itself when it has no branches, and nothing for a type no branch admits', () => {
    const flat = {
      type: 'object',
      properties: { type: { enum: ['A', 'B'] }, n: { type: 'integer' } },
    };
    expect(branchFor(flat, ['type'], 'A')).toEqual(flat);
    expect(branchFor(flat, ['type'], 'C')).toBeUndefined();
    expect(branchFor(ordersSchema as never, ['type'], 'OrderLost')).toBeUndefined();
  });

  it('merges allOf parts: properties per name, required united', () => {
    const root = {
      allOf: [
        {
          type: 'object',
          required: ['a'],
          properties: { a: { type: 'string' }, b: { minimum: 1 } },
        },
        { required: ['b'], properties: { b: { type: 'integer', maximum: 9 } } },
      ],
    };
    expect(normalise(root, root)).toEqual({
      type: 'object',
      required: ['a', 'b'],
      properties: { a: { type: 'string' }, b: { minimum: 1, type: 'integer', maximum: 9 } },
    });
  });
});
