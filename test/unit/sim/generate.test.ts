import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { ReferenceModel, validateRecord, type RefOutcome } from '../../../src/reconcile/index.js';
import {
  generate,
  MalformedClasses,
  plan,
  type SimInput,
  type SimKind,
  type SimRecord,
} from '../../../src/sim/index.js';

const MAX_VALUE_BYTES = 65_536;
const noisy: SimInput = {
  orders: 300,
  seed: 42,
  duplicates: 0.1,
  malformed: 0.1,
  invalidTransitions: 0.1,
};

const all = (input: SimInput): SimRecord[] => [...generate(input)];

function countKinds(records: readonly SimRecord[]): Record<SimKind, number> {
  const kinds = { event: 0, duplicate: 0, malformed: 0, invalid: 0 };
  for (const r of records) kinds[r.kind] += 1;
  return kinds;
}

/** What the reference reducer must make of each kind of record. */
const outcomeOf: Record<SimKind, RefOutcome> = {
  event: 'applied',
  duplicate: 'duplicate',
  invalid: 'anomaly',
  malformed: 'invalid',
};

/** Every record through the reference on one partition: the stream's order is offset order. */
function outcomes(records: readonly SimRecord[]): RefOutcome[] {
  const model = new ReferenceModel(MAX_VALUE_BYTES);
  return records.map((r, offset) =>
    model.apply({ partition: 0, offset, key: Buffer.from(r.key), value: r.value }),
  );
}

describe('generate', () => {
  it('is deterministic: the same options give byte-identical records', () => {
    const a = all(noisy);
    const b = all(noisy);
    expect(b).toEqual(a);
    expect(a.length).toBeGreaterThan(noisy.orders);
  });

  it('gives a different stream for a different seed, with different ids', () => {
    const a = all({ ...noisy, seed: 1 });
    const b = all({ ...noisy, seed: 2 });
    const keysA = new Set(a.map((r) => r.key));
    expect(b.some((r) => keysA.has(r.key))).toBe(false);
  });

  it('yields exactly the counts plan() predicts, for many option sets', () => {
    const cases: SimInput[] = [
      { orders: 1, seed: 0 },
      { orders: 50, seed: 7, duplicates: 1, malformed: 1, invalidTransitions: 1 },
      { ...noisy, currencies: ['USD'] },
      { orders: 500, seed: -99, duplicates: 0.3 },
    ];
    for (const input of cases) {
      const records = all(input);
      const expected = plan(input);
      expect(countKinds(records)).toEqual(expected.kinds);
      expect(records.length).toBe(expected.records);
    }
  });

  it('keeps the requested rates, per emitted event', () => {
    const input = {
      orders: 3000,
      seed: 5,
      duplicates: 0.1,
      malformed: 0.05,
      invalidTransitions: 0.2,
    };
    const { kinds } = plan(input);
    expect(kinds.duplicate / kinds.event).toBeCloseTo(0.1, 1);
    expect(kinds.malformed / kinds.event).toBeCloseTo(0.05, 1);
    expect(kinds.invalid / kinds.event).toBeCloseTo(0.2, 1);
  });

  it('places every order once and keeps each order in sequence with rising timestamps', () => {
    const records = all(noisy);
    const placed = new Set<string>();
    const lastTime = new Map<string, number>();
    for (const r of records.filter((x) => x.kind === 'event')) {
      const event = JSON.parse(r.value!.toString('utf8')) as {
        type: string;
        orderId: string;
        timestamp: number;
      };
      expect(event.orderId).toBe(r.key);
      if (event.type === 'OrderPlaced') {
        expect(placed.has(event.orderId)).toBe(false);
        placed.add(event.orderId);
      } else {
        expect(placed.has(event.orderId)).toBe(true);
      }
      expect(event.timestamp).toBeGreaterThan(lastTime.get(event.orderId) ?? 0);
      lastTime.set(event.orderId, event.timestamp);
    }
    expect(placed.size).toBe(noisy.orders);
  });

  it('interleaves the events of many orders', () => {
    const keys = all({ orders: 200, seed: 3 }).map((r) => r.key);
    const switches = keys.filter((k, i) => i > 0 && k !== keys[i - 1]).length;
    expect(switches).toBeGreaterThan(keys.length / 2);
  });

  it('every malformed record fails the reference validation; every other one passes it', () => {
    const reasons = new Set<string>();
    for (const r of all({ ...noisy, malformed: 0.5 })) {
      const checked = validateRecord(Buffer.from(r.key), r.value, MAX_VALUE_BYTES);
      if (r.kind === 'malformed') {
        expect(checked.ok, `${r.key}: ${r.value?.toString('utf8').slice(0, 200)}`).toBe(false);
        if (!checked.ok) reasons.add(checked.reason.split(/[:\s]/)[0]!);
      } else {
        expect(checked.ok).toBe(true);
      }
      expect(r.key.length).toBeGreaterThan(0);
    }
    expect([...reasons].sort()).toEqual([
      'empty-value',
      'invalid-utf8',
      'not-json',
      'schema',
      'too-large',
    ]);
  });

  it('rotates through every malformed class', () => {
    const input = { orders: 40, seed: 9, malformed: 1 };
    const values = all(input).filter((r) => r.kind === 'malformed');
    expect(values.length).toBeGreaterThanOrEqual(MalformedClasses.length);
    expect(values.some((r) => r.value === null)).toBe(true);
    expect(values.some((r) => r.value?.length === 0)).toBe(true);
    expect(values.some((r) => (r.value?.length ?? 0) > MAX_VALUE_BYTES)).toBe(true);
  });

  it('lifecycles are legal: the reference applies events, ignores duplicates, flags the invalid', () => {
    const records = all({ ...noisy, duplicates: 0.3, invalidTransitions: 0.3 });
    expect(outcomes(records)).toEqual(records.map((r) => outcomeOf[r.kind]));
  });

  it('holds for any seed and rates (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e9, max: 1e9 }),
        fc.integer({ min: 1, max: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.subarray(['USD', 'EUR', 'JPY'], { minLength: 1 }),
        (seed, orders, duplicates, malformed, invalidTransitions, currencies) => {
          const input = { seed, orders, duplicates, malformed, invalidTransitions, currencies };
          const records = all(input);
          expect(records.length).toBe(plan(input).records);
          expect(outcomes(records)).toEqual(records.map((r) => outcomeOf[r.kind]));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rejects bad options, naming each field', () => {
    const fields = (input: SimInput): string[] => {
      try {
        plan(input);
        return [];
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
        return (error as ConfigError).issues.map((i) => i.path);
      }
    };
    expect(fields({ orders: 0, seed: 1 })).toEqual(['orders']);
    expect(fields({ orders: 1.5, seed: 1.5 })).toEqual(['orders', 'seed']);
    expect(fields({ orders: 1, seed: 1, duplicates: 1.01, malformed: -0.1 })).toEqual([
      'duplicates',
      'malformed',
    ]);
    expect(fields({ orders: 1, seed: 1, invalidTransitions: Number.NaN })).toEqual([
      'invalidTransitions',
    ]);
    expect(fields({ orders: 1, seed: 1, currencies: ['usd'] })).toEqual(['currencies']);
    expect(fields({ orders: 1, seed: 1, currencies: [] })).toEqual(['currencies']);
  });
});
