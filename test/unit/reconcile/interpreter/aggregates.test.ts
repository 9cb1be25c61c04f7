import { describe, expect, it } from 'vitest';
import type {
  Aggregate,
  KeyState,
  Program,
  ProgramEvent,
} from '../../../../src/pipeline/program/types.js';
import { changeOf } from '../../../../src/reconcile/interpreter/aggregates.js';
import { stepKey } from '../../../../src/reconcile/interpreter/machine.js';
import type { AggregateChange } from '../../../../src/reconcile/interpreter/types.js';
import { customerValue, event, orderEvent, ordersProgram, revenue, state } from './programs.js';

/** Steps the events of one key in order; returns each applied event's change of `aggregate`. */
function changes(
  program: Program,
  aggregate: Aggregate,
  events: readonly ProgramEvent[],
): AggregateChange[] {
  let stored: KeyState | undefined;
  const out: AggregateChange[] = [];
  events.forEach((e, offset) => {
    const outcome = stepKey(program, stored, e);
    if (outcome.kind !== 'applied') throw new Error(`not applied: ${JSON.stringify(outcome)}`);
    out.push(changeOf(program, aggregate, { partition: 0, offset, event: e, ...outcome }));
    stored = outcome.after;
  });
  return out;
}

const add = (metric: string, amount: number, sub?: string) => ({
  metric,
  kind: 'add',
  sub,
  amount,
});

describe('changeOf: state metrics', () => {
  it('puts in the after-state, takes out the before-state, and feeds only net changes', () => {
    const paidThenShipped = changes(ordersProgram, revenue, [
      orderEvent('OrderPlaced', 'o-1', 1),
      orderEvent('OrderPaid', 'o-1', 2, { cents: 900 }),
      orderEvent('OrderShipped', 'o-1', 3),
    ]);
    // placed: the while does not hold; paid: +900; shipped: -900 +900 moves nothing.
    expect(paidThenShipped).toEqual([
      new Map(),
      new Map([['USD', [add('cents', 900)]]]),
      new Map(),
    ]);

    const paidThenCancelled = changes(ordersProgram, revenue, [
      orderEvent('OrderPlaced', 'o-2', 1, { currency: 'EUR' }),
      orderEvent('OrderPaid', 'o-2', 2, { cents: 700, currency: 'EUR' }),
      orderEvent('OrderCancelled', 'o-2', 3),
    ]);
    expect(paidThenCancelled).toEqual([
      new Map(),
      new Map([['EUR', [add('cents', 700)]]]),
      new Map([['EUR', [add('cents', -700)]]]),
    ]);
  });

  it('feeds nothing for a zero sum: a paid order of 0 cents touches no group', () => {
    const zero = changes(ordersProgram, revenue, [
      orderEvent('OrderPlaced', 'o-1', 1),
      orderEvent('OrderPaid', 'o-1', 2, { cents: 0 }),
    ]);
    expect(zero).toEqual([new Map(), new Map()]);
  });

  it('moves a contribution between groups and by sub-keys when the state changes them', () => {
    // A state metric counting keys per currency, by customer, where paying changes the currency.
    const moving: Aggregate = {
      name: 'moving',
      groupBy: [{ name: 'currency', ref: state('currency') }],
      metrics: [{ name: 'keys', kind: 'count', while: [], by: state('customerId') }],
    };
    const program: Program = {
      ...ordersProgram,
      machine: {
        ...ordersProgram.machine,
        transitions: ordersProgram.machine.transitions.map((t) =>
          t.on === 'OrderPaid' ? { ...t, guard: [] } : t,
        ),
      },
      aggregates: [moving],
    };
    const out = changes(program, moving, [
      orderEvent('OrderPlaced', 'o-1', 1, { currency: 'USD' }),
      orderEvent('OrderPaid', 'o-1', 2, { currency: 'EUR' }),
      orderEvent('OrderCancelled', 'o-1', 3),
    ]);
    expect(out).toEqual([
      new Map([['USD', [add('keys', 1, 'c-1')]]]),
      new Map([
        ['USD', [add('keys', -1, 'c-1')]],
        ['EUR', [add('keys', 1, 'c-1')]],
      ]),
      new Map(),
    ]);
  });
});

describe('changeOf: event metrics', () => {
  it('counts transitions passing when in the group of the state after, by sub-key for by', () => {
    const out = changes(ordersProgram, customerValue, [
      orderEvent('OrderPlaced', 'o-1', 1, { customerId: 'c-7' }),
      orderEvent('OrderPaid', 'o-1', 2, { cents: 900, customerId: 'c-7' }),
      orderEvent('OrderCancelled', 'o-1', 3, { customerId: 'c-7' }),
    ]);
    expect(out).toEqual([
      new Map([['c-7', [add('orders', 1)]]]),
      new Map([['c-7', [add('paid', 1), add('lifetimeValueCents', 900, 'USD')]]]),
      new Map([['c-7', [add('cancelled', 1), add('lifetimeValueCents', -900, 'USD')]]]),
    ]);
  });

  it('checks on, from, to and where (on the state before), and skips absent values', () => {
    const filtered: Aggregate = {
      name: 'filtered',
      groupBy: [
        { name: 'customerId', ref: event('customerId') },
        { name: 'currency', ref: state('currency') },
      ],
      metrics: [
        { name: 'fromNone', kind: 'count', when: { from: ['none'], where: [] } },
        { name: 'onPaid', kind: 'count', when: { on: ['OrderPaid'], where: [] } },
        // The state before a payment has paidCents 0; the one after has the amount. A new key has
        // no state before, so its first event does not count here.
        {
          name: 'unpaidBefore',
          kind: 'count',
          when: { where: [{ ref: state('paidCents'), test: { op: 'eq', value: 0 } }] },
        },
        { name: 'amount', kind: 'sum', of: event('data', 'amountCents') },
        { name: 'byMissing', kind: 'count', by: event('data', 'missing') },
        { name: 'lastCurrency', kind: 'last', of: event('data', 'currency') },
      ],
    };
    const out = changes(ordersProgram, filtered, [
      orderEvent('OrderPlaced', 'o-1', 1),
      orderEvent('OrderPaid', 'o-1', 2, { cents: 900 }),
      orderEvent('OrderShipped', 'o-1', 3),
    ]);
    const group = '["c-1","USD"]';
    expect(out).toEqual([
      new Map([
        [
          group,
          [add('fromNone', 1), { metric: 'lastCurrency', kind: 'value', value: 'USD', time: 1 }],
        ],
      ]),
      new Map([
        [
          group,
          [
            add('onPaid', 1),
            add('unpaidBefore', 1),
            add('amount', 900),
            { metric: 'lastCurrency', kind: 'value', value: 'USD', time: 2 },
          ],
        ],
      ]),
      new Map(),
    ]);
  });

  it('skips the whole aggregate for a transition whose group value is absent', () => {
    const byMissing: Aggregate = {
      name: 'by-missing',
      groupBy: [{ name: 'missing', ref: event('data', 'missing') }],
      metrics: [{ name: 'n', kind: 'count' }],
    };
    expect(changes(ordersProgram, byMissing, [orderEvent('OrderPlaced', 'o-1', 1)])).toEqual([
      new Map(),
    ]);
  });
});
