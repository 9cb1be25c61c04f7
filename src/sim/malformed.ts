import { encode, type EventFactory, type OrderFacts } from './event-factory.js';
import type { WireEvent } from './types.js';

/** Every way a value must end on the dead-letter topic; the generator rotates through them. */
export const MalformedClasses = [
  'truncated-json',
  'binary',
  'empty-value',
  'tombstone',
  'invalid-utf8',
  'unknown-type',
  'missing-field',
  'extra-field',
  'negative-cents',
  'float-cents',
  'long-id',
  'lowercase-currency',
  'too-large',
] as const;
export type MalformedClass = (typeof MalformedClasses)[number];

const LONG_ID_LENGTH = 65;

/**
 * A dead-letter value for one order, built from a well-formed OrderPlaced so that each record
 * breaks exactly one rule. `round` (how many times the rotation has come back to this class)
 * varies which field or level the rule is broken at.
 */
export function malformedValue(
  cls: MalformedClass,
  factory: EventFactory,
  facts: OrderFacts,
  round: number,
  maxValueBytes: number,
): Buffer | null {
  const rng = factory.random;
  const base = factory.placed(facts);
  const data = base.data as { items: Record<string, unknown>[]; totalCents: number };
  const firstItem = (): Record<string, unknown> => {
    const item = { ...data.items[0] };
    data.items = [item, ...data.items.slice(1)];
    return item;
  };
  switch (cls) {
    case 'truncated-json': {
      const text = JSON.stringify(base);
      // Any proper prefix of an object's text is missing at least its closing brace.
      return Buffer.from(text.slice(0, rng.int(1, text.length - 1)), 'utf8');
    }
    case 'binary':
      // 0xff never occurs in UTF-8.
      return Buffer.from([0xff, ...Array.from({ length: rng.int(8, 48) }, () => rng.int(0, 255))]);
    case 'empty-value':
      return Buffer.alloc(0);
    case 'tombstone':
      return null;
    case 'invalid-utf8': {
      const mark = '\u0001MARK\u0001';
      const [before = '', after = ''] = JSON.stringify({ ...base, customerId: mark }).split(
        JSON.stringify(mark).slice(1, -1),
      );
      // 0xc3 opens a two-byte sequence; '(' is not a continuation byte.
      return Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28]), Buffer.from(after)]);
    }
    case 'unknown-type':
      return encode({ ...base, type: 'OrderRefunded' });
    case 'missing-field': {
      const field = (['customerId', 'timestamp', 'eventId', 'data'] as const)[round % 4]!;
      const copy: Partial<WireEvent> = { ...base };
      delete copy[field];
      return Buffer.from(JSON.stringify(copy), 'utf8');
    }
    case 'extra-field': {
      const level = round % 3;
      if (level === 0) return encode({ ...base, channel: 'web' } as WireEvent);
      if (level === 1) base.data.coupon = 'SPRING10';
      else firstItem().giftWrap = true;
      return encode(base);
    }
    case 'negative-cents':
      if (round % 2 === 0) firstItem().priceCents = -rng.int(1, 9_999);
      else data.totalCents = -data.totalCents - 1;
      return encode(base);
    case 'float-cents':
      data.totalCents += 0.5;
      return encode(base);
    case 'long-id':
      return encode({
        ...base,
        ...(round % 2 === 0
          ? { eventId: `evt-${'x'.repeat(LONG_ID_LENGTH)}` }
          : { customerId: `cus-${'y'.repeat(LONG_ID_LENGTH)}` }),
      });
    case 'lowercase-currency':
      return encode({ ...base, data: { ...base.data, currency: facts.currency.toLowerCase() } });
    case 'too-large':
      return oversized(factory, base, maxValueBytes);
  }
}

/** A well-formed OrderPlaced whose only fault is its size: a very long basket. */
function oversized(factory: EventFactory, base: WireEvent, maxValueBytes: number): Buffer {
  const data = base.data as { items: unknown[]; totalCents: number };
  const items = [...data.items] as { priceCents: number; quantity: number }[];
  let total = data.totalCents;
  let size = encode(base).length;
  while (size <= maxValueBytes) {
    const item = factory.item();
    items.push(item);
    total += item.priceCents * item.quantity;
    size += JSON.stringify(item).length + 1;
  }
  return encode({ ...base, data: { ...base.data, items, totalCents: total } });
}
