/**
 * The wire contract (docs/architecture.md, The orders contract) as zod schemas. Every object is
 * strict: an unknown field is a producer bug worth dead-lettering, and strictness is also what
 * rejects the `__proto__` own key that `JSON.parse` creates.
 */
import { z } from 'zod';
import type { EventType } from './types.js';

/** Upper bound for ids: keeps Redis keys and headers small and predictable. */
export const MAX_ID_LENGTH = 64;
export const MAX_SHIPPING_FIELD_LENGTH = 64;
export const MAX_REASON_LENGTH = 256;

const id = z.string().min(1).max(MAX_ID_LENGTH);
// Money and time must survive a round trip through a double, and Redis INCRBY wants integers.
const nonNegativeSafeInt = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected 3 upper-case letters');

export const lineItemSchema = z.strictObject({
  productId: id,
  quantity: z.int().min(1).max(Number.MAX_SAFE_INTEGER),
  priceCents: nonNegativeSafeInt,
});

// Keys in wire order: the parsed event is re-serialised (anomalies topic) in this order.
function eventSchema<T extends EventType, D extends z.ZodType>(type: T, data: D) {
  return z.strictObject({
    eventId: id,
    type: z.literal(type),
    orderId: id,
    customerId: id,
    timestamp: nonNegativeSafeInt,
    data,
  });
}

export const orderPlacedSchema = eventSchema(
  'OrderPlaced',
  z.strictObject({
    items: z.array(lineItemSchema).min(1),
    totalCents: nonNegativeSafeInt,
    currency,
  }),
);

export const orderPaidSchema = eventSchema(
  'OrderPaid',
  z.strictObject({ amountCents: nonNegativeSafeInt, currency }),
);

export const orderShippedSchema = eventSchema(
  'OrderShipped',
  z.strictObject({
    carrier: z.string().max(MAX_SHIPPING_FIELD_LENGTH).optional(),
    trackingId: z.string().max(MAX_SHIPPING_FIELD_LENGTH).optional(),
  }),
);

export const orderCancelledSchema = eventSchema(
  'OrderCancelled',
  z.strictObject({ reason: z.string().max(MAX_REASON_LENGTH).optional() }),
);

export const orderEventSchema = z.discriminatedUnion('type', [
  orderPlacedSchema,
  orderPaidSchema,
  orderShippedSchema,
  orderCancelledSchema,
]);
