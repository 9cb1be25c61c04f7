import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DltSection } from '../../src/reconcile/index.js';
import type { ProgramReconcileReport } from '../../src/reconcile/program/index.js';
import { Scenario } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';
import { readAll, readDistinct, referenceOf } from '../helpers/windows-topic.js';

const PARTITIONS = 4;

/** What `streamfold simulate --json` prints (the fields used here). */
interface SimSummary {
  records: number;
  kinds: { event: number; duplicate: number; malformed: number; invalid: number };
}

/** A record of the aggregates topic: a group's metrics in one partition after a batch. */
interface AggregateUpdate {
  aggregate: string;
  partition: number;
  group: { customerId: string };
  value: Record<string, unknown>;
  firstOffset: number;
  lastOffset: number;
}

async function getJson(url: URL): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Input positions named by a dead-letter topic's provenance headers, sorted. */
function dltPositions(records: readonly { headers: Record<string, string> }[]): string[] {
  return records
    .map((r) => `${r.headers['sf-source-partition']}:${r.headers['sf-source-offset']}`)
    .sort();
}

describe('two topologies over one input topic', () => {
  let orders: Scenario;
  let customers: Scenario;

  beforeEach(async () => {
    // Windows never idle-close here (1 h): what the run leaves open stays open, deterministically.
    orders = new Scenario(
      PARTITIONS,
      {},
      {
        windows: { sizes: ['1m'], grace: '10s', idleTimeout: '1h' },
      },
    );
    customers = orders.sibling({
      name: 'customers',
      aggregates: ['customer-value'],
      aggregatesOnly: true,
    });
    await orders.createTopics();
    await customers.createTopics();
  });

  afterEach(async () => {
    // Cleans the sibling too (its workers, topics and the shared prefix).
    await orders.cleanup();
  });

  it('run at once from one simulated stream, and each one reconciles exactly', async () => {
    const sim = (await orders.simulate([
      '--orders',
      '3000',
      '--seed',
      '20251',
      '--duplicates',
      '0.02',
      '--malformed',
      '0.02',
      '--invalid-transitions',
      '0.02',
      '--currencies',
      'USD,EUR,GBP',
    ])) as unknown as SimSummary;
    expect(sim.kinds.malformed).toBeGreaterThan(20);
    expect(sim.kinds.duplicate).toBeGreaterThan(20);
    expect(sim.kinds.invalid).toBeGreaterThan(20);

    const ordersWorker = orders.startWorker();
    const customersWorker = customers.startWorker();
    await Promise.all([orders.waitDrained(60_000), customers.waitDrained(60_000)]);

    // Separate groups and namespaces: each topology's shards exist on their own.
    expect(orders.group).not.toBe(customers.group);
    expect(orders.topics.source).toBe(customers.topics.source);
    expect(await (await orders.reader()).partitions()).toEqual([0, 1, 2, 3]);
    expect(await (await customers.reader()).partitions()).toEqual([0, 1, 2, 3]);

    const [ordersRun, customersRun] = await Promise.all([
      orders.reconcile(),
      customers.reconcile(),
    ]);
    const ordersReport = ordersRun.report as unknown as ProgramReconcileReport;
    const customersReport = customersRun.report as unknown as ProgramReconcileReport;
    expect(ordersReport.topology).toBe('orders');
    expect(customersReport.topology).toBe('customers');

    // Both read the whole stream, and agree on what it holds.
    for (const report of [ordersReport, customersReport]) {
      expect(report.input.records).toBe(sim.records);
      expect(report.input.invalid).toBe(sim.kinds.malformed);
      expect(report.input.duplicates).toBe(sim.kinds.duplicate);
      expect(report.states).toMatchObject({
        ok: true,
        mismatchCount: 0,
        missing: 0,
        unexpected: 0,
      });
      expect(report.applied.ok).toBe(true);
    }
    expect(customersReport.input).toEqual(ordersReport.input);

    // Each topology's own extra: windows for orders, customer partials for customers.
    expect(ordersReport.aggregates['customer-value']).toBeUndefined();
    expect(ordersReport.windows).toMatchObject({ ok: true, problemCount: 0 });
    expect(ordersReport.windows!.expectedClosed).toBeGreaterThan(10);
    expect(customersReport.windows).toBeUndefined();
    const customersSection = customersReport.aggregates['customer-value']!;
    expect(customersSection).toMatchObject({ ok: true, mismatchCount: 0, mismatches: [] });
    expect(customersSection.expected).toBeGreaterThan(100);
    expect(customersSection.actual).toBe(customersSection.expected);

    // Each dead-letter topic holds every malformed record exactly once.
    for (const [report, topic] of [
      [ordersReport, orders.topics.deadLetter],
      [customersReport, customers.topics.deadLetter],
    ] as const) {
      const dlt: DltSection = report.dlt;
      expect(dlt).toMatchObject({
        ok: true,
        topic,
        expected: sim.kinds.malformed,
        actual: sim.kinds.malformed,
        records: sim.kinds.malformed,
        missing: 0,
        unexpected: 0,
        duplicates: 0,
        headerProblems: [],
        contentMismatches: [],
        pendingOutbox: 0,
      });
    }
    // The sections first (their differences make the failure message), then the verdicts.
    expect(ordersReport.aggregates.revenue?.ok).toBe(true);
    expect(customersReport.aggregates.revenue).toBeUndefined();
    expect(ordersReport.ok).toBe(true);
    expect(ordersRun.code).toBe(0);
    expect(customersReport.ok).toBe(true);
    expect(customersRun.code).toBe(0);

    // Independently: the reference over the input, read here, names the same dead letters…
    const input = await readAll(orders.topics.source);
    expect(input).toHaveLength(sim.records);
    const ref = referenceOf(input);
    const invalid = ref.model.invalid.map((r) => `${r.partition}:${r.offset}`).sort();
    expect(invalid).toHaveLength(sim.kinds.malformed);
    const [ordersDlt, customersDlt] = await Promise.all([
      readDistinct(orders.topics.deadLetter),
      readDistinct(customers.topics.deadLetter),
    ]);
    expect(dltPositions(ordersDlt.records)).toEqual(invalid);
    expect(dltPositions(customersDlt.records)).toEqual(invalid);

    // …the customers' aggregates topic ends, per source partition and customer, on the
    // reference's partial…
    const updates = await readDistinct(customers.topics.aggregates!);
    expect(updates.records).toHaveLength(updates.distinct.length);
    const lastPartials = new Map<number, Map<string, unknown>>();
    for (const r of updates.distinct) {
      const update = JSON.parse(r.value!.toString('utf8')) as AggregateUpdate;
      expect(update.aggregate).toBe('customer-value');
      const { customerId } = update.group;
      expect(r.key?.toString()).toBe(customerId);
      const partials = lastPartials.get(update.partition) ?? new Map<string, unknown>();
      lastPartials.set(update.partition, partials.set(customerId, { customerId, ...update.value }));
    }
    const expectedPartials = ref.customers.perPartition();
    expect([...lastPartials.keys()].sort()).toEqual([...expectedPartials.keys()]);
    for (const [p, partials] of expectedPartials) {
      expect(Object.fromEntries(lastPartials.get(p)!)).toEqual(Object.fromEntries(partials));
    }

    // …and the customers worker answers with the merged reference value, for customers whose
    // orders sit in several partitions, who paid in several currencies, or whose refund left 0.
    const merged = ref.customers.merged();
    const partitionsOf = new Map<string, number[]>();
    for (const [p, partials] of ref.customers.perPartition()) {
      for (const id of partials.keys()) partitionsOf.set(id, [...(partitionsOf.get(id) ?? []), p]);
    }
    const all = [...merged.values()];
    const picks = new Set<string>();
    const byPartitions = [...all].sort(
      (a, b) =>
        partitionsOf.get(b.customerId)!.length - partitionsOf.get(a.customerId)!.length ||
        b.orders - a.orders,
    );
    for (const c of byPartitions.slice(0, 3)) picks.add(c.customerId);
    const multiCurrency = all.find((c) => Object.keys(c.lifetimeValueCents).length >= 2);
    const zeroValue = all.find((c) => Object.values(c.lifetimeValueCents).includes(0));
    const withCancel = all.find((c) => c.cancelled > 0 && c.shipped > 0);
    for (const c of [multiCurrency, zeroValue, withCancel]) {
      expect(c).toBeDefined();
      picks.add(c!.customerId);
    }
    expect(partitionsOf.get(byPartitions[0]!.customerId)!.length).toBeGreaterThan(1);

    const url = await workerHttpUrl(customers.dir, customersWorker.pid!);
    const highs = await customers.highWatermarks();
    const appliedOffsets = Object.fromEntries([...highs].map(([p, high]) => [String(p), high - 1]));
    for (const id of picks) {
      const { status, body } = await getJson(new URL(`/customers/${encodeURIComponent(id)}`, url));
      expect(status).toBe(200);
      expect(body).toEqual({
        ...merged.get(id),
        partitions: partitionsOf.get(id),
        appliedOffsets,
      });
    }
    expect((await getJson(new URL('/customers/cus-nobody', url))).status).toBe(404);

    expect(await ordersWorker.stop()).toEqual({ code: 0, signal: null });
    expect(await customersWorker.stop()).toEqual({ code: 0, signal: null });
  });
});
