import { encode, type EventFactory, type OrderFacts } from './event-factory.js';
import type { Status } from './lifecycle.js';

/** Well-formed events that break the lifecycle: each must become an anomaly, never a change. */
export const InvalidClasses = [
  'ship-before-pay',
  'pay-unknown-order',
  'place-again',
  'pay-again',
  'pay-wrong-currency',
  'cancel-after-ship',
  'ship-after-cancel',
] as const;
export type InvalidClass = (typeof InvalidClasses)[number];

/** Whether a class is an illegal transition for an order in `status`. */
export function invalidApplies(cls: InvalidClass, status: Status, currencies: number): boolean {
  switch (cls) {
    case 'ship-before-pay':
      return status === 'placed';
    case 'pay-unknown-order':
    case 'place-again':
      return true;
    case 'pay-again':
      return status === 'paid' || status === 'shipped';
    case 'pay-wrong-currency':
      return status === 'placed' && currencies > 1;
    case 'cancel-after-ship':
      return status === 'shipped';
    case 'ship-after-cancel':
      return status === 'cancelled';
  }
}

/** The first class at or after `turn` in the rotation that is illegal for this order now. */
export function chooseInvalid(turn: number, status: Status, currencies: number): InvalidClass {
  for (let i = 0; i < InvalidClasses.length; i++) {
    const cls = InvalidClasses[(turn + i) % InvalidClasses.length]!;
    if (invalidApplies(cls, status, currencies)) return cls;
  }
  return 'pay-unknown-order';
}

export function invalidValue(
  cls: InvalidClass,
  factory: EventFactory,
  facts: OrderFacts,
  ghost: () => OrderFacts,
  currencies: readonly string[],
): Buffer {
  switch (cls) {
    case 'ship-before-pay':
    case 'ship-after-cancel':
      return encode(factory.shipped(facts));
    case 'pay-unknown-order':
      return encode(factory.paid(ghost()));
    case 'place-again':
      return encode(factory.placed({ ...facts, ...pickItems(factory) }));
    case 'pay-again':
      return encode(factory.paid(facts));
    case 'pay-wrong-currency': {
      const others = currencies.filter((c) => c !== facts.currency);
      return encode(factory.paid(facts, factory.random.pick(others)));
    }
    case 'cancel-after-ship':
      return encode(factory.cancelled(facts));
  }
}

function pickItems(factory: EventFactory): Pick<OrderFacts, 'items' | 'totalCents'> {
  const items = [factory.item()];
  return { items, totalCents: items.reduce((s, i) => s + i.priceCents * i.quantity, 0) };
}
