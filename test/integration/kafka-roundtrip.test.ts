import { afterEach, describe, expect, it } from 'vitest';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { KafkaTestKit } from '../helpers/kafka.js';
import { eventually, uniqueName } from '../helpers/env.js';
import { javaPartition } from '../helpers/murmur2.js';

const PARTITIONS = 6;
const MESSAGES = 10_000;
const KEYS = 2_000;

interface Received {
  key: string;
  partition: number;
  offset: number;
  seq: number;
  headerSeq: string;
  headerKey: string;
}

describe('real Kafka broker round trip', () => {
  const kit = new KafkaTestKit();
  afterEach(() => kit.close());

  it('produces 10,000 keyed records with headers and consumes them back in per-partition batches', async () => {
    const topic = await kit.createTopic('roundtrip', PARTITIONS);
    const admin = await kit.admin();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(metadata[0]?.partitions).toHaveLength(PARTITIONS);

    const producer = await kit.producer();
    const sends: Promise<KafkaJS.RecordMetadata[]>[] = [];
    for (let start = 0; start < MESSAGES; start += 1_000) {
      const messages: KafkaJS.Message[] = [];
      for (let seq = start; seq < start + 1_000; seq++) {
        const key = `order-${seq % KEYS}`;
        messages.push({
          key,
          value: JSON.stringify({ seq }),
          headers: { 'sf-test-seq': String(seq), 'sf-test-key': Buffer.from(key) },
        });
      }
      sends.push(producer.send({ topic, messages }));
    }
    await Promise.all(sends);

    // The broker's view: each partition holds exactly the records murmur2 assigns to it.
    const expectedPerPartition = new Array<number>(PARTITIONS).fill(0);
    for (let seq = 0; seq < MESSAGES; seq++) {
      const p = javaPartition(`order-${seq % KEYS}`, PARTITIONS);
      expectedPerPartition[p] = (expectedPerPartition[p] ?? 0) + 1;
    }
    const offsets = await admin.fetchTopicOffsets(topic);
    const highs = offsets.sort((a, b) => a.partition - b.partition).map((o) => Number(o.high));
    expect(highs).toEqual(expectedPerPartition);

    const groupId = uniqueName('roundtrip-group');
    const consumer = kit.consumer({ groupId, overrides: { 'js.consumer.max.batch.size': 500 } });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic] });
    const received: Received[] = [];
    const batchSizes: number[] = [];
    let commitCalls = 0;
    let resolveAll: () => void = () => undefined;
    const allReceived = new Promise<void>((resolve) => (resolveAll = resolve));
    await consumer.run({
      eachBatchAutoResolve: false,
      eachBatch: async (payload) => {
        const { batch } = payload;
        batchSizes.push(batch.messages.length);
        for (const m of batch.messages) {
          const headers = m.headers ?? {};
          received.push({
            key: m.key?.toString() ?? '',
            partition: batch.partition,
            offset: Number(m.offset),
            seq: (JSON.parse(m.value?.toString() ?? '{}') as { seq: number }).seq,
            headerSeq: String(headers['sf-test-seq']),
            headerKey: String(headers['sf-test-key']),
          });
          payload.resolveOffset(m.offset);
        }
        const next = String(Number(batch.lastOffset()) + 1);
        await consumer.commitOffsets([{ topic, partition: batch.partition, offset: next }]);
        commitCalls++;
        if (received.length >= MESSAGES) resolveAll();
      },
    });
    await allReceived;

    expect(received).toHaveLength(MESSAGES);
    expect(new Set(received.map((r) => r.seq)).size).toBe(MESSAGES);
    // Batched delivery within the configured cap, one commit per batch.
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(500);
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    expect(commitCalls).toBe(batchSizes.length);
    for (const r of received) {
      expect(r.partition).toBe(javaPartition(r.key, PARTITIONS));
      expect(r.key).toBe(`order-${r.seq % KEYS}`);
      expect(r.headerSeq).toBe(String(r.seq));
      expect(r.headerKey).toBe(r.key);
    }
    // Per key, records arrive in the order they were produced; offsets are dense per partition.
    const lastSeqByKey = new Map<string, number>();
    const offsetsByPartition = new Map<number, number[]>();
    for (const r of received) {
      expect(r.seq).toBeGreaterThan(lastSeqByKey.get(r.key) ?? -1);
      lastSeqByKey.set(r.key, r.seq);
      offsetsByPartition.set(r.partition, [
        ...(offsetsByPartition.get(r.partition) ?? []),
        r.offset,
      ]);
    }
    for (const [p, list] of offsetsByPartition) {
      expect(list).toEqual(Array.from({ length: expectedPerPartition[p] ?? 0 }, (_, i) => i));
    }

    // Commits are queued by the client; the group coordinator's view is what counts.
    const committed = await eventually(
      'committed offsets to reach the high watermarks',
      async () => {
        const fetched = await admin.fetchOffsets({ groupId: groupId, topics: [topic] });
        const byPartition = (fetched[0]?.partitions ?? [])
          .sort((a, b) => a.partition - b.partition)
          .map((p) => Number(p.offset));
        return byPartition.join() === expectedPerPartition.join() ? byPartition : undefined;
      },
    );
    expect(committed).toEqual(expectedPerPartition);
  });
});
