import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, metricDefinitions, type Metrics } from '../../../src/metrics/index.js';

const t0 = 1_764_300_000_000;

interface Clock {
  now: number;
}

function setup(clock: Clock = { now: t0 }): { metrics: Metrics; clock: Clock } {
  const metrics = createMetrics(new Registry(), { now: () => clock.now });
  return { metrics, clock };
}

/** The sample lines of one metric name (exact name, any labels) in a scrape. */
async function samples(metrics: Metrics, name: string): Promise<string[]> {
  const { body } = await metrics.scrape();
  return body
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

async function value(metrics: Metrics, name: string, labels: string): Promise<number | undefined> {
  const line = (await samples(metrics, name)).find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('createMetrics', () => {
  it('registers every catalogue metric and the default process metrics on its registry', async () => {
    const { metrics } = setup();
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(metricDefinitions.map((d) => d.name)));
    expect(names).toEqual(
      expect.arrayContaining(['process_cpu_seconds_total', 'nodejs_heap_size_used_bytes']),
    );
  });

  it('builds independent instances, one registry each', async () => {
    const a = setup().metrics;
    const b = setup().metrics;
    a.recordConsumed('orders', 3);
    expect(await value(a, 'streamfold_records_consumed_total', 'topic="orders"')).toBe(3);
    expect(await value(b, 'streamfold_records_consumed_total', 'topic="orders"')).toBeUndefined();
  });

  it('serves the registry content type with the scrape', async () => {
    const { metrics } = setup();
    const scrape = await metrics.scrape();
    expect(scrape.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(scrape.body).toContain('# TYPE streamfold_consumer_lag gauge');
  });

  it('sets build info to 1 with the versions as labels, replacing an earlier one', async () => {
    const { metrics } = setup();
    metrics.setBuildInfo({ version: '0.0.1', librdkafkaVersion: '2.15.0', nodeVersion: 'v24.0.0' });
    metrics.setBuildInfo({ version: '0.1.0', librdkafkaVersion: '2.15.1' });
    expect(await samples(metrics, 'streamfold_build_info')).toEqual([
      `streamfold_build_info{version="0.1.0",node_version="${process.version}",librdkafka_version="2.15.1"} 1`,
    ]);
  });
});

describe('zeroKnownLabels', () => {
  it('creates every known counter series at 0 before the first event', async () => {
    const { metrics } = setup();
    metrics.zeroKnownLabels({ consumed: ['orders'], produced: ['order-status', 'orders-dlt'] });
    expect(await samples(metrics, 'streamfold_records_processed_total')).toEqual([
      'streamfold_records_processed_total{topic="orders",result="applied"} 0',
      'streamfold_records_processed_total{topic="orders",result="duplicate"} 0',
      'streamfold_records_processed_total{topic="orders",result="anomaly"} 0',
      'streamfold_records_processed_total{topic="orders",result="dead_lettered"} 0',
      'streamfold_records_processed_total{topic="orders",result="held"} 0',
    ]);
    // Six decode error classes, `processing` and `other`.
    expect(await samples(metrics, 'streamfold_records_failed_total')).toHaveLength(8);
    expect(await samples(metrics, 'streamfold_dead_letters_total')).toHaveLength(8);
    expect(await samples(metrics, 'streamfold_records_produced_total')).toEqual([
      'streamfold_records_produced_total{topic="order-status"} 0',
      'streamfold_records_produced_total{topic="orders-dlt"} 0',
    ]);
    expect(await value(metrics, 'streamfold_assigned_partitions', 'topic="orders"')).toBe(0);
    expect(await value(metrics, 'streamfold_batch_size_count', 'topic="orders"')).toBe(0);
    // Label sets that need no topic exist from the start.
    expect(await samples(metrics, 'streamfold_commit_failures_total')).toHaveLength(3);
    expect(await samples(metrics, 'streamfold_rebalances_total')).toHaveLength(2);
    expect(await samples(metrics, 'streamfold_redis_command_duration_seconds_count')).toHaveLength(
      6,
    );
  });

  it('does not reset what was already counted when called again', async () => {
    const { metrics } = setup();
    metrics.zeroKnownLabels({ consumed: ['orders'], produced: [] });
    metrics.recordConsumed('orders', 5);
    metrics.observeBatch('orders', 5, 0.1);
    metrics.setAssignedPartitions('orders', 3);
    metrics.zeroKnownLabels({ consumed: ['orders'], produced: [] });
    expect(await value(metrics, 'streamfold_records_consumed_total', 'topic="orders"')).toBe(5);
    expect(await value(metrics, 'streamfold_batch_size_count', 'topic="orders"')).toBe(1);
    expect(await value(metrics, 'streamfold_assigned_partitions', 'topic="orders"')).toBe(3);
  });
});

describe('counters and histograms', () => {
  it('maps unknown error classes onto the bounded `other`', async () => {
    const { metrics } = setup();
    metrics.recordFailed('orders', 'not-json');
    metrics.recordFailed('orders', 'some new class: with a message');
    metrics.recordDeadLetter('orders', 'schema', 2);
    expect(await samples(metrics, 'streamfold_records_failed_total')).toEqual([
      'streamfold_records_failed_total{topic="orders",reason="not-json"} 1',
      'streamfold_records_failed_total{topic="orders",reason="other"} 1',
    ]);
    expect(
      await value(metrics, 'streamfold_dead_letters_total', 'topic="orders",error_class="schema"'),
    ).toBe(2);
  });

  it('counts a fenced commit failure as a fenced write too', async () => {
    const { metrics } = setup();
    metrics.recordCommitFailure('fenced');
    metrics.recordCommitFailure('stale');
    metrics.recordFencedWrite();
    expect(await value(metrics, 'streamfold_commit_failures_total', 'reason="fenced"')).toBe(1);
    expect(await value(metrics, 'streamfold_commit_failures_total', 'reason="stale"')).toBe(1);
    expect(await samples(metrics, 'streamfold_fenced_writes_total')).toEqual([
      'streamfold_fenced_writes_total 2',
    ]);
  });

  it('times a batch: in flight while it runs, size and duration once it succeeds', async () => {
    const clock = { now: t0 };
    const { metrics } = setup(clock);
    let inFlight: number | undefined;
    await metrics.timeBatch('orders', 120, async () => {
      inFlight = (await metrics.registry.getSingleMetric('streamfold_in_flight_batches')?.get())
        ?.values[0]?.value;
      clock.now += 250;
    });
    await expect(
      metrics.timeBatch('orders', 7, () => Promise.reject(new Error('redis down'))),
    ).rejects.toThrow('redis down');
    expect(inFlight).toBe(1);
    expect(await samples(metrics, 'streamfold_in_flight_batches')).toEqual([
      'streamfold_in_flight_batches 0',
    ]);
    expect(await value(metrics, 'streamfold_batch_size_count', 'topic="orders"')).toBe(1);
    expect(await value(metrics, 'streamfold_batch_size_bucket', 'le="100",topic="orders"')).toBe(0);
    expect(await value(metrics, 'streamfold_batch_size_bucket', 'le="250",topic="orders"')).toBe(1);
    expect(await value(metrics, 'streamfold_batch_duration_seconds_sum', 'topic="orders"')).toBe(
      0.25,
    );
  });

  it('times Redis commands, failed ones included', async () => {
    const clock = { now: t0 };
    const { metrics } = setup(clock);
    const result = await metrics.timeRedisCommand('load_states', () => {
      clock.now += 3;
      return Promise.resolve('ok');
    });
    await expect(
      metrics.timeRedisCommand('commit', () => Promise.reject(new Error('timeout'))),
    ).rejects.toThrow();
    expect(result).toBe('ok');
    expect(
      await value(
        metrics,
        'streamfold_redis_command_duration_seconds_sum',
        'command="load_states"',
      ),
    ).toBe(0.003);
    expect(
      await value(metrics, 'streamfold_redis_command_duration_seconds_count', 'command="commit"'),
    ).toBe(1);
  });

  it('measures end-to-end latency from each record timestamp to the commit', async () => {
    const { metrics } = setup();
    metrics.observeEndToEndLatency('orders', [t0 - 2_000, t0 - 500, t0 + 100], t0);
    expect(
      await value(metrics, 'streamfold_end_to_end_latency_seconds_count', 'topic="orders"'),
    ).toBe(3);
    // 2 + 0.5 + 0 (a producer clock ahead of ours counts as no latency, never negative).
    expect(
      await value(metrics, 'streamfold_end_to_end_latency_seconds_sum', 'topic="orders"'),
    ).toBe(2.5);
  });
});

describe('per-partition gauges', () => {
  const id = { group: 'orders-worker', topic: 'orders', partition: 1 };
  const lagLabels = 'group="orders-worker",topic="orders",partition="1"';

  it('exports offsets and lag, the time lag computed at scrape time', async () => {
    const clock = { now: t0 };
    const { metrics } = setup(clock);
    metrics.setPartition({ ...id, appliedOffset: 41, committedOffset: 40 });
    metrics.setPartition({
      ...id,
      highWatermark: 100,
      oldestUnprocessed: { offset: 42, timestampMs: t0 - 1_000 },
    });
    expect(await value(metrics, 'streamfold_consumer_lag', lagLabels)).toBe(58);
    expect(await value(metrics, 'streamfold_consumer_lag_seconds', lagLabels)).toBe(1);
    expect(await value(metrics, 'streamfold_committed_offset', lagLabels)).toBe(40);
    expect(await value(metrics, 'streamfold_high_watermark', 'topic="orders",partition="1"')).toBe(
      100,
    );
    expect(await value(metrics, 'streamfold_applied_offset', 'topic="orders",partition="1"')).toBe(
      41,
    );
    clock.now += 9_000;
    expect(await value(metrics, 'streamfold_consumer_lag_seconds', lagLabels)).toBe(10);
    metrics.setPartition({ ...id, appliedOffset: 99 });
    expect(await value(metrics, 'streamfold_consumer_lag', lagLabels)).toBe(0);
    expect(await value(metrics, 'streamfold_consumer_lag_seconds', lagLabels)).toBe(0);
  });

  it('removePartition drops every series of that partition and no other', async () => {
    const { metrics } = setup();
    for (const partition of [1, 2]) {
      metrics.setPartition({
        ...id,
        partition,
        appliedOffset: 5,
        highWatermark: 10,
        committedOffset: 6,
      });
      metrics.setOutboxDepth('orders', partition, 3);
    }
    metrics.removePartition('orders', 1);
    const { body } = await metrics.scrape();
    const partitionSeries = body.split('\n').filter((l) => /partition="\d+"/.test(l));
    expect(partitionSeries.filter((l) => l.includes('partition="1"'))).toEqual([]);
    // What remains is partition 2, in each of the six per-partition metrics.
    expect(partitionSeries.map((l) => l.slice(0, l.indexOf('{'))).sort()).toEqual(
      [
        'streamfold_applied_offset',
        'streamfold_committed_offset',
        'streamfold_consumer_lag',
        'streamfold_consumer_lag_seconds',
        'streamfold_high_watermark',
        'streamfold_outbox_depth',
      ].sort(),
    );
  });

  it('moves a partition to its new group instead of exporting it twice', async () => {
    const { metrics } = setup();
    metrics.setPartition({ ...id, appliedOffset: 5, highWatermark: 10, committedOffset: 6 });
    metrics.setPartition({ ...id, group: 'other', committedOffset: 7 });
    expect(await samples(metrics, 'streamfold_committed_offset')).toEqual([
      'streamfold_committed_offset{group="other",topic="orders",partition="1"} 7',
    ]);
    expect(await samples(metrics, 'streamfold_consumer_lag')).toEqual([
      'streamfold_consumer_lag{group="other",topic="orders",partition="1"} 4',
    ]);
  });
});
