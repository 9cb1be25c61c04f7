import { describe, expect, it } from 'vitest';
import { createRandom } from '../../../../src/sim/random.js';
import { SchemaInvalidClasses, invalidDraft } from '../../../../src/sim/program/invalid.js';
import { branchFor } from '../../../../src/sim/program/json-schema.js';
import { validator } from './ajv.js';
import { ordersSchema } from './programs.js';

const root = ordersSchema as never;
const paid = {
  eventId: 'evt-1',
  type: 'OrderPaid',
  orderId: 'order-1',
  customerId: 'cus-1',
  timestamp: 1,
  data: { amountCents: 500, currency: 'EUR', method: 'card' },
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const jsonType = (v: unknown): string =>
  Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v;
const valueAt = (v: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], v);

/** The dotted paths whose values differ between two JSON objects, or that one of them lacks. */
function changed(a: Record<string, unknown>, b: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const [x, y] = [a[k], b[k]];
    if (isRecord(x) && isRecord(y)) {
      out.push(...changed(x, y, `${prefix}${k}.`));
    } else if (x !== y) out.push(`${prefix}${k}`);
  }
  return out;
}

describe('invalidDraft', () => {
  const valid = validator(ordersSchema);
  const branch = branchFor(root, ['type'], 'OrderPaid')!;

  it.each(SchemaInvalidClasses)('%s: breaks one field, and the schema refuses it', (cls) => {
    expect(valid(paid)).toBe(true);
    const rng = createRandom(3);
    for (let i = 0; i < 50; i++) {
      const draft = invalidDraft(cls, root, branch, structuredClone(paid), rng)!;
      expect(valid(draft)).toBe(false);
      const diff = changed(paid, draft);
      expect(diff).toHaveLength(1);
      const [path] = diff;
      const value = valueAt(draft, path!);
      if (cls === 'missing-required') expect(value).toBeUndefined();
      if (cls === 'wrong-type') expect(jsonType(value)).not.toBe(jsonType(valueAt(paid, path!)));
      if (cls === 'outside-enum') expect(['type', 'data.currency', 'data.method']).toContain(path);
    }
  });

  it('gives nothing when the class has no place in the event', () => {
    const flat = {
      type: 'object',
      properties: { type: { type: 'string' }, n: { type: 'integer' } },
    };
    expect(
      invalidDraft('outside-enum', flat, flat, { type: 'A', n: 1 }, createRandom(1)),
    ).toBeUndefined();
    expect(
      invalidDraft('missing-required', flat, flat, { type: 'A', n: 1 }, createRandom(1)),
    ).toBeUndefined();
  });
});
