import type { Random } from './random.js';

export const Steps = ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCancelled'] as const;
export type Step = (typeof Steps)[number];
export type Status = 'placed' | 'paid' | 'shipped' | 'cancelled';

/**
 * Orders are placed at checkout, so most get paid (card declines are a few percent) and most
 * paid ones ship. About 2.93 events per order; tests that size a load by `--orders` rely on it.
 */
const P_PAID = 0.95;
const P_SHIPPED_GIVEN_PAID = 0.95;
const P_CANCELLED_GIVEN_UNPAID = 0.6;

/** The legal steps one order will take, decided when it is placed. */
export function planLifecycle(rng: Random): Step[] {
  if (rng.chance(P_PAID)) {
    return [
      'OrderPlaced',
      'OrderPaid',
      rng.chance(P_SHIPPED_GIVEN_PAID) ? 'OrderShipped' : 'OrderCancelled',
    ];
  }
  // An unpaid order is either cancelled or abandoned in `placed`.
  return rng.chance(P_CANCELLED_GIVEN_UNPAID) ? ['OrderPlaced', 'OrderCancelled'] : ['OrderPlaced'];
}

export const statusAfter: Readonly<Record<Step, Status>> = {
  OrderPlaced: 'placed',
  OrderPaid: 'paid',
  OrderShipped: 'shipped',
  OrderCancelled: 'cancelled',
};
