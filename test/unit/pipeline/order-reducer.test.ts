import { describe, expect, it } from 'vitest';
import {
  AnomalyReasons,
  applyEvent,
  type OrderEvent,
  type OrderState,
  type ReducerResult,
} from '../../../src/pipeline/index.js';
import { cancelled, paid, placed, shipped } from './fixtures.js';

const O = 'o-1';

function stateOf(result: ReducerResult): OrderState {
  if (result.kind !== 'applied') throw new Error(`expected applied, got ${JSON.stringify(result)}`);
  return result.state;
}

/** Applies events in order, each of which must be legal. */
function run(...events: OrderEvent[]): OrderState | undefined {
  let state: OrderState | undefined;
  for (const event of events) state = stateOf(applyEvent(state, event));
  return state;
}

const p1 = placed({
  eventId: 'e-1',
  orderId: O,
  customerId: 'c-9',
  totalCents: 500,
  timestamp: 10,
});
const pay = paid({ eventId: 'e-2', orderId: O, amountCents: 450, timestamp: 20 });
const ship = shipped({ eventId: 'e-3', orderId: O, carrier: 'ups', timestamp: 30 });
const cancel = cancelled({ eventId: 'e-4', orderId: O, reason: 'x', timestamp: 40 });

const placedState: OrderState = {
  orderId: O,
  customerId: 'c-9',
  status: 'placed',
  currency: 'USD',
  totalCents: 500,
  paidCents: 0,
  appliedEvents: 1,
  updatedAt: 10,
  eventIds: ['e-1'],
};

describe('applyEvent: legal transitions', () => {
  it('Placed from nothing → placed', () => {
    expect(applyEvent(undefined, p1)).toEqual({
      kind: 'applied',
      previousStatus: null,
      state: placedState,
    });
  });

  it('Paid from placed → paid, with revenue in the paid currency', () => {
    expect(applyEvent(placedState, pay)).toEqual({
      kind: 'applied',
      previousStatus: 'placed',
      state: {
        ...placedState,
        status: 'paid',
        paidCents: 450,
        appliedEvents: 2,
        updatedAt: 20,
        eventIds: ['e-1', 'e-2'],
      },
      revenueDelta: { currency: 'USD', cents: 450 },
    });
  });

  it('Shipped from paid → shipped, no revenue change', () => {
    const paidState = run(p1, pay);
    const result = applyEvent(paidState, ship);
    expect(result).toEqual({
      kind: 'applied',
      previousStatus: 'paid',
      state: {
        ...paidState,
        status: 'shipped',
        appliedEvents: 3,
        updatedAt: 30,
        eventIds: ['e-1', 'e-2', 'e-3'],
      },
    });
  });

  it('Cancelled from placed → cancelled, no revenue change', () => {
    expect(applyEvent(placedState, cancel)).toEqual({
      kind: 'applied',
      previousStatus: 'placed',
      state: {
        ...placedState,
        status: 'cancelled',
        appliedEvents: 2,
        updatedAt: 40,
        eventIds: ['e-1', 'e-4'],
      },
    });
  });

  it('Cancelled from paid → cancelled, revenue minus the paid amount', () => {
    const result = applyEvent(run(p1, pay), cancel);
    expect(result).toMatchObject({
      kind: 'applied',
      previousStatus: 'paid',
      state: { status: 'cancelled', paidCents: 450, appliedEvents: 3 },
      revenueDelta: { currency: 'USD', cents: -450 },
    });
  });

  it('a zero-cent payment and its cancellation carry no revenue delta', () => {
    const zero = paid({ eventId: 'e-2', orderId: O, amountCents: 0 });
    const afterPay = applyEvent(placedState, zero);
    expect(afterPay).not.toHaveProperty('revenueDelta');
    expect(applyEvent(stateOf(afterPay), cancel)).not.toHaveProperty('revenueDelta');
  });

  it('the event timestamp becomes updatedAt even when it goes backwards', () => {
    const late = paid({ eventId: 'e-2', orderId: O, amountCents: 450, timestamp: 5 });
    expect(stateOf(applyEvent(placedState, late)).updatedAt).toBe(5);
  });
});

describe('applyEvent: anomalies', () => {
  const paidState = run(p1, pay);
  const shippedState = run(p1, pay, ship);
  const cancelledState = run(p1, cancel);
  const p2 = placed({ eventId: 'e-9', orderId: O });
  const pay2 = paid({ eventId: 'e-9', orderId: O });
  const ship2 = shipped({ eventId: 'e-9', orderId: O });
  const cancel2 = cancelled({ eventId: 'e-9', orderId: O });

  it.each([
    ['OrderPaid-from-none', undefined, pay2],
    ['OrderShipped-from-none', undefined, ship2],
    ['OrderCancelled-from-none', undefined, cancel2],
    ['OrderPlaced-from-placed', placedState, p2],
    ['OrderShipped-from-placed', placedState, ship2],
    ['OrderPlaced-from-paid', paidState, p2],
    ['OrderPaid-from-paid', paidState, pay2],
    ['OrderPlaced-from-shipped', shippedState, p2],
    ['OrderPaid-from-shipped', shippedState, pay2],
    ['OrderShipped-from-shipped', shippedState, ship2],
    ['OrderCancelled-from-shipped', shippedState, cancel2],
    ['OrderPlaced-from-cancelled', cancelledState, p2],
    ['OrderPaid-from-cancelled', cancelledState, pay2],
    ['OrderShipped-from-cancelled', cancelledState, ship2],
    ['OrderCancelled-from-cancelled', cancelledState, cancel2],
  ])('%s', (reason, state, event) => {
    expect(applyEvent(state, event)).toEqual({ kind: 'anomaly', reason });
  });

  it('currency-mismatch for a Paid in another currency', () => {
    const eur = paid({ eventId: 'e-2', orderId: O, currency: 'EUR' });
    expect(applyEvent(placedState, eur)).toEqual({
      kind: 'anomaly',
      reason: AnomalyReasons.CURRENCY_MISMATCH,
    });
  });
});

describe('applyEvent: duplicates', () => {
  it('an already-applied eventId is a duplicate', () => {
    expect(applyEvent(placedState, p1)).toEqual({ kind: 'duplicate' });
  });

  it('is checked before legality: a re-sent Paid on a shipped order is a duplicate', () => {
    expect(applyEvent(run(p1, pay, ship), pay)).toEqual({ kind: 'duplicate' });
  });

  it('matches on eventId, whatever the payload', () => {
    const resent = cancelled({ eventId: 'e-1', orderId: O });
    expect(applyEvent(placedState, resent)).toEqual({ kind: 'duplicate' });
  });

  it('an anomalous event is not remembered: re-sent later, it can apply', () => {
    expect(applyEvent(undefined, pay).kind).toBe('anomaly');
    expect(applyEvent(placedState, pay).kind).toBe('applied');
  });
});

describe('applyEvent: purity', () => {
  it('never mutates the input state', () => {
    const before = run(p1, pay);
    if (before === undefined) throw new Error('unreachable');
    const frozen = structuredClone(before);
    Object.freeze(before);
    Object.freeze(before.eventIds);
    const after = stateOf(applyEvent(before, cancel));
    expect(before).toEqual(frozen);
    expect(after).not.toBe(before);
    expect(after.eventIds).not.toBe(before.eventIds);
    expect(applyEvent(before, pay)).toEqual({ kind: 'duplicate' });
    expect(applyEvent(before, shipped({ eventId: 'e-8', orderId: O })).kind).toBe('applied');
    expect(before).toEqual(frozen);
  });
});
