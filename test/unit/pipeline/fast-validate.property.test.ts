import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderEventSchema } from '../../../src/pipeline/event-schema.js';
import { isWellFormedEvent } from '../../../src/pipeline/fast-validate.js';
import { generate } from '../../../src/sim/index.js';

type Json = Record<string, unknown>;

/** Valid events exactly as the simulator writes them (wire order), all four types. */
const wireEvents: Json[] = [...generate({ orders: 60, seed: 3, duplicates: 0 })].map(
  (r) => JSON.parse(r.value!.toString('utf8')) as Json,
);

/** Values that break or bend one field: wrong types, bounds, extra keys, `__proto__`. */
const oddValue = fc.oneof(
  fc.integer({ min: -2, max: 2 }),
  fc.constantFrom(null, undefined, true, '', 'x'.repeat(65), 'x'.repeat(257), 'usd', 'US'),
  fc.constantFrom(-1, 0, 1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, 'USD', 'OrderPaid'),
  fc.constantFrom([], [{}], {}, { productId: 'p', quantity: 0, priceCents: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Where a mutation can land: the envelope, `data`, and the first line item's fields. */
const fieldsOf = (event: Json): { parent: Json; key: string }[] => {
  const data = event.data as Json;
  const fields = [event, data].flatMap((parent) =>
    Object.keys(parent).map((key) => ({ parent, key })),
  );
  const item = (data.items as Json[] | undefined)?.[0];
  if (item) fields.push(...Object.keys(item).map((key) => ({ parent: item, key })));
  return fields;
};

/** A wire event with one field replaced, removed, moved to the end, or a key added. */
const mutated = fc
  .tuple(
    fc.constantFrom(...wireEvents),
    fc.nat(),
    fc.constantFrom('set', 'delete', 'move', 'add', 'proto'),
    oddValue,
  )
  .map(([event, pick, how, value]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Json;
    const fields = fieldsOf(copy);
    const { parent, key } = fields[pick % fields.length]!;
    if (how === 'set') parent[key] = value;
    else if (how === 'delete') delete parent[key];
    else if (how === 'move') {
      const v = parent[key];
      delete parent[key];
      parent[key] = v;
    } else if (how === 'add') parent.extra = value;
    else return JSON.parse(JSON.stringify(copy).replace('{', '{"__proto__":{},')) as Json;
    return copy;
  });

describe('isWellFormedEvent', () => {
  it('accepts every simulated event as written: the fast path is the common path', () => {
    expect(wireEvents.length).toBeGreaterThan(100);
    expect(new Set(wireEvents.map((e) => e.type)).size).toBe(4);
    for (const event of wireEvents) expect(isWellFormedEvent(event)).toBe(true);
  });

  it('accepts nothing the schema rejects, and returns what the schema returns, key order included', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.constantFrom(...wireEvents)), (event) => {
        if (!isWellFormedEvent(event)) return;
        const result = orderEventSchema.safeParse(event);
        expect(result.success).toBe(true);
        expect(JSON.stringify(result.data)).toBe(JSON.stringify(event));
      }),
      { numRuns: 20_000 },
    );
  });

  it('leaves to the schema the valid events written in another key order', () => {
    const paid = wireEvents.find((e) => e.type === 'OrderPaid')!;
    const reordered = { type: paid.type, ...paid };
    expect(orderEventSchema.safeParse(reordered).success).toBe(true);
    expect(isWellFormedEvent(reordered)).toBe(false);
  });
});
