import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  EMPTY_WINDOWS,
  foldBatch,
  idleCloseBatch,
  WindowFold,
  type FoldContext,
  type SourceRecord,
  type WindowSpec,
  type WindowState,
} from '../../../src/pipeline/index.js';
import {
  cancelled,
  ctx,
  eventRecord,
  foldInput,
  MAX_BYTES,
  paid,
  PARTITION,
  placed,
  TOPIC,
} from './fixtures.js';

const MIN = 60_000;
const HOUR = 3_600_000;
/** A whole hour: the start of a 1m and of a 1h window. */
const H = Date.UTC(2025, 0, 1, 10, 0, 0);

const M1 = { label: '1m', ms: MIN };
const H1 = { label: '1h', ms: HOUR };
const spec: WindowSpec = { sizes: [M1, H1], graceMs: 10_000, idleTimeoutMs: 30_000 };

const usd = (cents: number) => ({ currency: 'USD', cents });
const eur = (cents: number) => ({ currency: 'EUR', cents });

describe('WindowFold', () => {
  it('adds revenue to the open window of every size and records the increments', () => {
    const fold = new WindowFold(spec, PARTITION, EMPTY_WINDOWS);
    expect(fold.observe(H + 5_000, usd(100))).toEqual([]);
    expect(fold.observe(H + 20_000, eur(50))).toEqual([]);
    expect(fold.observe(H + 30_000, usd(25))).toEqual([]);
    expect(fold.observe(H + MIN + 1, usd(-10))).toEqual([]);

    const { next, increments, closed } = fold.changes();
    expect([...increments]).toEqual([
      [`1m|${H}|USD`, 125],
      [`1h|${H}|USD`, 115],
      [`1m|${H}|EUR`, 50],
      [`1h|${H}|EUR`, 50],
      [`1m|${H + MIN}|USD`, -10],
    ]);
    expect(closed).toEqual([]);
    expect(next.watermark).toBe(H + MIN + 1);
    // Watermark - grace, down to a multiple of the size.
    expect(next.frontiers).toEqual(
      new Map([
        ['1m', H],
        ['1h', H],
      ]),
    );
    expect(next.open).toEqual(
      new Map([
        [
          `1m|${H}`,
          new Map([
            ['USD', 125],
            ['EUR', 50],
          ]),
        ],
        [
          `1h|${H}`,
          new Map([
            ['USD', 115],
            ['EUR', 50],
          ]),
        ],
        [`1m|${H + MIN}`, new Map([['USD', -10]])],
      ]),
    );
    expect(fold.changes().next.open.size).toBe(3);
  });

  it('closes a window only once the watermark reaches its end + grace', () => {
    const fold = new WindowFold(spec, PARTITION, EMPTY_WINDOWS);
    fold.observe(H + 1_000, usd(300));
    fold.observe(H + 2_000, eur(40));

    fold.observe(H + MIN + 9_999);
    expect(fold.changes().closed).toEqual([]);

    fold.observe(H + MIN + 10_000);
    expect(fold.changes().closed).toEqual([
      {
        partition: PARTITION,
        size: '1m',
        sizeMs: MIN,
        start: H,
        end: H + MIN,
        totals: { EUR: 40, USD: 300 },
        closedBy: 'watermark',
      },
    ]);
    expect(fold.changes().next.open.has(`1m|${H}`)).toBe(false);
    expect(fold.changes().next.open.has(`1h|${H}`)).toBe(true);
    expect(fold.changes().next.frontiers.get('1m')).toBe(H + MIN);
  });

  it('a window with no grace closes as soon as an event at its end is read', () => {
    const fold = new WindowFold({ ...spec, graceMs: 0 }, PARTITION, EMPTY_WINDOWS);
    fold.observe(H + MIN - 1, usd(5));
    expect(fold.changes().closed).toEqual([]);
    fold.observe(H + MIN, usd(7));
    expect(fold.changes().closed.map((c) => [c.size, c.start, c.totals])).toEqual([
      ['1m', H, { USD: 5 }],
    ]);
    expect(fold.changes().next.open.get(`1m|${H + MIN}`)).toEqual(new Map([['USD', 7]]));
  });

  it('marks revenue late per size: only the sizes whose window had closed', () => {
    const fold = new WindowFold(spec, PARTITION, EMPTY_WINDOWS);
    fold.observe(H + 1_000, usd(100));
    fold.observe(H + MIN + 10_000); // closes 1m [H, H+1m); 1h [H, H+1h) stays open

    expect(fold.observe(H + 59_999, usd(7))).toEqual([{ size: M1, start: H }]);
    // Revenue of the open 1h window still counts; the closed 1m window is left alone.
    expect(fold.changes().increments.get(`1m|${H}|USD`)).toBe(100);
    expect(fold.changes().increments.get(`1h|${H}|USD`)).toBe(107);
    expect(fold.changes().closed.map((c) => c.totals)).toEqual([{ USD: 100 }]);
    // An older event never moves the watermark back.
    expect(fold.changes().next.watermark).toBe(H + MIN + 10_000);

    // The next 1m window is not late.
    expect(fold.observe(H + MIN, usd(1))).toEqual([]);

    fold.observe(H + HOUR + 10_000);
    expect(fold.observe(H + 3_000, usd(2))).toEqual([
      { size: M1, start: H },
      { size: H1, start: H },
    ]);
    // An event without revenue is never late.
    expect(fold.observe(H + 3_000)).toEqual([]);
  });

  it('closes every open window on idle, oldest first per size, and later revenue there is late', () => {
    const fold = new WindowFold(spec, PARTITION, EMPTY_WINDOWS);
    fold.observe(H + 1_000, usd(1));
    fold.observe(H + MIN + 1_000, usd(2));
    fold.observe(H + 2 * MIN + 1_000, eur(3));
    fold.closeIdle();

    expect(
      fold.changes().closed.map((c) => [c.size, c.start, c.end, c.totals, c.closedBy]),
    ).toEqual([
      ['1m', H, H + MIN, { USD: 1 }, 'watermark'],
      ['1m', H + MIN, H + 2 * MIN, { USD: 2 }, 'idle'],
      ['1m', H + 2 * MIN, H + 3 * MIN, { EUR: 3 }, 'idle'],
      ['1h', H, H + HOUR, { EUR: 3, USD: 3 }, 'idle'],
    ]);
    expect(fold.changes().next.open.size).toBe(0);
    expect(fold.changes().next.frontiers).toEqual(
      new Map([
        ['1m', H + 3 * MIN],
        ['1h', H + HOUR],
      ]),
    );
    expect(fold.observe(H + 2 * MIN + 2_000, usd(4))).toEqual([
      { size: M1, start: H + 2 * MIN },
      { size: H1, start: H },
    ]);
    expect(fold.observe(H + HOUR, usd(5))).toEqual([]);
  });

  it('closeIdle with no open window changes nothing', () => {
    const fold = new WindowFold(spec, PARTITION, EMPTY_WINDOWS);
    fold.closeIdle();
    expect(fold.changes().closed).toEqual([]);
    expect(fold.changes().next.frontiers.size).toBe(0);
    expect(fold.changes().next.watermark).toBeNull();
  });

  it('continues from the lease’s state without changing it', () => {
    const before: WindowState = {
      watermark: H + 30_000,
      frontiers: new Map([
        ['1m', H],
        ['1h', H],
      ]),
      open: new Map([
        [`1m|${H}`, new Map([['USD', 500]])],
        [`1h|${H}`, new Map([['USD', 500]])],
      ]),
    };
    const fold = new WindowFold(spec, PARTITION, before);
    fold.observe(H + 40_000, usd(20));
    fold.observe(H + MIN + 10_000);

    expect(fold.changes().closed.map((c) => [c.size, c.totals])).toEqual([['1m', { USD: 520 }]]);
    // Only this batch's revenue is an increment: the commit adds it to what Redis holds.
    expect([...fold.changes().increments]).toEqual([
      [`1m|${H}|USD`, 20],
      [`1h|${H}|USD`, 20],
    ]);
    expect(fold.changes().next.open.get(`1h|${H}`)).toEqual(new Map([['USD', 520]]));
    expect(before.watermark).toBe(H + 30_000);
    expect(before.frontiers.get('1m')).toBe(H);
    expect(before.open.get(`1m|${H}`)).toEqual(new Map([['USD', 500]]));
    expect(before.open.get(`1h|${H}`)).toEqual(new Map([['USD', 500]]));
  });
});

describe('foldBatch with windows', () => {
  const wctx: FoldContext = {
    ...ctx,
    outputs: { ...ctx.outputs, windows: 'revenue-windows', late: 'revenue-late' },
    windows: spec,
  };
  const fold = (records: SourceRecord[], windows: WindowState = EMPTY_WINDOWS) =>
    foldBatch(
      records.map((r) => decodeRecord(r, MAX_BYTES)),
      foldInput(new Map(), new Map(), { windows }),
      wctx,
    );

  it('publishes closed windows and late events, counts late once per size', () => {
    const records = [
      eventRecord(placed({ eventId: 'e1', orderId: 'o-1', totalCents: 900, timestamp: H }), {
        offset: 10,
      }),
      eventRecord(paid({ eventId: 'e2', orderId: 'o-1', amountCents: 900, timestamp: H + 1 }), {
        offset: 11,
      }),
      // Moves the watermark to end + grace of 1m [H, H+1m): that window closes here.
      eventRecord(
        placed({ eventId: 'e3', orderId: 'o-2', totalCents: 40, timestamp: H + MIN + 10_000 }),
        { offset: 12 },
      ),
      eventRecord(paid({ eventId: 'e4', orderId: 'o-2', amountCents: 40, timestamp: H + 5 }), {
        offset: 13,
      }),
    ];
    const result = fold(records);

    expect(result.counts).toMatchObject({ records: 4, applied: 4, late: 1 });
    expect(result.outputs.map((o) => [o.topic, o.id])).toEqual([
      ['order-status', `${TOPIC}/3/10/0`],
      ['order-status', `${TOPIC}/3/11/0`],
      ['order-status', `${TOPIC}/3/12/0`],
      ['revenue-windows', `${TOPIC}/3/window/1m/${H}`],
      ['order-status', `${TOPIC}/3/13/0`],
      ['revenue-late', `${TOPIC}/3/13/1`],
      ['revenue-updates', `${TOPIC}/3/13/2`],
    ]);

    const window = result.outputs[3]!;
    expect(window.key).toBe(`1m/${H}`);
    expect(window.value).toBe(
      `{"partition":3,"size":"1m","sizeMs":60000,"start":${H},"end":${H + MIN},` +
        `"totals":{"USD":900},"closedBy":"watermark"}`,
    );
    expect(window.headers).toEqual({ 'sf-id': `${TOPIC}/3/window/1m/${H}` });

    const late = result.outputs[5]!;
    expect(late.key).toEqual(Buffer.from('o-2'));
    expect(late.value).toEqual(records[3]!.value);
    expect(late.headers).toEqual({
      'sf-window-size': '1m',
      'sf-window-start': String(H),
      'sf-watermark': String(H + MIN + 10_000),
      'sf-source-topic': TOPIC,
      'sf-source-partition': '3',
      'sf-source-offset': '13',
      'sf-id': `${TOPIC}/3/13/1`,
    });

    // The late revenue still counts in the partition's totals and in the open 1h window.
    expect(result.totalsDelta).toEqual(new Map([['USD', 940]]));
    expect([...(result.windows?.increments ?? [])]).toEqual([
      [`1m|${H}|USD`, 900],
      [`1h|${H}|USD`, 940],
    ]);
  });

  it('a refund is negative revenue in the window of the cancellation’s event time', () => {
    const result = fold([
      eventRecord(placed({ eventId: 'e1', orderId: 'o-1', totalCents: 900, timestamp: H }), {
        offset: 0,
      }),
      eventRecord(paid({ eventId: 'e2', orderId: 'o-1', amountCents: 900, timestamp: H + 1 }), {
        offset: 1,
      }),
      eventRecord(cancelled({ eventId: 'e3', orderId: 'o-1', timestamp: H + MIN }), {
        offset: 2,
      }),
    ]);
    expect([...(result.windows?.increments ?? [])]).toEqual([
      [`1m|${H}|USD`, 900],
      [`1h|${H}|USD`, 0],
      [`1m|${H + MIN}|USD`, -900],
    ]);
    expect(result.totalsDelta.size).toBe(0);
  });

  it('counts late revenue but publishes nothing for it when the topology has no late topic', () => {
    const before: WindowState = {
      watermark: H + HOUR + 10_000,
      frontiers: new Map([
        ['1m', H + HOUR],
        ['1h', H + HOUR],
      ]),
      open: new Map(),
    };
    const noLate: FoldContext = { ...wctx, outputs: { ...ctx.outputs } };
    const result = foldBatch(
      [
        eventRecord(placed({ eventId: 'e1', orderId: 'o-1', totalCents: 9, timestamp: H }), {
          offset: 0,
        }),
        eventRecord(paid({ eventId: 'e2', orderId: 'o-1', amountCents: 9, timestamp: H }), {
          offset: 1,
        }),
      ].map((r) => decodeRecord(r, MAX_BYTES)),
      foldInput(new Map(), new Map(), { windows: before }),
      noLate,
    );
    expect(result.counts.late).toBe(2);
    expect(result.outputs.map((o) => o.topic)).toEqual([
      'order-status',
      'order-status',
      'revenue-updates',
    ]);
    expect(result.windows?.increments.size).toBe(0);
  });

  it('idleCloseBatch closes every open window, keeps the applied offset, derives only window results', () => {
    const before: WindowState = {
      watermark: H + 30_000,
      frontiers: new Map([
        ['1m', H],
        ['1h', H],
      ]),
      open: new Map([
        [
          `1m|${H}`,
          new Map([
            ['USD', 500],
            ['EUR', 20],
          ]),
        ],
        [`1h|${H}`, new Map([['USD', 500]])],
      ]),
    };
    const result = idleCloseBatch(
      PARTITION,
      41,
      foldInput(new Map(), new Map(), { windows: before }),
      wctx,
    );
    expect(result.firstOffset).toBe(41);
    expect(result.lastOffset).toBe(41);
    expect(result.states.size).toBe(0);
    expect(result.counts).toEqual({
      records: 0,
      applied: 0,
      duplicates: 0,
      anomalies: 0,
      deadLettered: 0,
      held: 0,
      late: 0,
    });
    expect(result.outputs.map((o) => [o.id, o.value])).toEqual([
      [
        `${TOPIC}/3/window/1m/${H}`,
        `{"partition":3,"size":"1m","sizeMs":60000,"start":${H},"end":${H + MIN},` +
          `"totals":{"EUR":20,"USD":500},"closedBy":"idle"}`,
      ],
      [
        `${TOPIC}/3/window/1h/${H}`,
        `{"partition":3,"size":"1h","sizeMs":3600000,"start":${H},"end":${H + HOUR},` +
          `"totals":{"USD":500},"closedBy":"idle"}`,
      ],
    ]);
    expect(result.windows?.next.open.size).toBe(0);
    expect(result.windows?.increments.size).toBe(0);
    expect(before.open.size).toBe(2);
  });
});
