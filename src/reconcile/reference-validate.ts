/**
 * The wire contract (docs/architecture.md, The orders contract) checked by hand, deliberately
 * sharing no code with src/pipeline: reconciliation is only worth something if the check is
 * independent of the code it checks.
 */

export const RefEventTypes = [
  'OrderPlaced',
  'OrderPaid',
  'OrderShipped',
  'OrderCancelled',
] as const;
export type RefEventType = (typeof RefEventTypes)[number];

interface Envelope {
  eventId: string;
  orderId: string;
  customerId: string;
  timestamp: number;
}

export type RefEvent = Envelope &
  (
    | { type: 'OrderPlaced'; totalCents: number; currency: string }
    | { type: 'OrderPaid'; amountCents: number; currency: string }
    | { type: 'OrderShipped' }
    | { type: 'OrderCancelled' }
  );

export type Validation = { ok: true; event: RefEvent } | { ok: false; reason: string };

const MAX_ID = 64;
/** The worker's bounds on free-text fields (docs: the optional shipping and cancel fields). */
const MAX_SHIPPING_FIELD = 64;
const MAX_REASON = 256;

const ENVELOPE_FIELDS = ['eventId', 'type', 'orderId', 'customerId', 'timestamp', 'data'];
const ITEM_FIELDS = ['productId', 'quantity', 'priceCents'];
const DATA_FIELDS: Record<RefEventType, { required: string[]; optional: string[] }> = {
  OrderPlaced: { required: ['items', 'totalCents', 'currency'], optional: [] },
  OrderPaid: { required: ['amountCents', 'currency'], optional: [] },
  OrderShipped: { required: [], optional: ['carrier', 'trackingId'] },
  OrderCancelled: { required: [], optional: ['reason'] },
};

const utf8 = new TextDecoder('utf-8', { fatal: true });

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID;
}

function isCents(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isCurrency(v: unknown): v is string {
  return typeof v === 'string' && /^[A-Z]{3}$/.test(v);
}

/** The first missing or unknown field of an object, if any. */
function fieldProblem(
  obj: Record<string, unknown>,
  required: string[],
  optional: string[],
  where: string,
): string | undefined {
  for (const name of required) {
    if (!Object.hasOwn(obj, name)) return `${where}: missing field "${name}"`;
  }
  for (const name of Object.keys(obj)) {
    if (!required.includes(name) && !optional.includes(name)) {
      return `${where}: unknown field "${name}"`;
    }
  }
  return undefined;
}

function optionalText(v: unknown, max: number): boolean {
  return v === undefined || (typeof v === 'string' && v.length <= max);
}

/** Decides whether one input record is an event, and if not, why it belongs on the DLT. */
export function validateRecord(
  key: Buffer | null,
  value: Buffer | null,
  maxValueBytes: number,
): Validation {
  const fail = (reason: string): Validation => ({ ok: false, reason });
  if (value === null || value.length === 0) return fail('empty-value');
  if (value.length > maxValueBytes) return fail(`too-large: ${value.length} bytes`);
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return fail('invalid-utf8');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return fail('not-json');
  }
  if (!isObject(doc)) return fail('not-json: not an object');

  const envelope = fieldProblem(doc, ENVELOPE_FIELDS, [], 'event');
  if (envelope) return fail(`schema: ${envelope}`);
  const { eventId, type, orderId, customerId, timestamp, data } = doc;
  if (!isId(eventId)) return fail('schema: eventId');
  if (!isId(orderId)) return fail('schema: orderId');
  if (!isId(customerId)) return fail('schema: customerId');
  if (!isCents(timestamp)) return fail('schema: timestamp');
  if (typeof type !== 'string' || !(RefEventTypes as readonly string[]).includes(type)) {
    return fail('schema: type');
  }
  const eventType = type as RefEventType;
  if (!isObject(data)) return fail('schema: data is not an object');
  const { required, optional } = DATA_FIELDS[eventType];
  const dataProblem = fieldProblem(data, required, optional, 'data');
  if (dataProblem) return fail(`schema: ${dataProblem}`);

  const envelopeFields: Envelope = { eventId, orderId, customerId, timestamp };
  let event: RefEvent;
  switch (eventType) {
    case 'OrderPlaced': {
      const { items, totalCents, currency } = data;
      if (!Array.isArray(items) || items.length === 0) return fail('schema: data.items');
      for (const item of items as unknown[]) {
        if (!isObject(item)) return fail('schema: data.items[] is not an object');
        const itemProblem = fieldProblem(item, ITEM_FIELDS, [], 'data.items[]');
        if (itemProblem) return fail(`schema: ${itemProblem}`);
        if (!isId(item.productId)) return fail('schema: data.items[].productId');
        const q = item.quantity;
        if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 1) {
          return fail('schema: data.items[].quantity');
        }
        if (!isCents(item.priceCents)) return fail('schema: data.items[].priceCents');
      }
      if (!isCents(totalCents)) return fail('schema: data.totalCents');
      if (!isCurrency(currency)) return fail('schema: data.currency');
      event = { ...envelopeFields, type: eventType, totalCents, currency };
      break;
    }
    case 'OrderPaid': {
      const { amountCents, currency } = data;
      if (!isCents(amountCents)) return fail('schema: data.amountCents');
      if (!isCurrency(currency)) return fail('schema: data.currency');
      event = { ...envelopeFields, type: eventType, amountCents, currency };
      break;
    }
    case 'OrderShipped':
      if (!optionalText(data.carrier, MAX_SHIPPING_FIELD)) return fail('schema: data.carrier');
      if (!optionalText(data.trackingId, MAX_SHIPPING_FIELD)) {
        return fail('schema: data.trackingId');
      }
      event = { ...envelopeFields, type: eventType };
      break;
    case 'OrderCancelled':
      if (!optionalText(data.reason, MAX_REASON)) return fail('schema: data.reason');
      event = { ...envelopeFields, type: eventType };
      break;
  }
  // The key picks the partition, and so the shard the order's state lives in.
  if (key !== null && !key.equals(Buffer.from(orderId, 'utf8'))) return fail('key-mismatch');
  return { ok: true, event };
}
