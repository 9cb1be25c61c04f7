import { describe, expect, it } from 'vitest';
import { ReferenceModel, validateRecord, type RefOutcome } from '../../../src/reconcile/index.js';

const LIMIT = 1024;
/** Default event ids and timestamps are unique per call, like a real producer's. */
let sequence = 0;

function event(type: string, overrides: Record<string, unknown> = {}, data?: object) {
  const defaults: Record<string, object> = {
    OrderPlaced: {
      items: [{ productId: 'p-1', quantity: 2, priceCents: 500 }],
      totalCents: 1000,
      currency: 'USD',
    },
    OrderPaid: { amountCents: 1000, currency: 'USD' },
    OrderShipped: { carrier: 'UPS' },
    OrderCancelled: { reason: 'changed mind' },
  };
  sequence += 1;
  return {
    eventId: `e-${sequence}`,
    type,
    orderId: 'o-1',
    customerId: 'c-1',
    timestamp: 1_000 + sequence,
    data: data ?? defaults[type],
    ...overrides,
  };
}

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

function reasonOf(value: Buffer | null, key: Buffer | null = null): string | undefined {
  const checked = validateRecord(key, value, LIMIT);
  return checked.ok ? undefined : checked.reason;
}

describe('reference validation (the wire contract)', () => {
  it('accepts each event type, with or without a key', () => {
    for (const type of ['OrderPlaced', 'OrderPaid', 'OrderShipped', 'OrderCancelled']) {
      expect(reasonOf(bytes(event(type)))).toBeUndefined();
      expect(reasonOf(bytes(event(type)), Buffer.from('o-1'))).toBeUndefined();
    }
    expect(reasonOf(bytes(event('OrderShipped', {}, {})))).toBeUndefined();
    expect(reasonOf(bytes(event('OrderCancelled', {}, {})))).toBeUndefined();
  });

  it('rejects values that are not a JSON object in UTF-8 within the size limit', () => {
    expect(reasonOf(null)).toBe('empty-value');
    expect(reasonOf(Buffer.alloc(0))).toBe('empty-value');
    expect(reasonOf(Buffer.alloc(LIMIT + 1, 0x20))).toMatch(/^too-large/);
    expect(reasonOf(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toBe('invalid-utf8');
    expect(reasonOf(Buffer.from('{"eventId":'))).toBe('not-json');
    expect(reasonOf(Buffer.from('[1,2]'))).toMatch(/^not-json/);
    expect(reasonOf(Buffer.from('null'))).toMatch(/^not-json/);
  });

  it('counts the size limit in bytes, inclusive', () => {
    // Multi-byte characters: the limit is on bytes, not characters.
    const value = bytes(event('OrderCancelled', {}, { reason: 'é'.repeat(100) }));
    expect(value.length).toBeGreaterThan(JSON.stringify(event('OrderCancelled')).length + 100);
    expect(validateRecord(null, value, value.length).ok).toBe(true);
    expect(validateRecord(null, value, value.length - 1)).toEqual({
      ok: false,
      reason: `too-large: ${value.length} bytes`,
    });
  });

  it('rejects missing and unknown fields at every level', () => {
    const noCustomer: Record<string, unknown> = event('OrderPaid');
    delete noCustomer.customerId;
    expect(reasonOf(bytes(noCustomer))).toMatch(/missing field "customerId"/);
    expect(reasonOf(bytes({ ...event('OrderPaid'), extra: 1 }))).toMatch(/unknown field "extra"/);
    expect(
      reasonOf(bytes(event('OrderPaid', {}, { amountCents: 1, currency: 'USD', x: 1 }))),
    ).toMatch(/data: unknown field "x"/);
    expect(reasonOf(bytes(event('OrderPaid', {}, { currency: 'USD' })))).toMatch(
      /missing field "amountCents"/,
    );
    const item = { productId: 'p', quantity: 1, priceCents: 1, colour: 'red' };
    expect(
      reasonOf(bytes(event('OrderPlaced', {}, { items: [item], totalCents: 1, currency: 'USD' }))),
    ).toMatch(/data.items\[\]: unknown field "colour"/);
    // JSON.parse makes "__proto__" an own key: it is an unknown field like any other.
    const proto = Buffer.from(JSON.stringify(event('OrderPaid')).replace('{', '{"__proto__":{},'));
    expect(reasonOf(proto)).toMatch(/unknown field "__proto__"/);
  });

  it('checks ids, cents, currency, type and items', () => {
    expect(reasonOf(bytes(event('OrderPaid', { orderId: 'o'.repeat(64) })))).toBeUndefined();
    expect(reasonOf(bytes(event('OrderPaid', { orderId: 'o'.repeat(65) })))).toBe(
      'schema: orderId',
    );
    expect(reasonOf(bytes(event('OrderPaid', { eventId: '' })))).toBe('schema: eventId');
    expect(reasonOf(bytes(event('OrderPaid', { customerId: 7 })))).toBe('schema: customerId');
    expect(reasonOf(bytes(event('OrderPaid', { type: 'OrderRefunded' })))).toBe('schema: type');
    expect(reasonOf(bytes(event('OrderPaid', { timestamp: -1 })))).toBe('schema: timestamp');
    const paid = (amountCents: unknown, currency: unknown = 'USD') =>
      reasonOf(bytes(event('OrderPaid', {}, { amountCents, currency })));
    expect(paid(0)).toBeUndefined();
    expect(paid(-1)).toBe('schema: data.amountCents');
    expect(paid(1.5)).toBe('schema: data.amountCents');
    expect(paid(2 ** 53)).toBe('schema: data.amountCents');
    expect(paid('100')).toBe('schema: data.amountCents');
    expect(paid(1, 'usd')).toBe('schema: data.currency');
    expect(paid(1, 'USDT')).toBe('schema: data.currency');
    const placed = (items: unknown) =>
      reasonOf(bytes(event('OrderPlaced', {}, { items, totalCents: 1, currency: 'USD' })));
    expect(placed([])).toBe('schema: data.items');
    expect(placed([{ productId: 'p', quantity: 0, priceCents: 1 }])).toBe(
      'schema: data.items[].quantity',
    );
    expect(placed([{ productId: 'p', quantity: 1, priceCents: -5 }])).toBe(
      'schema: data.items[].priceCents',
    );
  });

  it('requires the record key to be the orderId when there is one', () => {
    expect(reasonOf(bytes(event('OrderPaid')), Buffer.from('o-2'))).toBe('key-mismatch');
  });
});

describe('reference lifecycle', () => {
  function run(...events: object[]): { model: ReferenceModel; outcomes: RefOutcome[] } {
    const model = new ReferenceModel(LIMIT);
    const outcomes = events.map((e, offset) =>
      model.apply({ partition: 0, offset, key: null, value: bytes(e) }),
    );
    return { model, outcomes };
  }
  const order = (model: ReferenceModel, id = 'o-1') => model.orders.get(0)?.get(id)?.order;
  const usd = (model: ReferenceModel) => model.totals.get(0)?.get('USD') ?? 0;

  it('placed → paid → shipped, with revenue on payment', () => {
    const placed = event('OrderPlaced', { eventId: 'a', timestamp: 10 });
    const paid = event(
      'OrderPaid',
      { eventId: 'b', timestamp: 20 },
      { amountCents: 900, currency: 'USD' },
    );
    const shipped = event('OrderShipped', { eventId: 'c', timestamp: 30 });
    const { model, outcomes } = run(placed, paid, shipped);
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(order(model)).toEqual({
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'shipped',
      currency: 'USD',
      totalCents: 1000,
      paidCents: 900,
      appliedEvents: 3,
      updatedAt: 30,
    });
    expect(usd(model)).toBe(900);
  });

  it('ignores a duplicate eventId, even one that would now be illegal', () => {
    const placed = event('OrderPlaced', { eventId: 'a' });
    const paid = event('OrderPaid', { eventId: 'b' });
    const { model, outcomes } = run(placed, paid, placed, paid);
    expect(outcomes).toEqual(['applied', 'applied', 'duplicate', 'duplicate']);
    expect(order(model)?.appliedEvents).toBe(2);
    expect(usd(model)).toBe(1000);
    expect(model.counts).toMatchObject({ applied: 2, duplicates: 2, anomalies: 0 });
  });

  it('cancelling a paid order gives the revenue back and keeps what was paid', () => {
    const { model, outcomes } = run(
      event('OrderPlaced', { eventId: 'a' }),
      event('OrderPaid', { eventId: 'b' }),
      event('OrderCancelled', { eventId: 'c', timestamp: 99 }),
    );
    expect(outcomes).toEqual(['applied', 'applied', 'applied']);
    expect(order(model)).toMatchObject({ status: 'cancelled', paidCents: 1000, updatedAt: 99 });
    expect(usd(model)).toBe(0);
  });

  it('cancelling a placed order changes no revenue', () => {
    const { model } = run(
      event('OrderPlaced', { eventId: 'a' }),
      event('OrderCancelled', { eventId: 'b' }),
    );
    expect(order(model)?.status).toBe('cancelled');
    expect(model.totals.get(0)).toBeUndefined();
  });

  it('turns every other transition into an anomaly that changes nothing', () => {
    const placed = event('OrderPlaced', { eventId: 'a', timestamp: 1 });
    const { model, outcomes } = run(
      event('OrderPaid', { eventId: 'x0', orderId: 'ghost' }),
      placed,
      event('OrderShipped', { eventId: 'x1' }),
      event('OrderPlaced', { eventId: 'x2' }),
      event('OrderPaid', { eventId: 'x3' }, { amountCents: 1000, currency: 'EUR' }),
    );
    expect(outcomes).toEqual(['anomaly', 'applied', 'anomaly', 'anomaly', 'anomaly']);
    expect(model.orders.get(0)?.has('ghost')).toBe(false);
    expect(order(model)).toMatchObject({ status: 'placed', appliedEvents: 1, updatedAt: 1 });
    expect(model.totals.size).toBe(0);
  });

  it('anomalies after the end of the lifecycle change nothing either', () => {
    const shipped = run(
      event('OrderPlaced', { eventId: 'a' }),
      event('OrderPaid', { eventId: 'b' }),
      event('OrderShipped', { eventId: 'c' }),
      event('OrderCancelled', { eventId: 'd' }),
      event('OrderPaid', { eventId: 'e' }),
    );
    expect(shipped.outcomes.slice(3)).toEqual(['anomaly', 'anomaly']);
    expect(usd(shipped.model)).toBe(1000);
    const cancelled = run(
      event('OrderPlaced', { eventId: 'a' }),
      event('OrderCancelled', { eventId: 'b' }),
      event('OrderShipped', { eventId: 'c' }),
      event('OrderPaid', { eventId: 'd' }),
    );
    expect(cancelled.outcomes.slice(2)).toEqual(['anomaly', 'anomaly']);
  });

  it('an anomaly does not record its eventId: the same id may apply later', () => {
    const { outcomes } = run(
      event('OrderPlaced', { eventId: 'a' }),
      event('OrderShipped', { eventId: 'b' }),
      event('OrderPaid', { eventId: 'b' }),
    );
    expect(outcomes).toEqual(['applied', 'anomaly', 'applied']);
  });

  it('keeps invalid records with their position and bytes, and shards by partition', () => {
    const model = new ReferenceModel(LIMIT);
    model.apply({ partition: 3, offset: 7, key: Buffer.from('k'), value: Buffer.from('nope') });
    model.apply({ partition: 1, offset: 0, key: null, value: bytes(event('OrderPlaced')) });
    model.apply({ partition: 2, offset: 0, key: null, value: bytes(event('OrderPlaced')) });
    expect(model.invalid).toEqual([
      {
        partition: 3,
        offset: 7,
        key: Buffer.from('k'),
        value: Buffer.from('nope'),
        reason: 'not-json',
      },
    ]);
    expect(model.entries().map(([p, e]) => [p, e.order.orderId])).toEqual([
      [1, 'o-1'],
      [2, 'o-1'],
    ]);
  });
});
