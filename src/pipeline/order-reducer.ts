/**
 * The order lifecycle (docs/architecture.md, The orders contract) as a pure reducer. It never
 * mutates its input: the fold keeps the pre-batch states around, and a partition whose commit is
 * fenced must be able to drop its in-flight work without having touched them.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { OrderEvent, OrderState, OrderStatus } from './types.js';

export const AnomalyReasons = {
  CURRENCY_MISMATCH: 'currency-mismatch',
} as const;

export interface RevenueDelta {
  currency: string;
  /** Signed integer cents; never zero (a zero change is omitted). */
  cents: number;
}

export type ReducerResult =
  | {
      kind: 'applied';
      state: OrderState;
      previousStatus: OrderStatus | null;
      revenueDelta?: RevenueDelta;
    }
  | { kind: 'duplicate' }
  | { kind: 'anomaly'; reason: string };

/** `OrderShipped-from-placed`, `OrderPaid-from-none`, … */
export function transitionReason(event: OrderEvent, state: OrderState | undefined): string {
  return `${event.type}-from-${state?.status ?? 'none'}`;
}

export function applyEvent(state: OrderState | undefined, event: OrderEvent): ReducerResult {
  // Duplicates first: a re-delivered event must be ignored even when it would now be illegal.
  if (state !== undefined && state.eventIds.includes(event.eventId)) return { kind: 'duplicate' };

  const illegal: ReducerResult = { kind: 'anomaly', reason: transitionReason(event, state) };

  if (state === undefined) {
    if (event.type !== 'OrderPlaced') return illegal;
    return {
      kind: 'applied',
      previousStatus: null,
      state: {
        orderId: event.orderId,
        customerId: event.customerId,
        status: 'placed',
        currency: event.data.currency,
        totalCents: event.data.totalCents,
        paidCents: 0,
        appliedEvents: 1,
        updatedAt: event.timestamp,
        eventIds: [event.eventId],
      },
    };
  }

  switch (event.type) {
    case 'OrderPlaced':
      return illegal;
    case 'OrderPaid': {
      if (state.status !== 'placed') return illegal;
      if (event.data.currency !== state.currency) {
        return { kind: 'anomaly', reason: AnomalyReasons.CURRENCY_MISMATCH };
      }
      const paidCents = event.data.amountCents;
      return applied(state, event, 'paid', { paidCents }, delta(state.currency, paidCents));
    }
    case 'OrderShipped':
      if (state.status !== 'paid') return illegal;
      return applied(state, event, 'shipped', {}, undefined);
    case 'OrderCancelled':
      if (state.status === 'placed') return applied(state, event, 'cancelled', {}, undefined);
      // The order keeps its paidCents (what was paid); the revenue reversal is the refund.
      if (state.status === 'paid') {
        return applied(state, event, 'cancelled', {}, delta(state.currency, -state.paidCents));
      }
      return illegal;
    default:
      return assertNever(event);
  }
}

function applied(
  state: OrderState,
  event: OrderEvent,
  status: OrderStatus,
  changes: Partial<Pick<OrderState, 'paidCents'>>,
  revenueDelta: RevenueDelta | undefined,
): ReducerResult {
  const next: OrderState = {
    ...state,
    ...changes,
    status,
    appliedEvents: state.appliedEvents + 1,
    updatedAt: event.timestamp,
    eventIds: [...state.eventIds, event.eventId],
  };
  return revenueDelta === undefined
    ? { kind: 'applied', state: next, previousStatus: state.status }
    : { kind: 'applied', state: next, previousStatus: state.status, revenueDelta };
}

function delta(currency: string, cents: number): RevenueDelta | undefined {
  // A zero change carries nothing to commit, and omitting it keeps `-0` out of the totals.
  return cents === 0 ? undefined : { currency, cents };
}

function assertNever(value: never): never {
  throw new StreamfoldError(ErrorCodes.INTERNAL, `unhandled event: ${JSON.stringify(value)}`);
}
