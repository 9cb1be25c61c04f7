import { describe, expect, it } from 'vitest';
import { anomalyRecord, statusRecord } from '../../../../src/pipeline/index.js';
import {
  aggregateUpdateRecord,
  createStepper,
  previousField,
  programAnomalyRecord,
  programStatusRecord,
  programWindowRecord,
  type ProgramEvent,
} from '../../../../src/pipeline/program/index.js';
import { eventRecord, paid, placed } from '../fixtures.js';
import { customerValueAggregate, ordersProgram, revenueAggregate } from './orders-program.js';

const asEvent = (e: ReturnType<typeof placed> | ReturnType<typeof paid>): ProgramEvent => ({
  key: e.orderId,
  eventId: e.eventId,
  time: e.timestamp,
  type: e.type,
  value: e as unknown as ProgramEvent['value'],
});

describe('program records', () => {
  const step = createStepper(ordersProgram);
  const first = placed({ eventId: 'e-1', orderId: 'o-1', timestamp: 5 });
  const second = paid({ eventId: 'e-2', orderId: 'o-1', timestamp: 9, currency: 'EUR' });

  it('names the previous status after the status field', () => {
    expect(previousField('status')).toBe('previousStatus');
    expect(previousField('stage')).toBe('previousStage');
  });

  it('writes the order wire contract for the orders program: status, byte for byte', () => {
    const applied = step(undefined, asEvent(first));
    if (applied.kind !== 'applied') throw new Error('expected applied');
    const record = programStatusRecord(
      ordersProgram,
      't/3/0/0',
      'order-status',
      asEvent(first),
      applied.state,
      applied.previousStatus,
    );
    expect(record).toEqual(statusRecord('t/3/0/0', 'order-status', first, 'placed', null));
  });

  it('writes anomalies as the built-in fold does, byte for byte', () => {
    const source = eventRecord(second, { offset: 7 });
    const record = programAnomalyRecord(
      't/3/7/0',
      'a',
      asEvent(second),
      'currency-mismatch',
      source,
    );
    expect(record).toEqual(anomalyRecord('t/3/7/0', 'a', second, 'currency-mismatch', source));
  });

  it('publishes a changed group with its fields and metric values', () => {
    const record = aggregateUpdateRecord('id', 'updates', {
      aggregate: customerValueAggregate,
      partition: 2,
      values: ['c-1'],
      partial: { orders: 1, paid: 1, shipped: 0, cancelled: 0, lifetimeValueCents: { USD: 5 } },
      firstOffset: 3,
      lastOffset: 9,
    });
    expect(record.key).toBe('c-1');
    expect(JSON.parse(String(record.value))).toEqual({
      aggregate: 'customer-value',
      partition: 2,
      group: { customerId: 'c-1' },
      value: { orders: 1, paid: 1, shipped: 0, cancelled: 0, lifetimeValueCents: { USD: 5 } },
      delta: { orders: 1, paid: 1, shipped: 0, cancelled: 0, lifetimeValueCents: { USD: 5 } },
      firstOffset: 3,
      lastOffset: 9,
    });
    expect(record.headers['sf-id']).toBe('id');
  });

  it("gives each count and sum the batch's delta against the partial before it", () => {
    const record = aggregateUpdateRecord('id', 'updates', {
      aggregate: customerValueAggregate,
      partition: 2,
      values: ['c-1'],
      before: {
        orders: 2,
        paid: 1,
        shipped: 0,
        cancelled: 0,
        lifetimeValueCents: { USD: 5, EUR: 7 },
      },
      partial: {
        orders: 3,
        paid: 1,
        shipped: 0,
        cancelled: 1,
        lifetimeValueCents: { USD: 0, EUR: 7, GBP: 4 },
      },
      firstOffset: 10,
      lastOffset: 12,
    });
    expect(JSON.parse(String(record.value))).toMatchObject({
      value: { orders: 3, cancelled: 1, lifetimeValueCents: { USD: 0, EUR: 7, GBP: 4 } },
      // An unchanged currency is left out of the map's delta; one that went to 0 is not.
      delta: {
        orders: 1,
        paid: 0,
        shipped: 0,
        cancelled: 1,
        lifetimeValueCents: { USD: -5, GBP: 4 },
      },
    });
  });

  it('publishes the revenue update of the order wire contract: delta and partition subtotal', () => {
    const record = aggregateUpdateRecord('id', 'revenue-updates', {
      aggregate: revenueAggregate,
      partition: 1,
      values: ['USD'],
      before: { cents: 1200 },
      partial: { cents: 900 },
      firstOffset: 4,
      lastOffset: 8,
    });
    expect(record.key).toBe('USD');
    expect(JSON.parse(String(record.value))).toEqual({
      aggregate: 'revenue',
      partition: 1,
      group: { currency: 'USD' },
      value: { cents: 900 },
      delta: { cents: -300 },
      firstOffset: 4,
      lastOffset: 8,
    });
  });

  it('publishes a closed window once per partition, with an id of its own', () => {
    const record = programWindowRecord('order-events', 'windows', 4, revenueAggregate, {
      aggregate: 'revenue',
      size: '1m',
      sizeMs: 60_000,
      start: 120_000,
      end: 180_000,
      groups: { EUR: { cents: 7 }, USD: { cents: -2 } },
      closedBy: 'idle',
    });
    expect(record.id).toBe('order-events/4/window/revenue/1m/120000');
    expect(record.key).toBe('revenue/1m/120000');
    expect(JSON.parse(String(record.value))).toEqual({
      aggregate: 'revenue',
      partition: 4,
      size: '1m',
      sizeMs: 60_000,
      start: 120_000,
      end: 180_000,
      groups: { EUR: { cents: 7 }, USD: { cents: -2 } },
      closedBy: 'idle',
    });
  });
});
