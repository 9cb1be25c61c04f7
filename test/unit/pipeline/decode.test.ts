import { describe, expect, it } from 'vitest';
import {
  DecodeErrorClasses,
  decodeRecord,
  type Decoded,
  type SourceRecord,
} from '../../../src/pipeline/index.js';
import { cancelled, eventRecord, MAX_BYTES, paid, placed, rawRecord, shipped } from './fixtures.js';

function failureOf(decoded: Decoded): { errorClass: string; message: string } {
  if (decoded.ok) throw new Error(`expected a failure, got ${JSON.stringify(decoded.event)}`);
  return decoded.failure;
}

function decode(record: SourceRecord, max = MAX_BYTES): Decoded {
  return decodeRecord(record, max);
}

type Wire = Record<string, unknown> & { data: Record<string, unknown> };

/** A valid Paid event as a mutable wire object, for breaking one field at a time. */
function wirePaid(): Wire {
  return JSON.parse(JSON.stringify(paid({ eventId: 'e-1', orderId: 'o-1' }))) as Wire;
}

function schemaFailure(value: unknown): string {
  const failure = failureOf(decode(rawRecord(JSON.stringify(value), { key: 'o-1' })));
  expect(failure.errorClass).toBe(DecodeErrorClasses.SCHEMA);
  return failure.message;
}

describe('decodeRecord: valid events', () => {
  it.each([
    ['OrderPlaced', placed({ eventId: 'e-1', orderId: 'o-1' })],
    ['OrderPaid', paid({ eventId: 'e-2', orderId: 'o-1' })],
    ['OrderShipped', shipped({ eventId: 'e-3', orderId: 'o-1', carrier: 'ups', trackingId: 't' })],
    ['OrderShipped without optional fields', shipped({ eventId: 'e-4', orderId: 'o-1' })],
    ['OrderCancelled', cancelled({ eventId: 'e-5', orderId: 'o-1', reason: 'changed mind' })],
    ['OrderCancelled without reason', cancelled({ eventId: 'e-6', orderId: 'o-1' })],
  ])('%s', (_name, event) => {
    const record = eventRecord(event);
    expect(decode(record)).toEqual({ ok: true, record, event });
  });

  it('accepts a record without a key', () => {
    const event = paid({ eventId: 'e-1', orderId: 'o-1' });
    expect(decode(eventRecord(event, { key: null })).ok).toBe(true);
  });

  it('accepts ids of exactly 64 chars, zero cents and zero timestamp', () => {
    const id = 'x'.repeat(64);
    const event = placed({ eventId: id, orderId: id, customerId: id, timestamp: 0, totalCents: 0 });
    expect(decode(eventRecord(event)).ok).toBe(true);
  });

  it('accepts a value of exactly the size limit', () => {
    const record = eventRecord(paid({ eventId: 'e-1', orderId: 'o-1' }));
    expect(decode(record, record.value?.length ?? 0).ok).toBe(true);
  });

  it('does not require totalCents to equal the sum of the items', () => {
    const event = placed({ eventId: 'e-1', orderId: 'o-1', totalCents: 1 });
    event.data.items = [{ productId: 'p', quantity: 3, priceCents: 500 }];
    expect(decode(eventRecord(event)).ok).toBe(true);
  });
});

describe('decodeRecord: failure classes', () => {
  it('empty-value for a null value (tombstone)', () => {
    expect(failureOf(decode(rawRecord(null, { key: 'o-1' }))).errorClass).toBe('empty-value');
  });

  it('empty-value for a zero-length value', () => {
    expect(failureOf(decode(rawRecord('', { key: 'o-1' }))).errorClass).toBe('empty-value');
  });

  it('too-large for a value over the limit, before any parsing', () => {
    const record = eventRecord(paid({ eventId: 'e-1', orderId: 'o-1' }));
    const size = record.value?.length ?? 0;
    const failure = failureOf(decode(record, size - 1));
    expect(failure.errorClass).toBe('too-large');
    expect(failure.message).toContain(String(size));
    // Garbage over the limit is too-large too: the size check protects the parser.
    expect(failureOf(decode(rawRecord(Buffer.alloc(11, 0xff)), 10)).errorClass).toBe('too-large');
  });

  it('invalid-utf8 for malformed bytes', () => {
    const failure = failureOf(decode(rawRecord(Buffer.from([0xff, 0xfe]))));
    expect(failure.errorClass).toBe('invalid-utf8');
  });

  it('invalid-utf8 for a JSON value with a malformed byte inside a string', () => {
    const bytes = Buffer.concat([
      Buffer.from('{"a":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    expect(failureOf(decode(rawRecord(bytes))).errorClass).toBe('invalid-utf8');
  });

  it.each([
    ['truncated JSON', '{"eventId":"e-1","type":"OrderPaid"'],
    ['binary that is valid UTF-8', Buffer.from([0x00, 0x01, 0x02, 0x7f])],
    ['plain text', 'hello'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"OrderPaid"'],
    ['a JSON number', '42'],
    ['JSON null', 'null'],
  ])('not-json for %s', (_name, value) => {
    expect(failureOf(decode(rawRecord(value))).errorClass).toBe('not-json');
  });

  it('schema for float cents', () => {
    const v = wirePaid();
    v.data.amountCents = 99.5;
    expect(schemaFailure(v)).toContain('data.amountCents');
  });

  it('schema for negative cents', () => {
    const v = wirePaid();
    v.data.amountCents = -1;
    expect(schemaFailure(v)).toContain('data.amountCents');
  });

  it('schema for cents over MAX_SAFE_INTEGER', () => {
    const v = wirePaid();
    v.data.amountCents = Number.MAX_SAFE_INTEGER + 2;
    expect(schemaFailure(v)).toContain('data.amountCents');
    // A literal too big for a double is parsed lossily by JSON.parse; it must still fail.
    const text = JSON.stringify(wirePaid()).replace('9998', '123456789012345678901234567890');
    const failure = failureOf(decode(rawRecord(text, { key: 'o-1' })));
    expect(failure.errorClass).toBe('schema');
  });

  it('schema for cents as a string', () => {
    const v = wirePaid();
    v.data.amountCents = '9998';
    expect(schemaFailure(v)).toContain('data.amountCents');
  });

  it('schema for an unknown type', () => {
    const v = wirePaid();
    v.type = 'OrderRefunded';
    expect(schemaFailure(v)).toContain('type');
  });

  it('schema for a missing envelope field', () => {
    const v = wirePaid();
    delete v.customerId;
    expect(schemaFailure(v)).toContain('customerId');
  });

  it('schema for a missing data field', () => {
    const v = wirePaid();
    delete v.data.currency;
    expect(schemaFailure(v)).toContain('data.currency');
  });

  it('schema for an extra envelope field', () => {
    const v = wirePaid();
    v.extra = 1;
    expect(schemaFailure(v)).toContain('extra');
  });

  it('schema for an extra data field', () => {
    const v = wirePaid();
    v.data.note = 'x';
    expect(schemaFailure(v)).toContain('note');
  });

  it('schema for an extra line item field', () => {
    const event = placed({ eventId: 'e-1', orderId: 'o-1' });
    const v = JSON.parse(JSON.stringify(event)) as { data: { items: Record<string, unknown>[] } };
    const item = v.data.items[0];
    if (item === undefined) throw new Error('fixture has an item');
    item.sku = 'abc';
    expect(schemaFailure(v)).toContain('data.items.0');
  });

  it('schema for an empty items array and a zero quantity', () => {
    const v = JSON.parse(JSON.stringify(placed({ eventId: 'e-1', orderId: 'o-1' }))) as {
      data: { items: unknown[] };
    };
    v.data.items = [];
    expect(schemaFailure(v)).toContain('data.items');
    v.data.items = [{ productId: 'p', quantity: 0, priceCents: 1 }];
    expect(schemaFailure(v)).toContain('data.items.0.quantity');
  });

  it('schema for an id of 65 chars and an empty id', () => {
    const v = wirePaid();
    v.eventId = 'x'.repeat(65);
    expect(schemaFailure(v)).toContain('eventId');
    v.eventId = '';
    expect(schemaFailure(v)).toContain('eventId');
  });

  it("schema for currency 'usd'", () => {
    const v = wirePaid();
    v.data.currency = 'usd';
    expect(schemaFailure(v)).toContain('data.currency');
  });

  it('schema for a float or negative timestamp', () => {
    const v = wirePaid();
    v.timestamp = 1.5;
    expect(schemaFailure(v)).toContain('timestamp');
    v.timestamp = -1;
    expect(schemaFailure(v)).toContain('timestamp');
  });

  it('schema for a shipping field over 64 chars and a reason over 256', () => {
    const s = JSON.parse(JSON.stringify(shipped({ eventId: 'e', orderId: 'o-1' }))) as {
      data: Record<string, unknown>;
    };
    s.data.carrier = 'c'.repeat(65);
    expect(schemaFailure(s)).toContain('data.carrier');
    const c = JSON.parse(JSON.stringify(cancelled({ eventId: 'e', orderId: 'o-1' }))) as {
      data: Record<string, unknown>;
    };
    c.data.reason = 'r'.repeat(257);
    expect(schemaFailure(c)).toContain('data.reason');
  });

  it('key-mismatch when the record key is not the orderId', () => {
    const event = paid({ eventId: 'e-1', orderId: 'o-1' });
    const failure = failureOf(decode(eventRecord(event, { key: 'o-2' })));
    expect(failure.errorClass).toBe('key-mismatch');
    expect(failure.message).toContain('"o-2"');
    expect(failure.message).toContain('"o-1"');
  });

  it('key-mismatch for an empty key (present, but not the orderId)', () => {
    const event = paid({ eventId: 'e-1', orderId: 'o-1' });
    expect(failureOf(decode(eventRecord(event, { key: '' }))).errorClass).toBe('key-mismatch');
  });

  it('lists several issues as path: message, capped at 1,000 chars', () => {
    const message = schemaFailure({ ...wirePaid(), eventId: 1, orderId: 2, customerId: 3 });
    expect(message).toMatch(/eventId: .+; orderId: .+; customerId: /);

    const many: Record<string, unknown> = wirePaid();
    for (let i = 0; i < 200; i += 1) many[`extra_field_with_a_long_name_${i}`] = i;
    const capped = schemaFailure(many);
    expect(capped.length).toBeLessThanOrEqual(1000);
    expect(capped.length).toBeGreaterThan(100);
  });

  it('exports every class it uses', () => {
    expect(Object.values(DecodeErrorClasses).sort()).toEqual(
      ['empty-value', 'invalid-utf8', 'key-mismatch', 'not-json', 'schema', 'too-large'].sort(),
    );
  });
});

describe('decodeRecord: prototype pollution', () => {
  const valid = JSON.stringify(paid({ eventId: 'e-1', orderId: 'o-1' }));
  const withKey = (where: 'envelope' | 'data', key: string): string => {
    const inject = `"${key}":{"x":1,"polluted":true},`;
    return where === 'envelope'
      ? valid.replace('{', `{${inject}`)
      : valid.replace('"data":{', `"data":{${inject}`);
  };

  it.each([
    ['envelope', '__proto__'],
    ['envelope', 'constructor'],
    ['envelope', 'prototype'],
    ['data', '__proto__'],
    ['data', 'constructor'],
  ] as const)('rejects a %s %s key as an extra field', (where, key) => {
    const text = withKey(where, key);
    // JSON.parse makes `__proto__` an own property, so the strict schema has to see it.
    const parsed = JSON.parse(text) as { data: object };
    expect(Object.keys(where === 'envelope' ? parsed : parsed.data)).toContain(key);
    const failure = failureOf(decode(rawRecord(text, { key: 'o-1' })));
    expect(failure.errorClass).toBe('schema');
    expect(failure.message).toContain(key);
  });

  it('pollutes nothing', () => {
    for (const text of [withKey('envelope', '__proto__'), withKey('data', '__proto__')]) {
      decode(rawRecord(text, { key: 'o-1' }));
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('never returns an event with a non-plain prototype', () => {
    const decoded = decode(rawRecord(valid, { key: 'o-1' }));
    if (!decoded.ok) throw new Error(decoded.failure.message);
    expect(Object.getPrototypeOf(decoded.event)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(decoded.event.data)).toBe(Object.prototype);
  });
});

describe('decodeRecord against prototype pollution', () => {
  const text = JSON.stringify(paid({ eventId: 'e-1', orderId: 'o-1' }));
  const cases = {
    'a top-level __proto__': text.replace('{', '{"__proto__":{"polluted":"yes"},'),
    'a nested __proto__': text.replace('"data":{', '"data":{"__proto__":{"polluted":"yes"},'),
    'constructor.prototype': text.replace(
      '"data":{',
      '"data":{"constructor":{"prototype":{"polluted":"yes"}},',
    ),
  };

  for (const [name, value] of Object.entries(cases)) {
    it(`dead-letters ${name} as a schema error and pollutes nothing`, () => {
      const failure = failureOf(decode(rawRecord(value, { key: 'o-1' })));
      expect(failure.errorClass).toBe(DecodeErrorClasses.SCHEMA);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  }
});
