/**
 * The orders and customers programs of the language reproduce the built-in order lifecycle
 * exactly: for any stream, the generic fold's states (as stored JSON), revenue per currency,
 * customer value and revenue windows equal what the built-in reducer, the customer-value
 * aggregator and the revenue windows give. This is what lets the engine switch over without
 * changing a query's answer.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyEvent,
  customerValue,
  WindowFold,
  EMPTY_WINDOWS,
  type CustomerValue,
  type OrderEvent,
  type OrderState,
  type WindowSpec,
} from '../../../../src/pipeline/index.js';
import {
  compileAggregateChanges,
  createStepper,
  encodeState,
  applyOps,
  ProgramWindows,
  EMPTY_PROGRAM_WINDOWS,
  type GroupPartial,
  type KeyState,
  type ProgramEvent,
} from '../../../../src/pipeline/program/index.js';
import { buildStream, streamArb } from '../order-stream.js';
import {
  customersProgram,
  customerValueAggregate,
  ordersProgram,
  revenueAggregate,
} from './orders-program.js';

function programEvent(e: OrderEvent): ProgramEvent {
  return {
    key: e.orderId,
    eventId: e.eventId,
    time: e.timestamp,
    type: e.type,
    value: e as unknown as ProgramEvent['value'],
  };
}

const windowSpec: WindowSpec = {
  sizes: revenueAggregate.windows?.sizes ?? [],
  graceMs: revenueAggregate.windows?.graceMs ?? 0,
  idleTimeoutMs: revenueAggregate.windows?.idleTimeoutMs ?? 0,
};

describe('the orders program against the built-in lifecycle', () => {
  it('gives the same states, revenue, customer value and windows for any stream', () => {
    const step = createStepper(ordersProgram);
    const revenueChanges = compileAggregateChanges(revenueAggregate, ordersProgram.state);
    const valueChanges = compileAggregateChanges(customerValueAggregate, customersProgram.state);
    fc.assert(
      fc.property(streamArb, fc.boolean(), (input, idleHalfway) => {
        const { items } = buildStream(input);
        const legacyStates = new Map<string, OrderState>();
        const states = new Map<string, KeyState>();
        const legacyTotals = new Map<string, number>();
        const revenue = new Map<string, GroupPartial>();
        const legacyValues = new Map<string, CustomerValue>();
        const values = new Map<string, GroupPartial>();
        const legacyWindows = new WindowFold(windowSpec, 0, EMPTY_WINDOWS);
        const windows = new ProgramWindows([revenueAggregate], EMPTY_PROGRAM_WINDOWS);
        const legacyLate: string[] = [];
        const late: string[] = [];
        const events = items.flatMap((i) => (i.kind === 'event' ? [i.event] : []));
        events.forEach((e, n) => {
          if (idleHalfway && n === Math.floor(events.length / 2)) {
            legacyWindows.closeIdle();
            windows.closeIdle();
          }
          const before = legacyStates.get(e.orderId);
          const legacy = applyEvent(before, e);
          const event = programEvent(e);
          const generic = step(states.get(e.orderId), event);
          expect(generic.kind).toBe(legacy.kind);
          if (legacy.kind === 'anomaly' && generic.kind === 'anomaly') {
            expect(generic.reason).toBe(legacy.reason);
          }
          let delta: { currency: string; cents: number } | undefined;
          if (legacy.kind === 'applied' && generic.kind === 'applied') {
            expect(encodeState(ordersProgram.state, generic.state)).toBe(
              JSON.stringify(legacy.state),
            );
            expect(generic.previousStatus).toBe(legacy.previousStatus ?? 'none');
            delta = legacy.revenueDelta;
            if (delta !== undefined) {
              legacyTotals.set(
                delta.currency,
                (legacyTotals.get(delta.currency) ?? 0) + delta.cents,
              );
            }
            const t = {
              event,
              before: states.get(e.orderId),
              after: generic.state,
              previousStatus: generic.previousStatus,
            };
            const changes = revenueChanges(t);
            for (const c of changes)
              revenue.set(c.group, applyOps(revenueAggregate, revenue.get(c.group), c.ops));
            for (const mark of windows.attribute(revenueAggregate, e.timestamp, changes)) {
              late.push(`${mark.size}|${mark.start}`);
            }
            for (const c of valueChanges(t)) {
              values.set(c.group, applyOps(customerValueAggregate, values.get(c.group), c.ops));
            }
            const customerId = legacy.state.customerId;
            const transition = {
              event: e,
              before,
              after: legacy.state,
              previousStatus: legacy.previousStatus,
              ...(delta ? { revenueDelta: delta } : {}),
            };
            legacyValues.set(
              customerId,
              customerValue.apply(
                legacyValues.get(customerId) ?? customerValue.empty(customerId),
                transition,
              ),
            );
            legacyStates.set(e.orderId, legacy.state);
            states.set(e.orderId, generic.state);
          }
          for (const mark of legacyWindows.observe(e.timestamp, delta)) {
            legacyLate.push(`${mark.size.label}|${mark.start}`);
          }
          windows.observe(e.timestamp);
        });

        expect(Object.fromEntries([...revenue].map(([g, p]) => [g, p.cents]))).toEqual(
          Object.fromEntries(legacyTotals),
        );
        const expectedValues = Object.fromEntries(
          [...legacyValues].map(([id, v]) => [
            id,
            {
              orders: v.orders,
              paid: v.paid,
              shipped: v.shipped,
              cancelled: v.cancelled,
              lifetimeValueCents: v.lifetimeValueCents,
            },
          ]),
        );
        expect(Object.fromEntries(values)).toEqual(expectedValues);
        expect(late).toEqual(legacyLate);
        const legacyClosed = legacyWindows.changes();
        const closed = windows.changes();
        expect(
          closed.closed.map((w) => ({
            size: w.size,
            start: w.start,
            closedBy: w.closedBy,
            totals: Object.fromEntries(Object.entries(w.groups).map(([g, p]) => [g, p.cents])),
          })),
        ).toEqual(
          legacyClosed.closed.map((w) => ({
            size: w.size,
            start: w.start,
            closedBy: w.closedBy,
            totals: w.totals,
          })),
        );
        const open = [...closed.next.open].map(([field, p]) => [
          field.slice('revenue|'.length),
          p.cents,
        ]);
        const legacyOpen = [...legacyClosed.next.open].flatMap(([field, totals]) =>
          [...totals].map(([currency, cents]) => [`${field}|${currency}`, cents]),
        );
        expect(open.sort()).toEqual(legacyOpen.sort());
      }),
      { numRuns: 300 },
    );
  });
});
