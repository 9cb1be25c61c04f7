import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  foldBatch,
  ProcessingError,
  unparkBatch,
  type FoldContext,
  type OrderEvent,
  type OrderState,
  type ParkedEntry,
  type SourceRecord,
} from '../../../src/pipeline/index.js';
import { commitOperations } from '../../../src/state/commit-args.js';
import {
  cancelled,
  ctx,
  eventRecord,
  foldInput,
  MAX_BYTES,
  paid,
  PARTITION,
  placed,
  shipped,
  TOPIC,
} from './fixtures.js';

/** A fault in processing one event: the reducer or an aggregate threw for it. */
function failing(...eventIds: string[]): FoldContext {
  return {
    ...ctx,
    beforeApply: (event: OrderEvent) => {
      if (eventIds.includes(event.eventId)) throw new Error(`boom ${event.eventId}`);
    },
  };
}

const T = 1_764_300_000_000;
const e1 = placed({ eventId: 'e1', orderId: 'o-1', totalCents: 300 });
const e2 = paid({ eventId: 'e2', orderId: 'o-1', amountCents: 300 });
const e3 = placed({ eventId: 'e3', orderId: 'o-2', totalCents: 800 });
const e5 = paid({ eventId: 'e5', orderId: 'o-1', amountCents: 300, timestamp: T + 5 });
const e6 = paid({ eventId: 'e6', orderId: 'o-2', amountCents: 800 });
const e7 = shipped({ eventId: 'e7', orderId: 'o-1', timestamp: T + 7 });
const e8 = shipped({ eventId: 'e8', orderId: 'o-2' });

/** Offsets 0..6; e2 (o-1 paid, offset 1) is the event whose processing fails. */
const records: SourceRecord[] = [e1, e2, e3, e5, e6, e7, e8].map((event, offset) => ({
  ...eventRecord(event, { offset }),
  timestamp: T + 1000 + offset,
}));
const decoded = records.map((r) => decodeRecord(r, MAX_BYTES));

describe('foldBatch: an event whose processing fails', () => {
  it('without poison, throws a ProcessingError naming partition, offset and key', () => {
    let error: unknown;
    try {
      foldBatch(decoded, foldInput(), failing('e2'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProcessingError);
    const pe = error as ProcessingError;
    expect([pe.partition, pe.offset, pe.key]).toEqual([PARTITION, 1, 'o-1']);
    expect(pe.message).toBe('processing o-1 at offset 1 of partition 3 failed: boom e2');
    expect((pe.cause as Error).message).toBe('boom e2');
  });

  describe('poisoned: dead-lettered, its key parked, later events for the key held', () => {
    const result = foldBatch(
      decoded,
      foldInput(new Map(), new Map([['USD', 100]]), { poisoned: new Set([1]) }),
      failing('e2'),
    );

    it('counts and derives exactly one dead letter of class processing', () => {
      expect(result.counts).toEqual({
        records: 7,
        applied: 4,
        duplicates: 0,
        anomalies: 0,
        deadLettered: 1,
        held: 2,
        late: 0,
      });
      expect(result.outputs.map((o) => [o.topic, o.id])).toEqual([
        ['order-status', `${TOPIC}/3/0/0`],
        ['order-events-dlt', `${TOPIC}/3/1/0`],
        ['order-status', `${TOPIC}/3/2/0`],
        ['order-status', `${TOPIC}/3/4/0`],
        ['order-status', `${TOPIC}/3/6/0`],
        ['revenue-updates', `${TOPIC}/3/6/1`],
      ]);
      const dlt = result.outputs[1]!;
      expect(dlt.key).toEqual(Buffer.from('o-1'));
      expect(dlt.value).toEqual(records[1]!.value);
      expect(dlt.headers).toEqual({
        'sf-error-class': 'processing',
        'sf-error-message': 'boom e2',
        'sf-source-topic': TOPIC,
        'sf-source-partition': '3',
        'sf-source-offset': '1',
        'sf-failed-at': '2025-11-28T12:00:00.000Z',
        'sf-worker-version': '1.2.3',
        'sf-id': `${TOPIC}/3/1/0`,
      });
    });

    it('parks the key with the failed event and holds its later events in offset order', () => {
      const entry: ParkedEntry = {
        key: 'o-1',
        eventId: 'e2',
        offset: 1,
        reason: 'boom e2',
        parkedAt: ctx.now,
        held: [
          { offset: 3, recordTimestamp: T + 1003, event: e5 },
          { offset: 5, recordTimestamp: T + 1005, event: e7 },
        ],
      };
      expect(result.parked.next).toEqual(new Map([['o-1', entry]]));
      expect(result.parked.changed).toEqual(new Map([['o-1', entry]]));
      expect(result.parked.removed).toEqual([]);
      expect(result.unparked).toEqual([]);
    });

    it('applies the other keys and leaves the parked key at its state before the failure', () => {
      expect(result.states.get('o-1')?.eventIds).toEqual(['e1']);
      expect(result.states.get('o-2')).toMatchObject({ status: 'shipped', paidCents: 800 });
      expect(result.totalsDelta).toEqual(new Map([['USD', 800]]));
      expect(result.lastOffset).toBe(6);
    });
  });

  it('holds every event of a key that arrives parked, appending to what it holds', () => {
    const before: ParkedEntry = {
      key: 'o-1',
      eventId: 'e2',
      offset: 1,
      reason: 'boom e2',
      parkedAt: 5,
      held: [{ offset: 3, recordTimestamp: T, event: e5 }],
    };
    const parked = new Map([['o-1', before]]);
    const e9 = cancelled({ eventId: 'e9', orderId: 'o-1' });
    const result = foldBatch(
      [decodeRecord(eventRecord(e9, { offset: 9 }), MAX_BYTES)],
      foldInput(new Map(), new Map(), { parked }),
      ctx,
    );
    expect(result.counts).toMatchObject({ records: 1, applied: 0, held: 1 });
    expect(result.outputs).toEqual([]);
    expect(result.parked.changed.get('o-1')?.held.map((h) => [h.offset, h.event.eventId])).toEqual([
      [3, 'e5'],
      [9, 'e9'],
    ]);
    // The input entry is not changed in place.
    expect(before.held).toHaveLength(1);
    expect(parked.get('o-1')).toBe(before);
  });
});

describe('unparkBatch', () => {
  const parkedBatch = foldBatch(
    decoded,
    foldInput(new Map(), new Map([['USD', 100]]), { poisoned: new Set([1]) }),
    failing('e2'),
  );
  const entry = parkedBatch.parked.next.get('o-1');
  const o1 = parkedBatch.states.get('o-1')!;
  const input = (states: ReadonlyMap<string, OrderState> = new Map([['o-1', o1]])) =>
    foldInput(states, new Map([['USD', 900]]), { parked: parkedBatch.parked.next });

  it('applies the held events in order and keeps the applied offset passed in', () => {
    const result = unparkBatch(PARTITION, entry, 'o-1', 6, input(), ctx);

    expect(result.lastOffset).toBe(6);
    expect(result.firstOffset).toBe(3);
    expect(result.states.get('o-1')).toMatchObject({
      status: 'shipped',
      paidCents: 300,
      eventIds: ['e1', 'e5', 'e7'],
      updatedAt: T + 7,
    });
    expect(result.totalsDelta).toEqual(new Map([['USD', 300]]));
    expect(result.counts).toEqual({
      records: 2,
      applied: 2,
      duplicates: 0,
      anomalies: 0,
      deadLettered: 0,
      held: 0,
      late: 0,
    });
    expect(result.unparked).toEqual(['o-1']);
    expect(result.parked).toEqual({ next: new Map(), changed: new Map(), removed: ['o-1'] });
  });

  it('derives the held events’ records with their original offsets, numbered u0, u1, …', () => {
    const result = unparkBatch(PARTITION, entry, 'o-1', 6, input(), ctx);
    expect(result.outputs.map((o) => [o.topic, o.id, o.key])).toEqual([
      ['order-status', `${TOPIC}/3/3/u0`, 'o-1'],
      ['order-status', `${TOPIC}/3/5/u0`, 'o-1'],
      ['revenue-updates', `${TOPIC}/3/5/u1`, 'USD'],
    ]);
    expect(JSON.parse(String(result.outputs[0]!.value))).toEqual({
      orderId: 'o-1',
      status: 'paid',
      previousStatus: 'placed',
      eventId: 'e5',
      timestamp: T + 5,
    });
    expect(JSON.parse(String(result.outputs[2]!.value))).toEqual({
      partition: 3,
      currency: 'USD',
      deltaCents: 300,
      subtotalCents: 1200,
      firstOffset: 3,
      lastOffset: 5,
    });
  });

  it('of a key that is not parked, only clears the request', () => {
    const result = unparkBatch(PARTITION, undefined, 'o-7', 6, foldInput(), ctx);
    expect(result.unparked).toEqual(['o-7']);
    expect(result.parked.removed).toEqual([]);
    expect(result.outputs).toEqual([]);
    expect([result.firstOffset, result.lastOffset]).toEqual([6, 6]);
    expect(commitOperations(result).args).toEqual(['D', 11, 1, 'o-7']);
  });

  it('a held event that fails again is dead-lettered and parks the key with the events after it', () => {
    const result = unparkBatch(
      PARTITION,
      entry,
      'o-1',
      6,
      { ...input(), poisoned: new Set([3]) },
      failing('e5'),
    );
    expect(result.outputs.map((o) => [o.topic, o.id, o.headers['sf-error-class']])).toEqual([
      ['order-events-dlt', `${TOPIC}/3/3/u0`, 'processing'],
    ]);
    expect(result.counts).toMatchObject({ records: 2, deadLettered: 1, held: 1, applied: 0 });
    const again = result.parked.next.get('o-1');
    expect(again).toMatchObject({ key: 'o-1', eventId: 'e5', offset: 3, reason: 'boom e5' });
    expect(again?.held.map((h) => h.offset)).toEqual([5]);
    expect(result.parked.changed.get('o-1')).toEqual(again);
    expect(result.unparked).toEqual(['o-1']);
  });

  it('a key parked again during its unpark keeps its new entry in the commit', () => {
    const result = unparkBatch(
      PARTITION,
      entry,
      'o-1',
      6,
      { ...input(), poisoned: new Set([3]) },
      failing('e5'),
    );
    const parkedHash = new Map<string, string>();
    const { args } = commitOperations(result);
    for (let i = 0; i < args.length;) {
      const [op, hash, count] = [args[i], args[i + 1], Number(args[i + 2])];
      i += 3;
      const width = op === 'D' ? 1 : 2;
      if (hash === 10) {
        for (let n = 0; n < count; n++) {
          const f = String(args[i + n * width]);
          if (op === 'H') parkedHash.set(f, String(args[i + n * width + 1]));
          else parkedHash.delete(f);
        }
      }
      i += count * width;
    }
    expect([...parkedHash.keys()]).toEqual(['o-1']);
  });

  it('ids of the unparked events never repeat an id their original batch published', () => {
    const lastHeld = foldBatch(
      decoded.slice(0, 6), // ends with e7 at offset 5, held behind o-1
      foldInput(new Map(), new Map(), { poisoned: new Set([1]) }),
      failing('e2'),
    );
    const unparked = unparkBatch(
      PARTITION,
      lastHeld.parked.next.get('o-1'),
      'o-1',
      5,
      foldInput(new Map([['o-1', lastHeld.states.get('o-1')!]]), new Map(), {
        parked: lastHeld.parked.next,
      }),
      ctx,
    );
    const first = new Set(lastHeld.outputs.map((o) => o.id));
    expect(unparked.outputs.filter((o) => first.has(o.id)).map((o) => o.id)).toEqual([]);
  });
});
