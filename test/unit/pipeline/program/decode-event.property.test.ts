/**
 * The generic decoder with the orders JSON Schema (topologies/schemas/order-event.schema.json)
 * decides every record as the built-in order decoder does: valid events are read identically,
 * and a record refused by one is refused by the other with the same error class.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRecord, type SourceRecord } from '../../../../src/pipeline/index.js';
import { createEventDecoder } from '../../../../src/pipeline/program/decode-event.js';
import { buildStream, streamArb } from '../order-stream.js';
import { MAX_BYTES, rawRecord } from '../fixtures.js';
import { ordersProgram } from './orders-program.js';

const schema = JSON.parse(
  readFileSync(
    new URL('../../../../topologies/schemas/order-event.schema.json', import.meta.url),
    'utf8',
  ),
) as object;
const check = new Ajv2020({ allErrors: false }).compile(schema);

const decode = createEventDecoder({
  paths: ordersProgram.paths,
  maxValueBytes: MAX_BYTES,
  validate: (value) =>
    check(value) ? { ok: true } : { ok: false, message: JSON.stringify(check.errors?.[0]) },
});

type Json = Record<string, unknown>;

/** Ways a producer gets an event wrong, each applied to a valid event's JSON. */
const MUTATIONS: ((e: Json) => Json | string)[] = [
  (e) => ({ ...e, extra: 1 }),
  (e) => ({ ...e, data: { ...(e.data as Json), extra: 1 } }),
  (e) => Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'customerId')),
  (e) => ({ ...e, type: 'OrderRefunded' }),
  (e) => ({ ...e, timestamp: -1 }),
  (e) => ({ ...e, timestamp: 1.5 }),
  (e) => ({ ...e, eventId: 'x'.repeat(65) }),
  (e) => ({ ...e, orderId: '' }),
  (e) => ({ ...e, data: { ...(e.data as Json), currency: 'usd' } }),
  (e) => ({ ...e, data: { ...(e.data as Json), amountCents: -5, totalCents: -5 } }),
  (e) => ({ ...e, data: { ...(e.data as Json), amountCents: 2.5, totalCents: 2.5 } }),
  (e) => ({ ...e, data: { ...(e.data as Json), items: [] } }),
  (e) => ({ ...e, data: 'nothing' }),
  (e) => JSON.stringify(e).replace('{', '{"__proto__":{"polluted":"yes"},'),
  (e) => JSON.stringify(e).slice(0, -3),
  (e) => `[${JSON.stringify(e)}]`,
  (e) => ({
    ...e,
    data: { ...(e.data as Json), carrier: 'c'.repeat(65), reason: 'r'.repeat(257) },
  }),
];

const recordsArb = fc
  .tuple(
    streamArb,
    fc.array(fc.record({ at: fc.nat(), mutation: fc.nat({ max: MUTATIONS.length - 1 }) }), {
      maxLength: 12,
    }),
    fc.array(fc.nat(), { maxLength: 3 }),
  )
  .map(([input, mutations, rekeyed]) => {
    const { records } = buildStream(input);
    const out: SourceRecord[] = [...records];
    for (const { at, mutation } of mutations) {
      const base = out[at % out.length];
      if (base?.value == null) continue;
      let json: Json;
      try {
        json = JSON.parse(base.value.toString()) as Json;
      } catch {
        continue;
      }
      const mutated = (MUTATIONS[mutation] as (e: Json) => Json | string)(json);
      const text = typeof mutated === 'string' ? mutated : JSON.stringify(mutated);
      out.push({ ...base, value: Buffer.from(text) });
    }
    for (const at of rekeyed) {
      const base = out[at % out.length];
      if (base !== undefined) out.push({ ...base, key: Buffer.from('someone-else') });
    }
    out.push(rawRecord(null), rawRecord(''), rawRecord(Buffer.from([0xff, 0xfe])), rawRecord('7'));
    return out;
  });

describe('the generic decoder with the orders schema', () => {
  it('accepts and refuses exactly what the built-in decoder does', () => {
    fc.assert(
      fc.property(recordsArb, (records) => {
        for (const record of records) {
          const legacy = decodeRecord(record, MAX_BYTES);
          const generic = decode(record);
          expect({ ok: generic.ok, record: record.value?.toString() }).toEqual({
            ok: legacy.ok,
            record: record.value?.toString(),
          });
          if (legacy.ok && generic.ok) {
            expect(generic.event.value).toEqual(legacy.event);
            expect(generic.event.key).toBe(legacy.event.orderId);
            expect(generic.event.type).toBe(legacy.event.type);
            expect(generic.event.time).toBe(legacy.event.timestamp);
          } else if (!legacy.ok && !generic.ok) {
            expect(generic.failure.errorClass).toBe(legacy.failure.errorClass);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('never lets a __proto__ key reach the prototype', () => {
    const text =
      '{"__proto__":{"polluted":"yes"},"eventId":"e","type":"OrderShipped","orderId":"o","customerId":"c","timestamp":1,"data":{}}';
    const decoded = decode(rawRecord(text, { key: 'o' }));
    expect(decoded.ok).toBe(false);
    expect(({} as { polluted?: string }).polluted).toBeUndefined();
  });
});
