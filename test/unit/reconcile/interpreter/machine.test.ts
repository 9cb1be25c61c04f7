import { describe, expect, it } from 'vitest';
import type { KeyState, Program } from '../../../../src/pipeline/program/types.js';
import {
  startingState,
  stateJson,
  stepKey,
  type StepOutcome,
} from '../../../../src/reconcile/interpreter/machine.js';
import { event, orderEvent, ordersProgram, state } from './programs.js';

function applied(outcome: StepOutcome): KeyState {
  if (outcome.kind !== 'applied')
    throw new Error(`expected applied, got ${JSON.stringify(outcome)}`);
  return outcome.after;
}

describe('stepKey', () => {
  it('applies a first event from the defaults and the from fields the event has', () => {
    const placed = orderEvent('OrderPlaced', 'o-1', 100, {
      customerId: 'c-9',
      cents: 2_500,
      eventId: 'p',
    });
    const outcome = stepKey(ordersProgram, undefined, placed);
    expect(outcome).toEqual({
      kind: 'applied',
      transition: ordersProgram.machine.transitions[0],
      before: undefined,
      after: {
        key: 'o-1',
        status: 'placed',
        fields: { customerId: 'c-9', currency: 'USD', totalCents: 2_500, paidCents: 0 },
        appliedEvents: 1,
        updatedAt: 100,
        eventIds: ['p'],
      },
    });
  });

  it('applies set after the from fields, keeping fields the event does not carry', () => {
    const placed = applied(
      stepKey(ordersProgram, undefined, orderEvent('OrderPlaced', 'o-1', 100, { eventId: 'p' })),
    );
    const paid = applied(
      stepKey(
        ordersProgram,
        placed,
        orderEvent('OrderPaid', 'o-1', 90, { cents: 800, eventId: 'q' }),
      ),
    );
    expect(paid).toEqual({
      key: 'o-1',
      status: 'paid',
      fields: { customerId: 'c-1', currency: 'USD', totalCents: 1_000, paidCents: 800 },
      appliedEvents: 2,
      // The event time of the last applied event, even when older than the one before.
      updatedAt: 90,
      eventIds: ['p', 'q'],
    });
    expect(placed.fields).toEqual({
      customerId: 'c-1',
      currency: 'USD',
      totalCents: 1_000,
      paidCents: 0,
    });
  });

  it('finds a duplicate before anything else, even when the event would now be illegal', () => {
    const placedEvent = orderEvent('OrderPlaced', 'o-1', 100, { eventId: 'p' });
    const placed = applied(stepKey(ordersProgram, undefined, placedEvent));
    expect(stepKey(ordersProgram, placed, placedEvent)).toEqual({ kind: 'duplicate' });
    const sameIdOtherType = orderEvent('OrderShipped', 'o-1', 101, { eventId: 'p' });
    expect(stepKey(ordersProgram, placed, sameIdOtherType)).toEqual({ kind: 'duplicate' });
  });

  it('gives the default reason <type>-from-<state>, the initial state for a key without one', () => {
    expect(stepKey(ordersProgram, undefined, orderEvent('OrderShipped', 'o-1', 1))).toEqual({
      kind: 'anomaly',
      reason: 'OrderShipped-from-none',
    });
    const placed = applied(stepKey(ordersProgram, undefined, orderEvent('OrderPlaced', 'o-1', 1)));
    expect(stepKey(ordersProgram, placed, orderEvent('OrderShipped', 'o-1', 2))).toEqual({
      kind: 'anomaly',
      reason: 'OrderShipped-from-placed',
    });
    expect(stepKey(ordersProgram, placed, orderEvent('OrderPlaced', 'o-1', 2))).toEqual({
      kind: 'anomaly',
      reason: 'OrderPlaced-from-placed',
    });
  });

  it("gives the failed candidate's anomaly reason when its guard fails", () => {
    const placed = applied(stepKey(ordersProgram, undefined, orderEvent('OrderPlaced', 'o-1', 1)));
    const euros = orderEvent('OrderPaid', 'o-1', 2, { currency: 'EUR' });
    expect(stepKey(ordersProgram, placed, euros)).toEqual({
      kind: 'anomaly',
      reason: 'currency-mismatch',
    });
  });

  it('takes the first candidate whose guard holds, and only the first candidate names the anomaly', () => {
    const base = ordersProgram.machine.transitions;
    const big = { ref: event('data', 'amountCents'), test: { op: 'gte', value: 1_000 } } as const;
    const small = { ref: event('data', 'amountCents'), test: { op: 'lt', value: 10 } } as const;
    const program: Program = {
      ...ordersProgram,
      machine: {
        ...ordersProgram.machine,
        transitions: [
          base[0]!,
          { index: 1, on: 'OrderPaid', from: ['placed'], to: 'paid', guard: [big], set: [] },
          {
            index: 2,
            on: 'OrderPaid',
            from: ['placed'],
            to: 'cancelled',
            guard: [small],
            anomaly: 'odd',
            set: [],
          },
        ],
      },
    };
    const placed = applied(stepKey(program, undefined, orderEvent('OrderPlaced', 'o-1', 1)));
    expect(
      applied(stepKey(program, placed, orderEvent('OrderPaid', 'o-1', 2, { cents: 5 }))).status,
    ).toBe('cancelled');
    expect(
      applied(stepKey(program, placed, orderEvent('OrderPaid', 'o-1', 2, { cents: 5_000 }))).status,
    ).toBe('paid');
    expect(stepKey(program, placed, orderEvent('OrderPaid', 'o-1', 2, { cents: 500 }))).toEqual({
      kind: 'anomaly',
      reason: 'OrderPaid-from-placed',
    });
  });

  it('gives a new key no state in guards and set, and set reads the state before', () => {
    const program: Program = {
      ...ordersProgram,
      machine: {
        ...ordersProgram.machine,
        transitions: [
          {
            index: 0,
            on: 'OrderPlaced',
            from: ['none'],
            to: 'placed',
            // A key in the initial state has no state: its state refs yield nothing.
            guard: [
              { ref: state('status'), test: { op: 'exists', value: false } },
              { ref: state('totalCents'), test: { op: 'exists', value: false } },
            ],
            set: [
              { field: 'paidCents', ref: state('totalCents') },
              { field: 'customerId', ref: { kind: 'key' } },
              { field: 'currency', ref: event('missing') },
            ],
          },
        ],
      },
    };
    const placed = applied(
      stepKey(
        program,
        undefined,
        orderEvent('OrderPlaced', 'o-7', 1, { cents: 4_000, currency: 'GBP' }),
      ),
    );
    expect(placed.fields).toEqual({
      customerId: 'o-7',
      currency: 'GBP',
      totalCents: 4_000,
      paidCents: 0,
    });
  });
});

describe('startingState and stateJson', () => {
  it('starts from every default in the initial state', () => {
    expect(startingState(ordersProgram, 'o-1')).toEqual({
      key: 'o-1',
      status: 'none',
      fields: { customerId: null, currency: null, totalCents: 0, paidCents: 0 },
      appliedEvents: 0,
      updatedAt: 0,
      eventIds: [],
    });
  });

  it('writes the key field, the fields in stored order with the status, then the bookkeeping', () => {
    const placed = applied(
      stepKey(ordersProgram, undefined, orderEvent('OrderPlaced', 'o-1', 100, { eventId: 'p' })),
    );
    const json = stateJson(ordersProgram, placed);
    expect(JSON.stringify(json)).toBe(
      '{"orderId":"o-1","customerId":"c-1","status":"placed","currency":"USD","totalCents":1000,' +
        '"paidCents":0,"appliedEvents":1,"updatedAt":100,"eventIds":["p"]}',
    );
  });
});
