import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TopicRecord } from '../../src/kafka/read-topic.js';
import type { ProgramReconcileReport } from '../../src/reconcile/program/index.js';
import { sumWindows, type RefWindowResult } from '../../src/reconcile/reference-windows.js';
import { eventually } from '../helpers/env.js';
import { KafkaTestKit } from '../helpers/kafka.js';
import { Scenario } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';
import {
  HOUR,
  MINUTE,
  OrderBuilder,
  readAll,
  readDistinct,
  referenceOf,
  seededRandom,
  SIZES,
  type WireEvent,
} from '../helpers/windows-topic.js';

const S = 1000;
/** Event time zero: on an hour boundary, so window starts read as T0 + whole minutes. */
const T0 = Date.UTC(2025, 5, 2, 9, 0, 0);
const GRACE = 10 * S;
/** How much later than its event time a record may arrive: less than the grace, never late. */
const JITTER = 8 * S;
const IDLE = 0;

interface Timed {
  partition: number;
  /** Position in the partition's log: records are produced by ascending arrival. */
  arrival: number;
  event: WireEvent;
}

/**
 * Ordinary orders from `from` to `to` on one partition, each record arriving up to JITTER after
 * its event time (so out of order within the grace). An order's steps are at least 9 s apart in
 * event time, so its records still arrive in lifecycle order.
 */
function filler(
  rng: ReturnType<typeof seededRandom>,
  partition: number,
  from: number,
  to: number,
  gap: [number, number],
): Timed[] {
  const out: Timed[] = [];
  for (let t = from + rng.int(...gap), n = 0; t < to; t += rng.int(...gap), n += 1) {
    const order = new OrderBuilder(
      `p${partition}-${n}`,
      `cus-${rng.int(1, 12)}`,
      rng.pick(['USD', 'EUR']),
      rng.int(100, 99_999),
    );
    const steps = [order.placed(t)];
    let at = t + rng.int(9 * S, 40 * S);
    if (rng.chance(0.85)) {
      steps.push(order.paid(at));
      at += rng.int(9 * S, 40 * S);
      if (rng.chance(0.25)) steps.push(order.cancelled(at));
      else if (rng.chance(0.6)) steps.push(order.shipped(at));
    } else if (rng.chance(0.5)) {
      steps.push(order.cancelled(at));
    }
    for (const event of steps) {
      out.push({ partition, arrival: event.timestamp + rng.int(0, JITTER), event });
    }
  }
  return out;
}

/** At event time `t`, arriving at `arrival` (default: on time). */
const on = (partition: number, event: WireEvent, arrival = event.timestamp): Timed => ({
  partition,
  arrival,
  event,
});

/**
 * Partition 0 gets a few orders in the first 75 s and then nothing: its first minute closes by
 * watermark, the rest only when the partition goes idle. Partitions 1 and 2 keep going with
 * later event times, out of order within the grace, with late payments (1: late for 1m only;
 * 2: late for 1m and 1h), refunds (one netting a window's GBP to 0), and end with an event far
 * ahead (an order placed, an impossible shipment) that closes all their windows by watermark.
 */
function buildStream() {
  const rng = seededRandom(7_2025);
  const a = new OrderBuilder('p0-a', 'cus-1', 'USD', 1500);
  const b = new OrderBuilder('p0-b', 'cus-2', 'EUR', 2500);
  const c = new OrderBuilder('p0-c', 'cus-1', 'USD', 700);
  const d = new OrderBuilder('p0-d', 'cus-3', 'EUR', 990);
  const p0 = [
    on(0, a.placed(T0 + 5 * S)),
    on(0, a.paid(T0 + 20 * S)),
    on(0, b.placed(T0 + 30 * S)),
    on(0, b.paid(T0 + 50 * S)),
    on(0, c.placed(T0 + 55 * S)),
    on(0, d.placed(T0 + 66 * S)),
    // Watermark 72 s: [0, 60 s) closes (72 − 10 ≥ 60).
    on(0, d.paid(T0 + 72 * S)),
    // Out of order by 7 s, into the still open [60 s, 120 s).
    on(0, c.paid(T0 + 65 * S), T0 + 75 * S),
  ];

  const late1 = new OrderBuilder('p1-late', 'cus-4', 'USD', 4242);
  const late1Paid = late1.paid(T0 + 2 * MINUTE + 40 * S);
  const p1 = [
    ...filler(rng, 1, T0, T0 + 10 * MINUTE, [4 * S, 20 * S]),
    on(1, late1.placed(T0 + 2 * MINUTE + 20 * S)),
    // Its minute [2m, 3m) closed when the watermark reached 3m10s; arriving at 3m50s, the
    // frontier is exactly that minute's end. Its hour is open.
    on(1, late1Paid, T0 + 3 * MINUTE + 50 * S),
    on(1, new OrderBuilder('p1-flush', 'cus-5', 'EUR', 100).placed(T0 + 3 * HOUR)),
  ];

  const refund = new OrderBuilder('p2-refund', 'cus-6', 'USD', 12_345);
  const zero = new OrderBuilder('p2-zero', 'cus-7', 'GBP', 5_000);
  const late2 = new OrderBuilder('p2-late', 'cus-8', 'EUR', 777);
  const late2Paid = late2.paid(T0 + 55 * MINUTE);
  const p2 = [
    ...filler(rng, 2, T0, T0 + 70 * MINUTE, [40 * S, 120 * S]),
    on(2, refund.placed(T0 + 10 * MINUTE)),
    on(2, refund.paid(T0 + 10 * MINUTE + 20 * S)),
    // Given back in a later minute.
    on(2, refund.cancelled(T0 + 12 * MINUTE + 30 * S)),
    // Paid and given back within one minute: that minute's GBP is 0.
    on(2, zero.placed(T0 + 20 * MINUTE + 2 * S)),
    on(2, zero.paid(T0 + 20 * MINUTE + 5 * S)),
    on(2, zero.cancelled(T0 + 20 * MINUTE + 40 * S)),
    on(2, late2.placed(T0 + 50 * MINUTE)),
    // Arrives when the watermark is past 1h10s: both its minute and its hour have closed.
    on(2, late2Paid, T0 + 69 * MINUTE + 30 * S),
    // An impossible shipment (unknown order): not applied, but event time all the same.
    on(2, new OrderBuilder('p2-ghost', 'cus-9', 'USD', 1).shipped(T0 + 3 * HOUR)),
  ];

  // Stable sort: equal arrivals keep the order written above.
  const timed = [p0, p1, p2].flatMap((p) => [...p].sort((x, y) => x.arrival - y.arrival));
  return {
    timed,
    p0Windows: [
      {
        partition: IDLE,
        ...window('1m', T0),
        totals: { EUR: 2500, USD: 1500 },
        closedBy: 'watermark',
      },
      {
        partition: IDLE,
        ...window('1m', T0 + MINUTE),
        totals: { EUR: 990, USD: 700 },
        closedBy: 'idle',
      },
      { partition: IDLE, ...window('1h', T0), totals: { EUR: 3490, USD: 2200 }, closedBy: 'idle' },
    ] satisfies RefWindowResult[],
    /** Late (partition, eventId, size, window start), as designed. */
    late: [
      { partition: 1, eventId: late1Paid.eventId, size: '1m', start: T0 + 2 * MINUTE },
      { partition: 2, eventId: late2Paid.eventId, size: '1m', start: T0 + 55 * MINUTE },
      { partition: 2, eventId: late2Paid.eventId, size: '1h', start: T0 },
    ],
    zeroWindow: { partition: 2, size: '1m', start: T0 + 20 * MINUTE },
  };
}

function window(size: '1m' | '1h', start: number) {
  const ms = SIZES[size]!.ms;
  return { size, sizeMs: ms, start, end: start + ms };
}

const eventIdOf = (r: TopicRecord): string =>
  (JSON.parse(r.value!.toString('utf8')) as WireEvent).eventId;

const byWindow = (a: RefWindowResult, b: RefWindowResult): number =>
  a.partition - b.partition || a.sizeMs - b.sizeMs || a.start - b.start;

/** `GET /revenue/windows` as the reference says it must be once every window is closed. */
function expectedViews(results: readonly RefWindowResult[], size: string) {
  const ofSize = results.filter((r) => r.size === size);
  return sumWindows(ofSize).map((sum) => ({
    start: sum.start,
    end: sum.end,
    totals: sum.totals,
    final: true,
    partitions: Object.fromEntries(
      ofSize
        .filter((r) => r.start === sum.start)
        .map((r) => [String(r.partition), { totals: r.totals, state: r.closedBy }]),
    ),
  }));
}

/** A record of the windows topic: one closed window of one aggregate, its groups' metrics. */
interface ProgramWindowValue {
  aggregate: string;
  partition: number;
  size: string;
  sizeMs: number;
  start: number;
  end: number;
  groups: Record<string, { cents: number }>;
  closedBy: 'watermark' | 'idle';
}

/** The revenue window as the reference states it: currency → cents. */
function asRefWindow(value: ProgramWindowValue): RefWindowResult {
  expect(value.aggregate).toBe('revenue');
  const { groups, partition, size, sizeMs, start, end, closedBy } = value;
  const totals = Object.fromEntries(
    Object.entries(groups)
      .map(([currency, metrics]) => [currency, metrics.cents] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return { partition, size, sizeMs, start, end, totals, closedBy };
}

interface LateRef {
  partition: number;
  offset: number;
  sizeLabel: string;
  windowStart: number;
}

const byLate = (a: LateRef, b: LateRef): number =>
  a.partition - b.partition || a.offset - b.offset || a.windowStart - b.windowStart;

async function getJson(url: URL): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

interface WindowsBody {
  size: string;
  from: number;
  to: number;
  windows: { start: number; final: boolean; partitions: Record<string, { state: string }> }[];
  appliedOffsets: Record<string, number>;
}

describe('tumbling windows of event time', () => {
  let scenario: Scenario;
  const kit = new KafkaTestKit();

  beforeEach(async () => {
    scenario = new Scenario(
      3,
      {},
      {
        windows: { sizes: ['1m', '1h'], grace: '10s', idleTimeout: '2s' },
      },
    );
    await scenario.createTopics();
  });

  afterEach(async () => {
    await kit.close();
    await scenario.cleanup();
  });

  it('emit what the reference computes, late events routed, the idle partition closed', async () => {
    const stream = buildStream();
    // The stream is what it claims: out of order within the grace on partitions 0 and 1.
    for (const p of [0, 1]) {
      let max = -Infinity;
      let behind = 0;
      for (const { event } of stream.timed.filter((t) => t.partition === p)) {
        if (event.timestamp < max) behind += 1;
        max = Math.max(max, event.timestamp);
      }
      expect(behind).toBeGreaterThanOrEqual(p === 0 ? 1 : 5);
    }

    const producer = await kit.producer();
    await producer.send({
      topic: scenario.topics.source,
      messages: stream.timed.map(({ partition, event }) => ({
        partition,
        key: event.orderId,
        value: JSON.stringify(event),
      })),
    });
    const input = await readAll(scenario.topics.source);
    expect(input).toHaveLength(stream.timed.length);
    for (const p of [0, 1, 2]) {
      expect(input.filter((r) => r.partition === p).map(eventIdOf)).toEqual(
        stream.timed.filter((t) => t.partition === p).map((t) => t.event.eventId),
      );
    }

    // The reference: every record in offset order; partition 0 goes idle after its last one.
    const ref = referenceOf(input, { sizes: [SIZES['1m']!, SIZES['1h']!], graceMs: GRACE });
    const refWindows = ref.windows!;
    refWindows.closeIdle(IDLE);
    const expected = refWindows.results();
    const offsetOf = (eventId: string) => {
      const found = input.find((r) => eventIdOf(r) === eventId);
      return found!.offset;
    };
    const designedLate = stream.late
      .map((l) => ({
        partition: l.partition,
        offset: offsetOf(l.eventId),
        sizeLabel: l.size,
        windowStart: l.start,
      }))
      .sort(byLate);
    // The reference agrees with the hand-computed parts of the stream.
    expect(expected.filter((r) => r.partition === IDLE)).toEqual(stream.p0Windows);
    expect(refWindows.late().sort(byLate)).toEqual(designedLate);
    expect(
      expected.filter((r) => r.partition !== IDLE).every((r) => r.closedBy === 'watermark'),
    ).toBe(true);
    expect(
      expected.find(
        (r) =>
          r.partition === stream.zeroWindow.partition &&
          r.size === stream.zeroWindow.size &&
          r.start === stream.zeroWindow.start,
      )?.totals.GBP,
    ).toBe(0);
    expect(expected.some((r) => Object.values(r.totals).some((c) => c < 0))).toBe(true);
    // Nothing else is open at the end: the far-ahead events closed partitions 1 and 2.
    refWindows.finish();
    expect(refWindows.results()).toEqual(expected);
    expect(expected.filter((r) => r.partition === 1).length).toBeGreaterThan(8);
    expect(expected.filter((r) => r.partition === 2).length).toBeGreaterThan(30);

    const worker = scenario.startWorker();
    await scenario.waitDrained(30_000);
    const url = await workerHttpUrl(scenario.dir, worker.pid!);
    const windowsUrl = (size: string) =>
      new URL(`/revenue/windows?size=${size}&from=${T0}&to=${T0 + 3 * HOUR}`, url);

    // Partition 0 stays quiet: after the 2 s idle timeout its open windows close too.
    await eventually(
      'every window, the idle partition’s included, to be final',
      async () => {
        for (const size of ['1m', '1h']) {
          const { status, body } = await getJson(windowsUrl(size));
          const windows = (body as unknown as WindowsBody).windows;
          if (status !== 200 || windows.length === 0) return undefined;
          if (!windows.every((w) => w.final)) return undefined;
        }
        return true;
      },
      20_000,
      200,
    );
    const reader = await scenario.reader();
    await eventually('the outbox to be published', async () => {
      const depth = await reader.outboxDepth([0, 1, 2]);
      return [...depth.values()].every((n) => n === 0) ? true : undefined;
    });

    // The windows topic: one record per closed window, exactly the reference's results.
    const emitted = await readDistinct(scenario.topics.windows!);
    const results = emitted.distinct.map((r) => {
      const value = JSON.parse(r.value!.toString('utf8')) as ProgramWindowValue;
      expect(r.key?.toString()).toBe(`revenue/${value.size}/${value.start}`);
      return asRefWindow(value);
    });
    expect(results.sort(byWindow)).toEqual(expected);
    // Without crashes nothing is published twice, and sf-ids tell windows apart.
    expect(emitted.records).toHaveLength(expected.length);

    // The late topic: the late payment, once per window size it missed, with its original bytes.
    const late = await readDistinct(scenario.topics.late!);
    expect(late.records).toHaveLength(designedLate.length);
    const lateSeen = late.distinct
      .map((r) => ({
        partition: Number(r.headers['sf-source-partition']),
        offset: Number(r.headers['sf-source-offset']),
        sizeLabel: r.headers['sf-window-size'] ?? '',
        windowStart: Number(r.headers['sf-window-start']),
      }))
      .sort(byLate);
    expect(lateSeen).toEqual(designedLate);
    for (const r of late.distinct) {
      const source = input.find(
        (i) =>
          i.partition === Number(r.headers['sf-source-partition']) &&
          i.offset === Number(r.headers['sf-source-offset']),
      )!;
      expect(r.key).toEqual(source.key);
      expect(r.value).toEqual(source.value);
      // The partition's watermark then: the newest event time read before it.
      const before = input
        .filter((i) => i.partition === source.partition && i.offset < source.offset)
        .map((i) => (JSON.parse(i.value!.toString('utf8')) as WireEvent).timestamp);
      expect(r.headers['sf-watermark']).toBe(String(Math.max(...before)));
    }

    // The query: windows summed over partitions, each partition's part and how it closed.
    const highs = await scenario.highWatermarks();
    const appliedOffsets = Object.fromEntries([...highs].map(([p, high]) => [String(p), high - 1]));
    for (const size of ['1m', '1h']) {
      const { status, body } = await getJson(windowsUrl(size));
      expect(status).toBe(200);
      expect(body).toEqual({
        size,
        from: T0,
        to: T0 + 3 * HOUR,
        windows: expectedViews(expected, size),
        appliedOffsets,
      });
    }

    const { code, report: raw } = await scenario.reconcile();
    const report = raw as unknown as ProgramReconcileReport;
    expect(report.windows).toEqual({
      ok: true,
      expectedClosed: expected.length,
      expectedOpen: 0,
      actual: expected.length,
      late: { expected: designedLate.length, actual: designedLate.length },
      problemCount: 0,
      problems: [],
      perAggregate: {
        revenue: {
          expectedClosed: expected.length,
          expectedOpen: 0,
          actual: expected.length,
          problemCount: 0,
        },
      },
    });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);

    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
