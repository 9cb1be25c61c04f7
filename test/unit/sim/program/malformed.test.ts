import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../src/sim/random.js';
import type { ProgramMalformedClasses } from '../../../../src/sim/program/malformed.js';
import { malformedRecord } from '../../../../src/sim/program/malformed.js';
import { ordersProgram, shipmentsProgram } from './programs.js';

const draft = {
  eventId: 'evt-1',
  type: 'OrderPaid',
  orderId: 'order-1',
  customerId: 'cus-1',
  timestamp: 1,
  data: { amountCents: 500, currency: 'EUR' },
};
const base = { type: 'OrderPaid', eventId: 'evt-1', draft };
const text = JSON.stringify(draft);
const MAX = 1_024;
const full = { 'content-type': 'application/json', 'event-type': 'OrderPaid', 'event-id': 'evt-1' };
const bare = { 'content-type': 'application/json' };

const make = (cls: (typeof ProgramMalformedClasses)[number]) =>
  malformedRecord(cls, ordersProgram, base, 'order-1', createRandom(5), MAX);

describe('malformedRecord', () => {
  it('truncated-json: a proper prefix of the event text, with the event headers', () => {
    const r = make('truncated-json');
    const value = r.value!.toString('utf8');
    expect(text.startsWith(value) && value.length < text.length && value.length > 0).toBe(true);
    expect(() => JSON.parse(value) as unknown).toThrow();
    expect(r).toMatchObject({ key: 'order-1', headers: full });
  });

  it('binary, empty-value and tombstone carry only the content type', () => {
    expect(make('binary').value![0]).toBe(0xff);
    expect(make('empty-value').value).toEqual(Buffer.alloc(0));
    expect(make('tombstone').value).toBeNull();
    for (const cls of ['binary', 'empty-value', 'tombstone'] as const) {
      expect(make(cls).headers).toEqual(bare);
    }
  });

  it('invalid-utf8: the event with one broken sequence in its event id', () => {
    const r = make('invalid-utf8');
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(r.value)).toThrow();
    const lossy = r.value!.toString('utf8');
    expect(JSON.parse(lossy)).toEqual({ ...draft, eventId: 'evt-1\uFFFD(' });
    expect(r.headers).toEqual(full);
  });

  it('too-large: the same event, one byte over the limit', () => {
    const r = make('too-large');
    expect(r.value!.length).toBe(MAX + 1);
    expect(JSON.parse(r.value!.toString('utf8'))).toEqual(draft);
  });

  it('key-mismatch: the event keyed by another of its ids', () => {
    const r = make('key-mismatch');
    expect(r).toEqual({ key: 'cus-1', value: Buffer.from(text), headers: full });
    const shipment = { shipmentId: 'shipment-1', kind: 'PickedUp', meta: { id: 'e', at: 1 } };
    const other = malformedRecord(
      'key-mismatch',
      shipmentsProgram,
      { type: 'PickedUp', eventId: 'e', draft: shipment },
      'shipment-1',
      createRandom(1),
      MAX,
    );
    expect(other.key).toBe('shipment-1-x');
  });
});
