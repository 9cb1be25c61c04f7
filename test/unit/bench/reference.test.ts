import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  PrefixReference,
  totalsDiff,
  withoutZeros,
  type Totals,
} from '../../../bench/reference.js';
import { ReferenceModel } from '../../../src/reconcile/index.js';
import { generate } from '../../../src/sim/index.js';
import { javaPartition } from '../../helpers/murmur2.js';

const LIMIT = 65_536;

interface InputRecord {
  partition: number;
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** Input records as they sit on a topic: offsets counted per partition, keyed by order id. */
class Input {
  readonly records: InputRecord[] = [];
  private readonly next = new Map<number, number>();
  private sequence = 0;

  raw(partition: number, key: string | null, value: Buffer | null): InputRecord {
    const offset = this.next.get(partition) ?? 0;
    this.next.set(partition, offset + 1);
    const record = { partition, offset, key: key === null ? null : Buffer.from(key), value };
    this.records.push(record);
    return record;
  }

  event(
    partition: number,
    type: string,
    orderId: string,
    data: object,
    eventId = `evt-${(this.sequence += 1)}`,
  ): InputRecord {
    const envelope = {
      eventId,
      type,
      orderId,
      customerId: `cust-${orderId}`,
      timestamp: 1_764_300_000_000 + this.sequence,
      data,
    };
    return this.raw(partition, orderId, Buffer.from(JSON.stringify(envelope)));
  }

  placed(partition: number, orderId: string, totalCents: number, currency: string) {
    const items = [{ productId: `sku-${orderId}`, quantity: 1, priceCents: totalCents }];
    return this.event(partition, 'OrderPlaced', orderId, { items, totalCents, currency });
  }

  paid(partition: number, orderId: string, amountCents: number, currency: string, id?: string) {
    return this.event(partition, 'OrderPaid', orderId, { amountCents, currency }, id);
  }

  shipped(partition: number, orderId: string) {
    return this.event(partition, 'OrderShipped', orderId, {});
  }

  cancelled(partition: number, orderId: string) {
    return this.event(partition, 'OrderCancelled', orderId, { reason: 'changed mind' });
  }

  reference(limit = LIMIT): PrefixReference {
    const ref = new PrefixReference(limit);
    for (const r of this.records) ref.add(r);
    return ref;
  }
}

/**
 * Two partitions, fed interleaved (partition order is kept, as a topic reader delivers):
 *
 * p0: 0 placed A 1000 USD · 1 paid A · 2 paid A again (same event id) · 3 shipped A ·
 *     4 not JSON · 5 shipped D (never placed) · 6 placed E 300 GBP · 7 paid E in EUR (anomaly)
 * p1: 0 placed B 500 EUR · 1 paid B · 2 cancelled B (refund) · 3 placed C 700 USD · 4 paid C
 */
function twoPartitions(): Input {
  const input = new Input();
  input.placed(0, 'A', 1_000, 'USD');
  input.placed(1, 'B', 500, 'EUR');
  input.paid(0, 'A', 1_000, 'USD', 'evt-paid-A');
  input.paid(1, 'B', 500, 'EUR');
  input.paid(0, 'A', 1_000, 'USD', 'evt-paid-A');
  input.cancelled(1, 'B');
  input.shipped(0, 'A');
  input.placed(1, 'C', 700, 'USD');
  input.raw(0, 'A', Buffer.from('{"eventId":'));
  input.paid(1, 'C', 700, 'USD');
  input.shipped(0, 'D');
  input.placed(0, 'E', 300, 'GBP');
  input.paid(0, 'E', 300, 'EUR');
  return input;
}

const cut = (p0: number, p1: number) =>
  new Map([
    [0, p0],
    [1, p1],
  ]);

describe('PrefixReference', () => {
  it('builds the two-partition input the cases below rely on', () => {
    const { records } = twoPartitions();
    expect(records.filter((r) => r.partition === 0).map((r) => r.offset)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    expect(records.filter((r) => r.partition === 1).map((r) => r.offset)).toEqual([0, 1, 2, 3, 4]);
  });

  it('counts every record and each applied transition once', () => {
    const ref = twoPartitions().reference();
    expect(ref.records).toBe(13);
    // A: placed, paid, shipped. B: placed, paid, cancelled. C: placed, paid. E: placed.
    // Not applied: the repeated payment, the bad JSON, D's shipment and E's EUR payment.
    expect(ref.applied).toBe(9);
  });

  it('totals the whole input: refunds give revenue back and zero totals are left out', () => {
    expect(twoPartitions().reference().totals()).toEqual({ USD: 1_700 });
  });

  it('counts nothing before anything was committed', () => {
    const ref = twoPartitions().reference();
    expect(ref.totalsUpTo(new Map())).toEqual({});
    expect(ref.totalsUpTo(cut(0, 0))).toEqual({});
    // Orders placed but not paid: no revenue yet.
    expect(ref.totalsUpTo(cut(1, 1))).toEqual({});
  });

  it('counts a payment from the offset after it', () => {
    const ref = twoPartitions().reference();
    expect(ref.totalsUpTo(cut(2, 1))).toEqual({ USD: 1_000 });
    expect(ref.totalsUpTo(cut(1, 2))).toEqual({ EUR: 500 });
    expect(ref.totalsUpTo(cut(2, 2))).toEqual({ EUR: 500, USD: 1_000 });
  });

  it('takes a cancelled payment back only once the cancel is inside the prefix', () => {
    const ref = twoPartitions().reference();
    expect(ref.totalsUpTo(cut(2, 2))).toHaveProperty('EUR', 500);
    expect(ref.totalsUpTo(cut(2, 3))).toEqual({ USD: 1_000 });
  });

  it('counts a repeated payment once, on either side of the cut', () => {
    const ref = twoPartitions().reference();
    expect(ref.totalsUpTo(cut(2, 0))).toEqual({ USD: 1_000 });
    expect(ref.totalsUpTo(cut(3, 0))).toEqual({ USD: 1_000 });
    expect(ref.totalsUpTo(cut(8, 0))).toEqual({ USD: 1_000 });
  });

  it('cuts each partition at its own offset; a partition left out counts nothing', () => {
    const ref = twoPartitions().reference();
    expect(ref.totalsUpTo(cut(0, 5))).toEqual({ USD: 700 });
    expect(ref.totalsUpTo(new Map([[1, 5]]))).toEqual({ USD: 700 });
    expect(ref.totalsUpTo(new Map([[0, 2]]))).toEqual({ USD: 1_000 });
  });

  it('gives the full totals for a cut at or past every partition’s end', () => {
    const ref = twoPartitions().reference();
    expect(ref.totalsUpTo(cut(8, 5))).toEqual(ref.totals());
    expect(ref.totalsUpTo(cut(100, 100))).toEqual(ref.totals());
    expect(ref.totalsUpTo(cut(8, 4))).toEqual({ USD: 1_000 });
  });

  it('lists currencies in alphabetical order', () => {
    const input = new Input();
    input.placed(0, 'Z', 5, 'USD');
    input.placed(1, 'Y', 6, 'GBP');
    input.placed(0, 'X', 7, 'EUR');
    input.paid(0, 'Z', 5, 'USD');
    input.paid(1, 'Y', 6, 'GBP');
    input.paid(0, 'X', 7, 'EUR');
    expect(Object.keys(input.reference().totals())).toEqual(['EUR', 'GBP', 'USD']);
  });

  it('skips records the wire contract rejects: a key that is not the order id, a value too large', () => {
    const input = new Input();
    input.placed(0, 'A', 100, 'USD');
    const envelope = {
      eventId: 'evt-wrong-key',
      type: 'OrderPaid',
      orderId: 'A',
      customerId: 'cust-A',
      timestamp: 1,
      data: { amountCents: 100, currency: 'USD' },
    };
    input.raw(0, 'B', Buffer.from(JSON.stringify(envelope)));
    expect(input.reference().totals()).toEqual({});
    expect(input.reference().applied).toBe(1);

    const big = new Input();
    big.placed(0, 'A', 100, 'USD');
    big.paid(0, 'A', 100, 'USD');
    const limit = Math.max(...big.records.map((r) => r.value?.length ?? 0)) - 1;
    expect(big.reference(limit).applied).toBeLessThan(2);
    expect(big.reference(limit).totals()).toEqual({});
    expect(big.reference(limit + 1).totals()).toEqual({ USD: 100 });
  });

  it('agrees with the reconciliation model on any prefix of simulated traffic', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.double({ min: 0, max: 1.2, noNaN: true }), { minLength: 4, maxLength: 4 }),
        (orders, seed, partitions, shares) => {
          const offsets = new Map<number, number>();
          const records: InputRecord[] = [];
          for (const r of generate({
            orders,
            seed,
            duplicates: 0.1,
            malformed: 0.05,
            invalidTransitions: 0.1,
          })) {
            const partition = javaPartition(r.key, partitions);
            const offset = offsets.get(partition) ?? 0;
            offsets.set(partition, offset + 1);
            records.push({ partition, offset, key: Buffer.from(r.key), value: r.value });
          }
          const ends = new Map(
            [...offsets].map(([p, n]) => [p, Math.floor(n * (shares[p] ?? 1))] as const),
          );

          const prefix = new PrefixReference(LIMIT);
          const whole = new ReferenceModel(LIMIT);
          const upToCut = new ReferenceModel(LIMIT);
          for (const r of records) {
            prefix.add(r);
            whole.apply(r);
            if (r.offset < (ends.get(r.partition) ?? 0)) upToCut.apply(r);
          }
          expect(prefix.records).toBe(whole.counts.records);
          expect(prefix.applied).toBe(whole.counts.applied);
          expect(prefix.totals()).toEqual(summed(whole));
          expect(prefix.totalsUpTo(ends)).toEqual(summed(upToCut));
        },
      ),
      { numRuns: 60 },
    );
  });
});

/** The model's per-partition revenue, summed per currency. */
function summed(model: ReferenceModel): Totals {
  const totals: Totals = {};
  for (const perPartition of model.totals.values()) {
    for (const [currency, cents] of perPartition) {
      totals[currency] = (totals[currency] ?? 0) + cents;
    }
  }
  return withoutZeros(totals);
}

describe('withoutZeros', () => {
  it('drops zero totals and sorts by currency', () => {
    const cleaned = withoutZeros({ USD: 5, EUR: 0, GBP: -3, AUD: 1 });
    expect(cleaned).toEqual({ AUD: 1, GBP: -3, USD: 5 });
    expect(Object.keys(cleaned)).toEqual(['AUD', 'GBP', 'USD']);
    expect(withoutZeros({ USD: 0 })).toEqual({});
  });
});

describe('totalsDiff', () => {
  it('is empty when the totals agree, zero entries and key order aside', () => {
    expect(totalsDiff({}, {})).toEqual([]);
    expect(totalsDiff({ USD: 120, EUR: 5 }, { EUR: 5, USD: 120 })).toEqual([]);
    expect(totalsDiff({ USD: 120, GBP: 0 }, { USD: 120, EUR: 0 })).toEqual([]);
  });

  it('names each currency that differs, with both values, in currency order', () => {
    expect(totalsDiff({ USD: 120 }, { USD: 118 })).toEqual(['USD expected 120, got 118']);
    expect(totalsDiff({ USD: 120, EUR: 5 }, { USD: 120, GBP: 7 })).toEqual([
      'EUR expected 5, got 0',
      'GBP expected 0, got 7',
    ]);
    expect(totalsDiff({ USD: -1 }, {})).toEqual(['USD expected -1, got 0']);
  });

  it('catches a total off by a single cent', () => {
    expect(totalsDiff({ EUR: 1_000_000_000 }, { EUR: 1_000_000_001 })).toEqual([
      'EUR expected 1000000000, got 1000000001',
    ]);
  });
});
