import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createMetrics, type Metrics } from '../../../src/metrics/index.js';
import type { BatchResult, DerivedRecord, SourceRecord } from '../../../src/pipeline/types.js';
import { loadLanguageTopology, type CompiledTopology } from '../../../src/topology/index.js';
import { WorkerTelemetry, type BatchStats } from '../../../src/worker/telemetry.js';

const SOURCE = 'order-events';
const GROUP = 'orders-group';
const outputs = {
  status: 'order-status',
  revenue: 'revenue-updates',
  anomalies: 'order-anomalies',
  deadLetter: 'order-events-dlt',
};

const topology: CompiledTopology = {
  name: 'orders',
  description: 'unit test topology',
  file: 'test.yaml',
  source: { topic: SOURCE, group: GROUP, partitions: 4, replicationFactor: 1 },
  event: { schema: 'order-event/v1', maxValueBytes: 65536 },
  outputs,
  aggregates: [],
  aggregators: [],
  parking: { maxAttempts: 3 },
};

interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Every sample of one metric name (exact name) in the scrape, labels parsed. */
async function samples(metrics: Metrics, name: string): Promise<Sample[]> {
  const { body } = await metrics.scrape();
  const result: Sample[] = [];
  for (const line of body.split('\n')) {
    const match = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) {
      labels[key!] = value!;
    }
    result.push({ labels, value: Number(match[3]) });
  }
  return result;
}

/** The value of the one sample whose labels are exactly `labels`, or undefined. */
async function value(
  metrics: Metrics,
  name: string,
  labels: Record<string, string>,
): Promise<number | undefined> {
  const found = (await samples(metrics, name)).filter(
    (s) =>
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value;
}

function derived(topic: string, id: string, headers: Record<string, string> = {}): DerivedRecord {
  return { topic, key: 'o-1', value: '{}', headers: { ...headers, 'sf-id': id }, id };
}

function sourceRecord(offset: number): SourceRecord {
  return {
    topic: SOURCE,
    partition: 2,
    offset,
    key: null,
    value: null,
    timestamp: Date.now() - 1000,
    headers: {},
  };
}

/** Offsets 10..19: 5 applied, 2 duplicates, 1 anomaly, 2 dead letters. */
function committedBatch(): BatchResult {
  const id = (offset: number, n = 0): string => `${SOURCE}/2/${offset}/${n}`;
  return {
    partition: 2,
    firstOffset: 10,
    lastOffset: 19,
    states: new Map(),
    totalsDelta: new Map([['USD', 1200]]),
    aggregates: new Map(),
    parked: { next: new Map(), changed: new Map(), removed: [] },
    unparked: [],
    outputs: [
      derived(outputs.status, id(10)),
      derived(outputs.status, id(11)),
      derived(outputs.deadLetter, id(12), { 'sf-error-class': 'schema' }),
      derived(outputs.status, id(13)),
      derived(outputs.anomalies, id(14)),
      derived(outputs.status, id(15)),
      derived(outputs.deadLetter, id(16), { 'sf-error-class': 'not-json' }),
      derived(outputs.status, id(19)),
      derived(outputs.revenue, id(19, 1)),
    ],
    counts: {
      records: 10,
      applied: 5,
      duplicates: 2,
      anomalies: 1,
      deadLettered: 2,
      held: 0,
      late: 0,
    },
  };
}

describe('WorkerTelemetry', () => {
  let metrics: Metrics;
  let stats: BatchStats[];
  let telemetry: WorkerTelemetry;

  beforeEach(() => {
    metrics = createMetrics(new Registry());
    stats = [];
    telemetry = new WorkerTelemetry(metrics, topology, (s) => stats.push(s));
  });

  it('zeroes the known series of the source and output topics at start', async () => {
    for (const result of ['applied', 'duplicate', 'anomaly', 'dead_lettered', 'held']) {
      expect(
        await value(metrics, 'streamfold_records_processed_total', { topic: SOURCE, result }),
      ).toBe(0);
    }
    for (const topic of Object.values(outputs)) {
      expect(await value(metrics, 'streamfold_records_produced_total', { topic })).toBe(0);
    }
    expect(await value(metrics, 'streamfold_assigned_partitions', { topic: SOURCE })).toBe(0);
  });

  it('counts a committed batch by result, under the source topic', async () => {
    const records = Array.from({ length: 10 }, (_, i) => sourceRecord(10 + i));
    telemetry.committed(committedBatch(), records);
    telemetry.committed(committedBatch(), records);

    const processed = (result: string) =>
      value(metrics, 'streamfold_records_processed_total', { topic: SOURCE, result });
    expect(await processed('applied')).toBe(10);
    expect(await processed('duplicate')).toBe(4);
    expect(await processed('anomaly')).toBe(2);
    expect(await processed('dead_lettered')).toBe(4);
    expect(await processed('held')).toBe(0);
    // No series under any other topic (e.g. an output topic).
    const topics = (await samples(metrics, 'streamfold_records_processed_total')).map(
      (s) => s.labels.topic,
    );
    expect(new Set(topics)).toEqual(new Set([SOURCE]));
  });

  it('counts held events, and a processing dead letter under reason processing', async () => {
    const batch = committedBatch();
    batch.counts = { ...batch.counts, records: 12, held: 2 };
    batch.outputs.push(
      derived(outputs.deadLetter, `${SOURCE}/2/19/2`, { 'sf-error-class': 'processing' }),
    );
    telemetry.committed(batch, [sourceRecord(10)]);

    expect(
      await value(metrics, 'streamfold_records_processed_total', { topic: SOURCE, result: 'held' }),
    ).toBe(2);
    expect(
      await value(metrics, 'streamfold_records_failed_total', {
        topic: SOURCE,
        reason: 'processing',
      }),
    ).toBe(1);
    expect(
      await value(metrics, 'streamfold_dead_letters_total', {
        topic: SOURCE,
        error_class: 'processing',
      }),
    ).toBe(1);
  });

  it('labels dead letters with the SOURCE topic and the error class, not the DLT topic', async () => {
    telemetry.committed(committedBatch(), [sourceRecord(10)]);

    const dead = (errorClass: string) =>
      value(metrics, 'streamfold_dead_letters_total', { topic: SOURCE, error_class: errorClass });
    expect(await dead('schema')).toBe(1);
    expect(await dead('not-json')).toBe(1);
    expect(await dead('too-large')).toBe(0);
    const deadTopics = (await samples(metrics, 'streamfold_dead_letters_total')).map(
      (s) => s.labels.topic,
    );
    expect(deadTopics).not.toContain(outputs.deadLetter);
    expect(new Set(deadTopics)).toEqual(new Set([SOURCE]));
    const failed = (reason: string) =>
      value(metrics, 'streamfold_records_failed_total', { topic: SOURCE, reason });
    expect(await failed('schema')).toBe(1);
    expect(await failed('not-json')).toBe(1);
  });

  it('maps an unknown or missing error class onto other', async () => {
    const batch = committedBatch();
    batch.outputs = [
      derived(outputs.deadLetter, `${SOURCE}/2/10/0`, { 'sf-error-class': 'brand-new-class' }),
      derived(outputs.deadLetter, `${SOURCE}/2/11/0`),
    ];
    telemetry.committed(batch, [sourceRecord(10)]);

    expect(
      await value(metrics, 'streamfold_dead_letters_total', {
        topic: SOURCE,
        error_class: 'other',
      }),
    ).toBe(2);
    const classes = (await samples(metrics, 'streamfold_dead_letters_total')).map(
      (s) => s.labels.error_class,
    );
    expect(classes).not.toContain('brand-new-class');
  });

  it('counts produced records per output topic', async () => {
    telemetry.committed(committedBatch(), [sourceRecord(10)]);

    const produced = (topic: string) =>
      value(metrics, 'streamfold_records_produced_total', { topic });
    expect(await produced(outputs.status)).toBe(5);
    expect(await produced(outputs.deadLetter)).toBe(2);
    expect(await produced(outputs.anomalies)).toBe(1);
    expect(await produced(outputs.revenue)).toBe(1);
    expect(await produced(SOURCE)).toBeUndefined();
  });

  it('sets the applied offset gauge and reports batch stats', async () => {
    telemetry.owned(2, 9);
    expect(
      await value(metrics, 'streamfold_applied_offset', { topic: SOURCE, partition: '2' }),
    ).toBe(9);

    telemetry.committed(committedBatch(), [sourceRecord(10)]);

    expect(
      await value(metrics, 'streamfold_applied_offset', { topic: SOURCE, partition: '2' }),
    ).toBe(19);
    expect(await value(metrics, 'streamfold_outbox_depth', { topic: SOURCE, partition: '2' })).toBe(
      0,
    );
    expect(stats).toEqual([
      {
        partition: 2,
        records: 10,
        applied: 5,
        duplicates: 2,
        anomalies: 1,
        deadLettered: 2,
        held: 0,
        late: 0,
        published: 9,
      },
    ]);
  });

  it('tracks assigned partitions and drops a revoked partition’s series', async () => {
    telemetry.assigned([1, 2], 2);
    telemetry.owned(1, 4);
    telemetry.owned(2, 9);
    telemetry.fetched(2, [sourceRecord(10)], 30);
    telemetry.offsetCommitted(2, 20);
    expect(await value(metrics, 'streamfold_assigned_partitions', { topic: SOURCE })).toBe(2);
    expect(
      await value(metrics, 'streamfold_high_watermark', { topic: SOURCE, partition: '2' }),
    ).toBe(30);
    expect(
      await value(metrics, 'streamfold_committed_offset', {
        group: GROUP,
        topic: SOURCE,
        partition: '2',
      }),
    ).toBe(20);

    telemetry.revoked([2], 1);

    expect(await value(metrics, 'streamfold_assigned_partitions', { topic: SOURCE })).toBe(1);
    for (const name of [
      'streamfold_applied_offset',
      'streamfold_high_watermark',
      'streamfold_committed_offset',
      'streamfold_outbox_depth',
      'streamfold_consumer_lag',
    ]) {
      const partitions = (await samples(metrics, name)).map((s) => s.labels.partition);
      expect(partitions, name).not.toContain('2');
    }
    expect(
      await value(metrics, 'streamfold_applied_offset', { topic: SOURCE, partition: '1' }),
    ).toBe(4);
    expect(await value(metrics, 'streamfold_rebalances_total', { type: 'assign' })).toBe(1);
    expect(await value(metrics, 'streamfold_rebalances_total', { type: 'revoke' })).toBe(1);
  });

  it('counts commit failures by reason, fenced ones also as fenced writes', async () => {
    telemetry.commitFailed('fenced');
    telemetry.commitFailed('stale');
    telemetry.commitFailed('stale');
    telemetry.commitFailed('error');

    const failures = (reason: string) =>
      value(metrics, 'streamfold_commit_failures_total', { reason });
    expect(await failures('fenced')).toBe(1);
    expect(await failures('stale')).toBe(2);
    expect(await failures('error')).toBe(1);
    expect(await value(metrics, 'streamfold_fenced_writes_total', {})).toBe(1);
  });

  it('observes the commit duration from commitStarted to the Kafka offset commit', async () => {
    telemetry.commitStarted(2);
    telemetry.offsetCommitted(2, 20);
    telemetry.offsetCommitted(2, 21);

    expect(await value(metrics, 'streamfold_commit_duration_seconds_count', {})).toBe(1);
  });

  it('observes partition handoffs under the topology, zeroed at start', async () => {
    const handoff = (suffix: string) =>
      value(metrics, `streamfold_partition_handoff_seconds_${suffix}`, { topology: 'orders' });
    expect(await handoff('count')).toBe(0);

    telemetry.handedOver(2, 0.2);
    telemetry.handedOver(3, 1.5);

    expect(await handoff('count')).toBe(2);
    expect(await handoff('sum')).toBeCloseTo(1.7);
    expect(
      await value(metrics, 'streamfold_partition_handoff_seconds_bucket', {
        topology: 'orders',
        le: '0.25',
      }),
    ).toBe(1);
  });
});

describe('WorkerTelemetry of a language topology', () => {
  const customers = loadLanguageTopology(
    new URL('../../../topologies/customers.yaml', import.meta.url).pathname,
  );
  const labels = { topology: 'customers', aggregate: 'customer-value' };

  it('counts the groups each committed batch changed, per aggregate, from a zeroed series', async () => {
    const metrics = createMetrics(new Registry());
    const telemetry = new WorkerTelemetry(metrics, customers);
    const name = 'streamfold_aggregate_groups_changed_total';
    expect(await value(metrics, name, labels)).toBe(0);
    const batch = {
      ...committedBatch(),
      outputs: [],
      partials: new Map([
        ['customer-value|cus-1', { orders: 1 }],
        ['customer-value|cus-2', { orders: 2 }],
      ]),
    };
    telemetry.committed(batch, [sourceRecord(10)]);
    telemetry.committed({ ...batch, partials: new Map() }, [sourceRecord(11)]);
    telemetry.committed(batch, [sourceRecord(12)]);
    expect(await value(metrics, name, labels)).toBe(4);
    expect((await samples(metrics, name)).map((s) => s.labels)).toEqual([labels]);
  });
});
