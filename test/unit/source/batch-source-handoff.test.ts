import kafkaJavascript from '@confluentinc/kafka-javascript';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConnectionConfig } from '../../../src/config/index.js';
import type { ConsumerOptions, Producer } from '../../../src/kafka/index.js';
import { createMetrics, type Metrics } from '../../../src/metrics/index.js';
import type { SourceRecord } from '../../../src/pipeline/index.js';
import { OutboxRelay } from '../../../src/sinks/index.js';
import { BatchSource } from '../../../src/source/index.js';
import { PartitionProcessor } from '../../../src/protocol/partition-processor.js';
import { WorkerTelemetry } from '../../../src/worker/telemetry.js';
import { FakeStateStore } from '../../helpers/fake-state-store.js';
import { eventRecord, paid, placed, TOPIC, unitTopology } from '../pipeline/fixtures.js';

const { ErrorCodes } = kafkaJavascript.KafkaJS;

type RebalanceCb = (
  err: { code: number },
  assignment: KafkaJS.TopicPartition[],
  fns: { assignmentLost: () => boolean },
) => Promise<KafkaJS.TopicPartition[] | undefined>;

/** The consumer's side the source uses, driven by the test instead of a broker. */
class FakeConsumer {
  readonly commits: KafkaJS.TopicPartitionOffset[] = [];
  eachBatch: ((payload: KafkaJS.EachBatchPayload) => Promise<void>) | undefined;
  constructor(readonly opts: ConsumerOptions) {}
  get rebalance(): RebalanceCb {
    return this.opts.overrides?.rebalance_cb as unknown as RebalanceCb;
  }
  subscribe(): Promise<void> {
    return Promise.resolve();
  }
  run(config: KafkaJS.ConsumerRunConfig): Promise<void> {
    this.eachBatch = config.eachBatch;
    return Promise.resolve();
  }
  commitOffsets(offsets: KafkaJS.TopicPartitionOffset[]): Promise<void> {
    this.commits.push(...offsets);
    return Promise.resolve();
  }
  committed(): Promise<KafkaJS.TopicPartitionOffset[]> {
    return Promise.resolve([]);
  }
  seek(): void {}
  disconnect(): Promise<void> {
    return Promise.resolve();
  }
}

let consumer: FakeConsumer | undefined;

vi.mock('../../../src/kafka/index.js', async (importOriginal) => ({
  ...(await importOriginal<Record<string, unknown>>()),
  connectKafka: (client: unknown) => Promise.resolve(client),
  createConsumer: (_conn: unknown, _log: unknown, opts: ConsumerOptions) => {
    consumer = new FakeConsumer(opts);
    return consumer;
  },
}));

const P = 3;
const topology = unitTopology;

function payload(records: SourceRecord[]): KafkaJS.EachBatchPayload {
  const messages = records.map((r) => ({
    offset: String(r.offset),
    key: r.key,
    value: r.value,
    timestamp: String(r.timestamp),
    headers: {},
  }));
  return {
    batch: { topic: TOPIC, partition: P, messages, highWatermark: '100' },
    pause: () => () => undefined,
  } as unknown as KafkaJS.EachBatchPayload;
}

const orderRecords = (orderId: string, from: number): SourceRecord[] => [
  eventRecord(placed({ eventId: `${orderId}-1`, orderId }), { offset: from }),
  eventRecord(paid({ eventId: `${orderId}-2`, orderId }), { offset: from + 1 }),
];

interface LogLine {
  msg?: string;
  partition?: number;
  handoffSeconds?: number;
}

describe('BatchSource: partition handoff', () => {
  let metrics: Metrics;
  let lines: LogLine[];
  let source: BatchSource;

  beforeEach(async () => {
    lines = [];
    const log = pino(
      { level: 'info' },
      { write: (s: string) => lines.push(JSON.parse(s) as LogLine) },
    );
    const store = new FakeStateStore();
    const producer = { sendBatch: () => Promise.resolve([]) } as unknown as Producer;
    metrics = createMetrics(new Registry());
    const telemetry = new WorkerTelemetry(metrics, topology);
    const processor = new PartitionProcessor({
      topology,
      store,
      relay: new OutboxRelay(store, producer),
      log,
      workerVersion: '9.9.9',
      crash: () => undefined,
      observer: telemetry,
    });
    source = new BatchSource({
      conn: loadConnectionConfig({}, {}),
      log,
      topic: TOPIC,
      groupId: 'orders-group',
      group: { protocol: 'consumer', instanceId: 'worker-1' },
      clientId: 'test',
      handler: processor,
      concurrency: 1,
      maxBatchSize: 100,
      observer: telemetry,
      statsIntervalMs: 0,
    });
    await source.start();
  });

  const handoffs = async () => {
    const { body } = await metrics.scrape();
    const line = body
      .split('\n')
      .find((l) => l.startsWith('streamfold_partition_handoff_seconds_count{topology="orders"}'));
    return Number(line?.split(' ')[1]);
  };
  const handoffLines = () => lines.filter((l) => l.msg === 'partition handoff complete');
  const assign = (code: number) =>
    consumer!.rebalance({ code }, [{ topic: TOPIC, partition: P }], {
      assignmentLost: () => false,
    });

  it('hands the group settings to the consumer', () => {
    expect(consumer!.opts.group).toEqual({ protocol: 'consumer', instanceId: 'worker-1' });
  });

  it('measures and logs the time from assignment to the first committed batch, once', async () => {
    expect(await handoffs()).toBe(0);
    const assigned = await assign(ErrorCodes.ERR__ASSIGN_PARTITIONS);
    // Redis applied nothing yet: read from 0 whatever Kafka's committed offset says.
    expect(assigned).toEqual([{ topic: TOPIC, partition: P, offset: 0 }]);
    expect(handoffLines()).toEqual([]);

    await consumer!.eachBatch!(payload(orderRecords('o-1', 0)));
    expect(consumer!.commits).toEqual([{ topic: TOPIC, partition: P, offset: '2' }]);
    expect(await handoffs()).toBe(1);
    expect(handoffLines()).toMatchObject([{ partition: P }]);
    expect(handoffLines()[0]!.handoffSeconds).toBeGreaterThanOrEqual(0);

    // Later batches are not handoffs.
    await consumer!.eachBatch!(payload(orderRecords('o-2', 2)));
    expect(await handoffs()).toBe(1);

    // Revoked and assigned again (a rebalance moved it away and back): a new handoff.
    await assign(ErrorCodes.ERR__REVOKE_PARTITIONS);
    expect(await assign(ErrorCodes.ERR__ASSIGN_PARTITIONS)).toEqual([
      { topic: TOPIC, partition: P, offset: 4 },
    ]);
    await consumer!.eachBatch!(payload(orderRecords('o-3', 4)));
    expect(await handoffs()).toBe(2);
    expect(handoffLines()).toHaveLength(2);
  });

  it('counts no handoff for a partition revoked before its first commit', async () => {
    await assign(ErrorCodes.ERR__ASSIGN_PARTITIONS);
    await assign(ErrorCodes.ERR__REVOKE_PARTITIONS);
    expect(lines.some((l) => l.msg === 'partitions revoked')).toBe(true);
    // A batch that was already on its way when the partition was revoked: not committed here.
    await consumer!.eachBatch!(payload(orderRecords('o-1', 0)));
    expect(consumer!.commits).toEqual([]);
    expect(await handoffs()).toBe(0);
    expect(handoffLines()).toEqual([]);
  });
});
