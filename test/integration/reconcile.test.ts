import { readFileSync } from 'node:fs';
import type { RedisConnection } from '../../src/state/index.js';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { readTopic } from '../../src/kafka/read-topic.js';
import { reconcile, ReferenceModel, type InvalidInput } from '../../src/reconcile/index.js';
import { generate } from '../../src/sim/index.js';
import {
  createRedis,
  deleteMatching,
  shardKeys,
  StateReader,
  topologyKeys,
} from '../../src/state/index.js';
import { compileTopology, type CompiledTopology } from '../../src/topology/index.js';
import { testConnection, testLogger, uniqueName } from '../helpers/env.js';
import { KafkaTestKit } from '../helpers/kafka.js';

const PARTITIONS = 3;

/**
 * the built-in order topology (test/fixtures/legacy/orders.yaml) with this test's own names, so nothing is shared with other runs, and
 * without its windows (their reconciliation is tested end to end).
 */
function topologyFor(input: string, deadLetter: string): CompiledTopology {
  const doc = parse(readFileSync('test/fixtures/legacy/orders.yaml', 'utf8')) as Record<
    string,
    unknown
  >;
  delete doc.windows;
  const source = doc.source as Record<string, unknown>;
  return compileTopology(
    {
      ...doc,
      name: uniqueName('rec'),
      source: { ...source, topic: input, group: uniqueName('rec-group'), partitions: PARTITIONS },
      outputs: {
        status: uniqueName('rec-status'),
        revenue: uniqueName('rec-revenue'),
        anomalies: uniqueName('rec-anomalies'),
        deadLetter,
      },
    },
    'test topology',
  );
}

/** A dead letter as the worker writes it: original key and value, provenance headers. */
function deadLetter(topic: string, r: InvalidInput): KafkaJS.Message {
  return {
    key: r.key,
    value: r.value ?? Buffer.alloc(0),
    headers: {
      'sf-error-class': r.reason.split(':')[0] ?? 'schema',
      'sf-error-message': r.reason,
      'sf-source-topic': topic,
      'sf-source-partition': String(r.partition),
      'sf-source-offset': String(r.offset),
      'sf-failed-at': new Date().toISOString(),
      'sf-worker-version': 'test',
      'sf-id': `${topic}/${r.partition}/${r.offset}/0`,
    },
  };
}

describe('reconcile against the real broker and Redis', () => {
  const kit = new KafkaTestKit();
  const conn = testConnection();
  const log = testLogger();
  let redis: RedisConnection;
  let prefix: string;

  beforeEach(async () => {
    redis = createRedis(conn, { connectionName: 'streamfold-test' });
    await redis.connect();
    prefix = uniqueName('rectest');
  });

  afterEach(async () => {
    await deleteMatching(redis, `${prefix}:*`);
    await redis.quit();
    await kit.close();
  });

  it('is ok for a state written from the reference, then reports exactly the injected differences', async () => {
    const input = await kit.createTopic('rec-in', PARTITIONS);
    const dlt = await kit.createTopic('rec-dlt', 1);
    const topology = topologyFor(input, dlt);
    const producer = await kit.producer();
    const simulated = [
      ...generate({
        orders: 80,
        seed: 17,
        duplicates: 0.2,
        malformed: 0.2,
        invalidTransitions: 0.2,
        maxValueBytes: topology.event.maxValueBytes,
      }),
    ];
    await producer.send({
      topic: input,
      messages: simulated.map((r) => ({ key: r.key, value: r.value })),
    });

    // The expected state, computed from what the broker holds (the producer chose partitions)
    // and written to Redis by hand the way the commit script lays it out.
    const model = new ReferenceModel(topology.event.maxValueBytes);
    const read = await readTopic(conn, log, input, { onRecord: (r) => model.apply(r) });
    expect(model.counts.records).toBe(simulated.length);
    expect(model.counts.invalid).toBe(simulated.filter((r) => r.kind === 'malformed').length);
    // One transaction per shard: a shard is one hash slot, the shards are not (Redis Cluster).
    for (const { partition, high } of read.partitions) {
      const keys = shardKeys(prefix, topology.name, partition);
      const write = redis.multi();
      for (const entry of model.orders.get(partition)?.values() ?? []) {
        write.hset(
          keys.states,
          entry.order.orderId,
          JSON.stringify({ ...entry.order, eventIds: entry.eventIds }),
        );
      }
      for (const [currency, cents] of model.totals.get(partition) ?? []) {
        write.hset(keys.totals, currency, String(cents));
      }
      if (high > 0) write.set(keys.applied, String(high - 1));
      await write.exec();
      await redis.sadd(topologyKeys(prefix, topology.name).partitions, String(partition));
    }
    // Every dead letter, and the second one twice (a republished outbox entry).
    const letters = model.invalid.map((r) => deadLetter(input, r));
    expect(letters.length).toBeGreaterThan(2);
    await producer.send({
      topic: dlt,
      messages: [...letters, deadLetter(input, model.invalid[1]!)],
    });

    const reader = new StateReader(redis, prefix, topology.name);
    const report = await reconcile({ conn, log, topology, reader, timeoutMs: 60_000 });
    expect(report.ok, JSON.stringify(report, null, 2)).toBe(true);
    expect(report.input).toMatchObject({
      topic: input,
      records: simulated.length,
      invalid: model.counts.invalid,
      duplicates: simulated.filter((r) => r.kind === 'duplicate').length,
      anomalies: simulated.filter((r) => r.kind === 'invalid').length,
      truncated: [],
    });
    expect(report.orders).toMatchObject({ expected: 80, actual: 80, mismatchCount: 0 });
    expect(report.dlt).toMatchObject({
      expected: model.invalid.length,
      actual: model.invalid.length,
      records: model.invalid.length + 1,
      duplicates: 1,
    });
    expect(report.dlt.duplicatePositions).toEqual([
      { partition: model.invalid[1]!.partition, offset: model.invalid[1]!.offset, count: 2 },
    ]);

    // Corrupt one paid order's paidCents, and lose the first dead letter.
    const [partition, victim] = model.entries().find(([, e]) => e.order.paidCents > 0)!;
    const keys = shardKeys(prefix, topology.name, partition);
    const stored = JSON.parse((await redis.hget(keys.states, victim.order.orderId))!) as {
      paidCents: number;
    };
    await redis.hset(
      keys.states,
      victim.order.orderId,
      JSON.stringify({ ...stored, paidCents: stored.paidCents + 1 }),
    );
    const admin = await kit.admin();
    await admin.deleteTopicRecords({ topic: dlt, partitions: [{ partition: 0, offset: '1' }] });

    const broken = await reconcile({ conn, log, topology, reader, timeoutMs: 60_000 });
    expect(broken.ok).toBe(false);
    expect(broken.orders).toMatchObject({ mismatchCount: 1, missing: 0, unexpected: 0 });
    expect(broken.orders.mismatches).toEqual([
      {
        partition,
        orderId: victim.order.orderId,
        diffs: {
          paidCents: { expected: victim.order.paidCents, actual: victim.order.paidCents + 1 },
        },
      },
    ]);
    expect(broken.revenue.ok).toBe(true);
    expect(broken.applied.ok).toBe(true);
    const lost = model.invalid[0]!;
    expect(broken.dlt).toMatchObject({
      ok: false,
      missing: 1,
      missingPositions: [{ partition: lost.partition, offset: lost.offset }],
      unexpected: 0,
      duplicates: 1,
      headerProblems: [],
      contentMismatches: [],
    });
  });

  it('is ok for an empty input, an empty dead-letter topic and no state', async () => {
    const topology = topologyFor(
      await kit.createTopic('rec-empty', 2),
      await kit.createTopic('rec-empty-dlt', 1),
    );
    const reader = new StateReader(redis, prefix, topology.name);
    const report = await reconcile({ conn, log, topology, reader, timeoutMs: 30_000 });
    expect(report.ok).toBe(true);
    expect(report.input.records).toBe(0);
    expect(report.applied.expected).toEqual({ '0': -1, '1': -1 });
  });

  it('reports records the worker has not applied yet', async () => {
    const input = await kit.createTopic('rec-lag', 1);
    const topology = topologyFor(input, await kit.createTopic('rec-lag-dlt', 1));
    const producer = await kit.producer();
    await producer.send({
      topic: input,
      messages: [...generate({ orders: 3, seed: 1 })].map((r) => ({ key: r.key, value: r.value })),
    });
    const reader = new StateReader(redis, prefix, topology.name);
    const report = await reconcile({ conn, log, topology, reader, timeoutMs: 30_000 });
    expect(report.ok).toBe(false);
    expect(report.orders).toMatchObject({ expected: 3, actual: 0, missing: 3 });
    expect(report.applied.mismatches).toEqual([
      { partition: 0, expected: report.input.records - 1, actual: -1 },
    ]);
  });
});
