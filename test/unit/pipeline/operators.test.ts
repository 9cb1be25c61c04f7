import { from, lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { decodeBatch, decodeRecord, decodeRecords } from '../../../src/pipeline/index.js';
import { eventRecord, MAX_BYTES, paid, placed, rawRecord } from './fixtures.js';

const records = [
  eventRecord(placed({ eventId: 'e-1', orderId: 'o-1' }), { offset: 0 }),
  rawRecord(Buffer.from([0xff]), { offset: 1 }),
  eventRecord(paid({ eventId: 'e-2', orderId: 'o-1' }), { offset: 2 }),
];

describe('decodeRecords', () => {
  it('maps each record through decodeRecord, in order', async () => {
    const out = await lastValueFrom(from(records).pipe(decodeRecords(MAX_BYTES), toArray()));
    expect(out).toEqual(records.map((r) => decodeRecord(r, MAX_BYTES)));
  });

  it('passes the size limit through', async () => {
    const [first] = await decodeBatch(records.slice(0, 1), 10);
    expect(first?.ok === false && first.failure.errorClass).toBe('too-large');
  });
});

describe('decodeBatch', () => {
  it('decodes a finite batch', async () => {
    const out = await decodeBatch(records, MAX_BYTES);
    expect(out.map((d) => [d.record.offset, d.ok])).toEqual([
      [0, true],
      [1, false],
      [2, true],
    ]);
  });

  it('resolves an empty batch to []', async () => {
    await expect(decodeBatch([], MAX_BYTES)).resolves.toEqual([]);
  });
});
