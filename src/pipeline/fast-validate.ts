/**
 * The hot path's shortcut past the zod schemas: recognises a well-formed event written in wire
 * order with plain loops. It only ever says "certainly valid"; anything else (including valid
 * events with keys in another order) goes to the schema, which decides and explains. A
 * property test holds it to that: whatever it accepts, the schema accepts and returns equal,
 * key order included.
 */
import { MAX_ID_LENGTH, MAX_REASON_LENGTH, MAX_SHIPPING_FIELD_LENGTH } from './event-schema.js';
import type { OrderEvent } from './types.js';

const ENVELOPE = ['eventId', 'type', 'orderId', 'customerId', 'timestamp', 'data'];
const ITEM = ['productId', 'quantity', 'priceCents'];
const PLACED = ['items', 'totalCents', 'currency'];
const PAID = ['amountCents', 'currency'];

type Json = Record<string, unknown>;

const isId = (v: unknown): boolean =>
  typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID_LENGTH;
const isCents = (v: unknown): boolean => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isCurrency = (v: unknown): boolean => typeof v === 'string' && /^[A-Z]{3}$/.test(v);
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalText = (v: unknown, max: number): boolean =>
  v === undefined || (typeof v === 'string' && v.length <= max);

/** Exactly these keys, in this order. */
function keysAre(value: Json, expected: readonly string[]): boolean {
  const keys = Object.keys(value);
  if (keys.length !== expected.length) return false;
  for (let i = 0; i < keys.length; i += 1) if (keys[i] !== expected[i]) return false;
  return true;
}

/** A subsequence of `allowed`, in its order: optional keys may be left out. */
function keysWithin(value: Json, allowed: readonly string[]): boolean {
  let at = 0;
  for (const key of Object.keys(value)) {
    while (at < allowed.length && allowed[at] !== key) at += 1;
    if (at === allowed.length) return false;
    at += 1;
  }
  return true;
}

function isItem(v: unknown): boolean {
  return (
    isObject(v) &&
    keysAre(v, ITEM) &&
    isId(v.productId) &&
    typeof v.quantity === 'number' &&
    Number.isSafeInteger(v.quantity) &&
    v.quantity >= 1 &&
    isCents(v.priceCents)
  );
}

function dataFits(type: unknown, data: Json): boolean {
  switch (type) {
    case 'OrderPlaced':
      return (
        keysAre(data, PLACED) &&
        Array.isArray(data.items) &&
        data.items.length >= 1 &&
        data.items.every(isItem) &&
        isCents(data.totalCents) &&
        isCurrency(data.currency)
      );
    case 'OrderPaid':
      return keysAre(data, PAID) && isCents(data.amountCents) && isCurrency(data.currency);
    case 'OrderShipped':
      return (
        keysWithin(data, ['carrier', 'trackingId']) &&
        optionalText(data.carrier, MAX_SHIPPING_FIELD_LENGTH) &&
        optionalText(data.trackingId, MAX_SHIPPING_FIELD_LENGTH)
      );
    case 'OrderCancelled':
      return keysWithin(data, ['reason']) && optionalText(data.reason, MAX_REASON_LENGTH);
    default:
      return false;
  }
}

/** True only when `value` is certainly a valid event exactly as the schema would return it. */
export function isWellFormedEvent(value: Json): value is Json & OrderEvent {
  return (
    keysAre(value, ENVELOPE) &&
    isId(value.eventId) &&
    isId(value.orderId) &&
    isId(value.customerId) &&
    isCents(value.timestamp) &&
    isObject(value.data) &&
    dataFits(value.type, value.data)
  );
}
