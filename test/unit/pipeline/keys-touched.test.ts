import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  keysTouched,
  type Decoded,
  type OrderEvent,
} from '../../../src/pipeline/index.js';
import { cancelled, eventRecord, MAX_BYTES, paid, placed, rawRecord } from './fixtures.js';

/** What the worker passes: the events of the records that decoded. */
const eventsOf = (decoded: readonly Decoded[]): OrderEvent[] =>
  decoded.flatMap((d) => (d.ok ? [d.event] : []));

describe('keysTouched', () => {
  it('lists distinct orderIds of decodable events in first-seen order', () => {
    const decoded = [
      eventRecord(placed({ eventId: 'e-1', orderId: 'o-2' })),
      rawRecord('nope', { key: 'o-9' }),
      eventRecord(placed({ eventId: 'e-2', orderId: 'o-1' })),
      eventRecord(paid({ eventId: 'e-3', orderId: 'o-2' })),
      eventRecord(cancelled({ eventId: 'e-4', orderId: 'o-3' })),
      eventRecord(paid({ eventId: 'e-5', orderId: 'o-1' })),
    ].map((r, offset) => decodeRecord({ ...r, offset }, MAX_BYTES));
    expect(keysTouched(eventsOf(decoded))).toEqual(['o-2', 'o-1', 'o-3']);
  });

  it('is empty when nothing decodes', () => {
    expect(keysTouched(eventsOf([decodeRecord(rawRecord(null), MAX_BYTES)]))).toEqual([]);
  });
});
