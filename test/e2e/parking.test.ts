import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectKafka, createProducer, type Producer } from '../../src/kafka/index.js';
import { readTopic, type TopicRecord } from '../../src/kafka/read-topic.js';
import { DEFAULT_START_TIME } from '../../src/sim/options.js';
import { runCliJson } from '../helpers/cli.js';
import { testConnection, testLogger, uniqueName } from '../helpers/env.js';
import { javaPartition } from '../helpers/murmur2.js';
import { Scenario } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';

const PARTITIONS = 2;
const HOUR = 3_600_000;

/** The order whose payment fails processing: its events are written by hand. */
const X = 'ord-parked-x';
const base = { orderId: X, customerId: 'cus-parked-x' };
const placed = {
  eventId: 'evt-parked-x-placed',
  type: 'OrderPlaced',
  ...base,
  timestamp: DEFAULT_START_TIME + 1000,
  data: {
    items: [{ productId: 'sku-0042', quantity: 2, priceCents: 1250 }],
    totalCents: 2500,
    currency: 'USD',
  },
};
/** Poisoned: the worker runs with STREAMFOLD_FAIL_EVENT_IDS naming it. */
const paid = {
  eventId: 'evt-parked-x-paid',
  type: 'OrderPaid',
  ...base,
  timestamp: DEFAULT_START_TIME + 2000,
  data: { amountCents: 2500, currency: 'USD' },
};
const shipped = {
  eventId: 'evt-parked-x-shipped',
  type: 'OrderShipped',
  ...base,
  timestamp: DEFAULT_START_TIME + HOUR,
  data: { carrier: 'DHL', trackingId: 'JD0001' },
};
const cancelled = {
  eventId: 'evt-parked-x-cancelled',
  type: 'OrderCancelled',
  ...base,
  timestamp: DEFAULT_START_TIME + 2 * HOUR,
  data: { reason: 'customer request' },
};
/** Sent after the unpark: the key flows again, so it is applied (as an anomaly) at once. */
const paidAgain = {
  eventId: 'evt-parked-x-paid-again',
  type: 'OrderPaid',
  ...base,
  timestamp: DEFAULT_START_TIME + 3 * HOUR,
  data: { amountCents: 2500, currency: 'USD' },
};

type Event = typeof placed | typeof paid | typeof shipped | typeof cancelled;

interface ParkedRow {
  partition: number;
  key: string;
  eventId: string;
  offset: number;
  held: number;
  reason: string;
}

async function records(topic: string): Promise<TopicRecord[]> {
  const out: TopicRecord[] = [];
  await readTopic(testConnection(), testLogger(), topic, {
    timeoutMs: 30_000,
    onRecord: (r) => out.push(r),
  });
  return out;
}

const text = (b: Buffer | null) => b?.toString('utf8') ?? null;
const json = (r: TopicRecord) => JSON.parse(text(r.value)!) as Record<string, unknown>;

/** A worker's log lines (pino JSON), a line still being written left out. */
function logLines(scenario: Scenario, file: string): Record<string, unknown>[] {
  return readFileSync(path.join(scenario.dir, file), 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

async function getJson(url: URL): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('parking', () => {
  let scenario: Scenario | undefined;
  let producer: Producer | undefined;
  afterEach(async () => {
    await producer?.disconnect();
    await scenario?.cleanup();
    producer = undefined;
    scenario = undefined;
  });

  it('a key whose event fails processing is parked, its later events held in order, other keys unaffected; unpark applies them and reconcile is exact', async () => {
    const s = (scenario = new Scenario(PARTITIONS, {}, { parking: { maxAttempts: 2 } }));
    await s.createTopics();
    const conn = testConnection();
    producer = await connectKafka(
      createProducer(conn, testLogger(), { clientId: uniqueName('e2e-parking') }),
      conn,
      'producer',
    );
    const send = async (...events: (Event | typeof paidAgain)[]) => {
      await producer!.send({
        topic: s.topics.source,
        messages: events.map((e) => ({ key: e.orderId, value: JSON.stringify(e) })),
      });
    };
    const p = javaPartition(X, PARTITIONS);
    const parkedList = async () =>
      (await runCliJson<{ parked: ParkedRow[] }>(['unpark', s.file, '--list', '--json'], s.env))
        .json.parked;
    const later = (hours: number) => String(DEFAULT_START_TIME + hours * HOUR);

    // Simulated traffic on both partitions around X's events; X's payment is poisoned.
    await s.simulate(['--orders', '400', '--seed', '81']);
    await send(placed, paid);
    await s.simulate(['--orders', '400', '--seed', '82', '--start-time', later(1)]);
    await send(shipped);
    await s.simulate(['--orders', '100', '--seed', '83', '--start-time', later(2)]);

    const fault = { STREAMFOLD_FAIL_EVENT_IDS: paid.eventId };
    const first = s.startWorker(fault);
    // The partition flows on: every record applied, X's poisoned payment and held shipment too.
    await s.waitDrained(60_000);
    let url = await workerHttpUrl(s.dir, first.pid!);

    const input = await records(s.topics.source);
    const ofX = input.filter((r) => text(r.key) === X);
    expect(ofX.map((r) => [r.partition, JSON.parse(text(r.value)!) as Event])).toEqual([
      [p, placed],
      [p, paid],
      [p, shipped],
    ]);
    const [, paidAt, shippedAt] = ofX.map((r) => r.offset);
    // Other orders' events follow the poisoned one in its partition.
    const after = input.filter((r) => r.partition === p && r.offset > paidAt! && text(r.key) !== X);
    expect(after.length).toBeGreaterThan(100);

    // Two attempts, then the event went to the dead-letter topic, untouched, as a processing
    // failure, and X was parked.
    const failures = logLines(s, 'worker-0.log').filter((l) =>
      String(l.msg).startsWith('processing failed for good'),
    );
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ partition: p, offset: paidAt, key: X, attempts: 2 });
    const dlt = await records(s.topics.deadLetter);
    expect(dlt).toHaveLength(1);
    expect(text(dlt[0]!.key)).toBe(X);
    expect(text(dlt[0]!.value)).toBe(JSON.stringify(paid));
    expect(dlt[0]!.headers).toMatchObject({
      'sf-error-class': 'processing',
      'sf-error-message': `injected processing failure for ${paid.eventId}`,
      'sf-source-topic': s.topics.source,
      'sf-source-partition': String(p),
      'sf-source-offset': String(paidAt),
    });

    const parkedRow = {
      partition: p,
      key: X,
      eventId: paid.eventId,
      offset: paidAt,
      reason: `injected processing failure for ${paid.eventId}`,
    };
    expect(await parkedList()).toEqual([{ ...parkedRow, held: 1 }]);
    // X stands where it was before the poisoned payment.
    const highs = await s.highWatermarks();
    const orderX = () => getJson(new URL(`/orders/${X}`, url));
    const placedView = {
      orderId: X,
      customerId: base.customerId,
      status: 'placed',
      currency: 'USD',
      totalCents: 2500,
      paidCents: 0,
      appliedEvents: 1,
      updatedAt: placed.timestamp,
    };
    expect(await orderX()).toEqual({
      status: 200,
      body: { ...placedView, appliedOffsets: { [String(p)]: highs.get(p)! - 1 } },
    });

    // The parked key and its held events outlive the worker: the next one holds X's later
    // events too (behind the shipment), and does not try the poisoned payment again.
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const worker = s.startWorker(fault);
    url = await workerHttpUrl(s.dir, worker.pid!);
    await send(cancelled);
    await s.simulate(['--orders', '50', '--seed', '84', '--start-time', later(3)]);
    await s.waitDrained(60_000);
    const cancelledAt = (await records(s.topics.source)).find(
      (r) => text(r.key) === X && r.offset > shippedAt!,
    )!.offset;
    expect(await parkedList()).toEqual([{ ...parkedRow, held: 2 }]);
    expect((await orderX()).body).toMatchObject(placedView);
    const secondLog = logLines(s, 'worker-1.log');
    expect(secondLog.filter((l) => l.msg === 'partition owned' && l.partition === p)).toEqual([
      expect.objectContaining({ parked: 1 }),
    ]);
    expect(secondLog.filter((l) => String(l.msg).startsWith('processing failed'))).toEqual([]);
    expect(
      secondLog.filter((l) => l.msg === 'batch failed; partition paused, will re-read it'),
    ).toEqual([]);

    // Reconcile leaves the poisoned payment out: while X is parked, X alone differs.
    const parkedReport = await s.reconcile();
    expect(parkedReport.code).toBe(1);
    expect(parkedReport.report).toMatchObject({
      ok: false,
      states: {
        ok: false,
        mismatchCount: 1,
        mismatches: [
          {
            partition: p,
            key: X,
            diffs: {
              status: { expected: 'cancelled', actual: 'placed' },
              appliedEvents: { expected: 2, actual: 1 },
            },
          },
        ],
        missing: 0,
        unexpected: 0,
      },
      aggregates: { revenue: { ok: true } },
      applied: { ok: true },
      dlt: { ok: true, expected: 1, actual: 1 },
      parked: { poisoned: 1, keys: [{ partition: p, key: X, held: 2 }] },
    });
    const anomaliesOfX = async () =>
      (await records(s.topics.anomalies)).filter((r) => text(r.key) === X);
    expect(await anomaliesOfX()).toEqual([]);

    // Unpark: the held events are applied in order, without the poisoned payment. The worker
    // keeps its fault injection: the held events have other ids.
    const unparked = await runCliJson(['unpark', s.file, X, '--json'], s.env);
    expect(unparked).toEqual({ code: 0, json: { key: X, partition: p, released: 2 } });
    expect(await orderX()).toEqual({
      status: 200,
      body: {
        ...placedView,
        status: 'cancelled',
        appliedEvents: 2,
        updatedAt: cancelled.timestamp,
        appliedOffsets: { [String(p)]: (await s.highWatermarks()).get(p)! - 1 },
      },
    });
    expect(await parkedList()).toEqual([]);
    // Shipped before cancelled: shipping a placed order is the anomaly (the other order would
    // have been OrderShipped-from-cancelled). Records derived from replayed held events keep
    // their source positions, numbered u0, u1, … (derived-records.ts).
    const anomalies = await anomaliesOfX();
    expect(anomalies.map((r) => ({ id: r.headers['sf-id'], value: json(r) }))).toEqual([
      {
        id: `${s.topics.source}/${p}/${shippedAt}/u0`,
        value: {
          reason: 'OrderShipped-from-placed',
          event: shipped,
          source: { topic: s.topics.source, partition: p, offset: shippedAt },
        },
      },
    ]);
    const statuses = (await records(s.topics.status)).filter((r) => text(r.key) === X);
    expect(statuses.map((r) => [r.headers['sf-id'], json(r)])).toEqual([
      [
        `${s.topics.source}/${p}/${ofX[0]!.offset}/0`,
        {
          orderId: X,
          status: 'placed',
          previousStatus: null,
          eventId: placed.eventId,
          timestamp: placed.timestamp,
        },
      ],
      [
        `${s.topics.source}/${p}/${cancelledAt}/u0`,
        {
          orderId: X,
          status: 'cancelled',
          previousStatus: 'placed',
          eventId: cancelled.eventId,
          timestamp: cancelled.timestamp,
        },
      ],
    ]);

    const { code, report } = await s.reconcile();
    expect(report, JSON.stringify(report).slice(0, 4000)).toMatchObject({
      ok: true,
      parked: { poisoned: 1, keys: [] },
    });
    expect(code).toBe(0);

    // X is not parked any more: its next event is applied at once (an anomaly here).
    await send(paidAgain);
    await s.waitDrained(60_000);
    expect(await parkedList()).toEqual([]);
    expect((await anomaliesOfX()).map((r) => json(r).reason)).toEqual([
      'OrderShipped-from-placed',
      'OrderPaid-from-cancelled',
    ]);
    const final = await s.reconcile();
    expect(final.report).toMatchObject({ ok: true, parked: { poisoned: 1, keys: [] } });

    // A key that is not parked cannot be unparked.
    for (const key of [X, 'ord-never-seen']) {
      expect(await runCliJson(['unpark', s.file, key, '--json'], s.env, [1])).toEqual({
        code: 1,
        json: { error: 'not parked', key },
      });
    }

    // A rebuild replays the dead-lettered failure and the unpark at the same offsets: it agrees
    // with the live state and switches.
    const rebuilt = await runCliJson<{ outcome: string; diff: { empty: boolean } }>(
      ['rebuild', s.file, '--json'],
      s.env,
    );
    expect(rebuilt.json).toMatchObject({ outcome: 'switched', diff: { empty: true } });
    expect((await s.reconcile()).report).toMatchObject({ ok: true, parked: { poisoned: 1 } });
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
