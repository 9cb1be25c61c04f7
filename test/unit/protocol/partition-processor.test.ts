import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Producer } from '../../../src/kafka/index.js';
import {
  ProcessingError,
  type BatchResult,
  type DerivedRecord,
  type OrderEvent,
  type ParkedEntry,
  type SourceRecord,
} from '../../../src/pipeline/index.js';
import { OutboxRelay } from '../../../src/sinks/index.js';
import type { CompiledTopology } from '../../../src/topology/index.js';
import { CrashPoints, type CrashPoint } from '../../../src/protocol/crash-points.js';
import {
  PartitionProcessor,
  type ProcessorObserver,
} from '../../../src/protocol/partition-processor.js';
import { FakeStateStore } from '../../helpers/fake-state-store.js';
import {
  eventRecord,
  paid,
  PARTITION,
  placed,
  rawRecord,
  shipped,
  TOPIC,
  unitTopology,
} from '../pipeline/fixtures.js';

const P = PARTITION;

const topology = unitTopology;

interface Published {
  topic: string;
  key: unknown;
  value: unknown;
  headers: Record<string, unknown>;
}

/** Captures `sendBatch` calls; the only producer method the relay uses. */
class FakeProducer {
  readonly batches: KafkaJS.ProducerBatch[] = [];
  constructor(private readonly timeline: string[]) {}

  sendBatch(batch: KafkaJS.ProducerBatch): Promise<KafkaJS.RecordMetadata[]> {
    this.batches.push(batch);
    const count = (batch.topicMessages ?? []).reduce((n, t) => n + t.messages.length, 0);
    this.timeline.push(`publish:${count}`);
    return Promise.resolve([]);
  }

  published(): Published[] {
    return this.batches.flatMap((b) =>
      (b.topicMessages ?? []).flatMap((t) =>
        t.messages.map((m) => ({
          topic: t.topic,
          key: m.key,
          value: m.value,
          headers: { ...m.headers },
        })),
      ),
    );
  }

  sfIds(): unknown[] {
    return this.published().map((m) => m.headers['sf-id']);
  }
}

interface Committed {
  batch: BatchResult;
  records: readonly SourceRecord[];
}

class RecordingObserver implements ProcessorObserver {
  readonly committedBatches: Committed[] = [];
  readonly failures: ('fenced' | 'stale' | 'error')[] = [];
  constructor(private readonly timeline: string[]) {}

  owned(partition: number, applied: number): void {
    this.timeline.push(`owned:${partition}:${applied}`);
  }
  commitStarted(partition: number): void {
    this.timeline.push(`commitStarted:${partition}`);
  }
  committed(batch: BatchResult, records: readonly SourceRecord[]): void {
    this.committedBatches.push({ batch, records });
    this.timeline.push(`committed:${batch.partition}:${batch.firstOffset}-${batch.lastOffset}`);
  }
  commitFailed(reason: 'fenced' | 'stale' | 'error'): void {
    this.failures.push(reason);
    this.timeline.push(`commitFailed:${reason}`);
  }
}

interface Harness {
  store: FakeStateStore;
  producer: FakeProducer;
  observer: RecordingObserver;
  timeline: string[];
  processor: PartitionProcessor;
  /** Another worker's processor over the same store (a rival owner). */
  rival(): PartitionProcessor;
}

interface HarnessOptions {
  pageSize?: number;
  crash?: (point: CrashPoint) => void;
  topology?: CompiledTopology;
  beforeApply?: (event: OrderEvent) => void;
  now?: () => number;
}

function harness(opts: HarnessOptions = {}): Harness {
  const timeline: string[] = [];
  const store = new FakeStateStore();
  const producer = new FakeProducer(timeline);
  const observer = new RecordingObserver(timeline);
  const log = pino({ level: 'silent' });
  const make = (obs?: ProcessorObserver): PartitionProcessor =>
    new PartitionProcessor({
      topology: opts.topology ?? topology,
      store,
      relay: new OutboxRelay(store, producer as unknown as Producer, opts.pageSize),
      log,
      workerVersion: '9.9.9',
      crash: (point) => {
        timeline.push(`crash:${point}`);
        opts.crash?.(point);
      },
      ...(obs ? { observer: obs } : {}),
      ...(opts.beforeApply ? { beforeApply: opts.beforeApply } : {}),
      ...(opts.now ? { now: opts.now } : {}),
    });
  return { store, producer, observer, timeline, processor: make(observer), rival: () => make() };
}

// Offsets 0..2: o-1 placed and paid (USD revenue), o-2 placed (EUR, no revenue yet).
const batch1 = (): SourceRecord[] => [
  eventRecord(placed({ eventId: 'e1', orderId: 'o-1', totalCents: 9998 }), { offset: 0 }),
  eventRecord(paid({ eventId: 'e2', orderId: 'o-1', amountCents: 9998 }), { offset: 1 }),
  eventRecord(placed({ eventId: 'e3', orderId: 'o-2', totalCents: 500, currency: 'EUR' }), {
    offset: 2,
  }),
];

// Offsets 3..4: o-2 paid (EUR revenue), o-1 shipped.
const batch2 = (): SourceRecord[] => [
  eventRecord(paid({ eventId: 'e4', orderId: 'o-2', amountCents: 500, currency: 'EUR' }), {
    offset: 3,
  }),
  eventRecord(shipped({ eventId: 'e5', orderId: 'o-1', carrier: 'ups' }), { offset: 4 }),
];

const batch1Ids = [
  `${TOPIC}/${P}/0/0`,
  `${TOPIC}/${P}/1/0`,
  `${TOPIC}/${P}/2/0`,
  `${TOPIC}/${P}/2/1`,
];
const batch2Ids = [`${TOPIC}/${P}/3/0`, `${TOPIC}/${P}/4/0`, `${TOPIC}/${P}/4/1`];

describe('PartitionProcessor.handleBatch', () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('fences on the first batch, commits states/totals/outbox once and drains the outbox', async () => {
    const outcome = await h.processor.handleBatch(P, batch1());

    expect(outcome).toEqual({ kind: 'done', nextOffset: 3 });
    const shard = h.store.shard(P);
    expect(shard.epoch).toBe(1);
    expect(shard.applied).toBe(2);
    expect(h.store.state(P, 'o-1')).toMatchObject({
      status: 'paid',
      currency: 'USD',
      totalCents: 9998,
      paidCents: 9998,
      appliedEvents: 2,
      eventIds: ['e1', 'e2'],
    });
    expect(h.store.state(P, 'o-2')).toMatchObject({
      status: 'placed',
      currency: 'EUR',
      paidCents: 0,
      eventIds: ['e3'],
    });
    expect([...shard.totals]).toEqual([['USD', 9998]]);
    // Published, then removed from the outbox.
    expect(shard.outbox).toEqual([]);
    expect(h.producer.batches).toHaveLength(1);
    const published = h.producer.published();
    expect(published.map((m) => m.topic)).toEqual([
      'order-status',
      'order-status',
      'order-status',
      'revenue-updates',
    ]);
    expect(h.producer.sfIds()).toEqual(batch1Ids);
    const revenue = published.find((m) => m.topic === 'revenue-updates');
    expect(JSON.parse(String(revenue?.value))).toEqual({
      partition: P,
      currency: 'USD',
      deltaCents: 9998,
      subtotalCents: 9998,
      firstOffset: 0,
      lastOffset: 2,
    });
    // Fence, drain (empty), load, commit, publish from memory + ack: no read back.
    expect(h.store.calls).toEqual([
      `acquire:${P}`,
      `pendingOutbox:${P}`,
      `loadStates:${P}`,
      `commit:${P}`,
      `ackOutbox:${P}`,
    ]);
    expect(await h.store.pendingOutbox(P, 10)).toEqual([]);
  });

  it('reports owned, commitStarted and committed (with the batch and its fresh records)', async () => {
    await h.processor.handleBatch(P, batch1());

    expect(h.timeline.filter((e) => !e.startsWith('crash:') && !e.startsWith('publish'))).toEqual([
      `owned:${P}:-1`,
      `commitStarted:${P}`,
      `committed:${P}:0-2`,
    ]);
    expect(h.observer.failures).toEqual([]);
    const [first] = h.observer.committedBatches;
    expect(first?.batch).toMatchObject({
      partition: P,
      firstOffset: 0,
      lastOffset: 2,
      counts: { records: 3, applied: 3, duplicates: 0, anomalies: 0, deadLettered: 0 },
    });
    expect([...(first?.batch.totalsDelta ?? [])]).toEqual([['USD', 9998]]);
    expect(first?.records.map((r) => r.offset)).toEqual([0, 1, 2]);
  });

  it('keeps the lease across batches and carries the totals into the revenue subtotal', async () => {
    await h.processor.handleBatch(P, batch1());
    const outcome = await h.processor.handleBatch(P, batch2());

    expect(outcome).toEqual({ kind: 'done', nextOffset: 5 });
    expect(h.store.shard(P).epoch).toBe(1);
    expect(h.store.calls.filter((c) => c.startsWith('acquire'))).toHaveLength(1);
    expect(h.store.shard(P).applied).toBe(4);
    expect([...h.store.shard(P).totals]).toEqual([
      ['USD', 9998],
      ['EUR', 500],
    ]);
    expect(h.store.state(P, 'o-1')?.status).toBe('shipped');
    expect(h.producer.sfIds()).toEqual([...batch1Ids, ...batch2Ids]);
  });

  it('skips records at or below applied: a re-delivered batch changes nothing', async () => {
    await h.processor.handleBatch(P, batch1());
    const before = structuredClone(h.store.shard(P));
    const calls = h.store.calls.length;

    const outcome = await h.processor.handleBatch(P, batch1());

    expect(outcome).toEqual({ kind: 'done', nextOffset: 3 });
    expect(h.store.shard(P)).toEqual(before);
    expect(h.store.calls.length).toBe(calls);
    expect(h.producer.batches).toHaveLength(1);
    expect(h.observer.committedBatches).toHaveLength(1);
  });

  it('folds only the fresh tail of a batch that overlaps what is applied', async () => {
    await h.processor.handleBatch(P, batch1());
    const overlapping = [...batch1().slice(1), ...batch2()];

    const outcome = await h.processor.handleBatch(P, overlapping);

    expect(outcome).toEqual({ kind: 'done', nextOffset: 5 });
    const second = h.observer.committedBatches[1];
    expect(second?.batch.firstOffset).toBe(3);
    expect(second?.records.map((r) => r.offset)).toEqual([3, 4]);
    // e2 was not folded again: no duplicate counted, o-1 has three events.
    expect(second?.batch.counts.duplicates).toBe(0);
    expect(h.store.state(P, 'o-1')?.eventIds).toEqual(['e1', 'e2', 'e5']);
  });

  it('seeks back to applied + 1 when the batch starts past it, writing nothing', async () => {
    await h.processor.handleBatch(P, batch1());
    const before = structuredClone(h.store.shard(P));
    const calls = h.store.calls.length;
    const ahead = [
      eventRecord(shipped({ eventId: 'e9', orderId: 'o-1' }), { offset: 7 }),
      eventRecord(shipped({ eventId: 'e10', orderId: 'o-2' }), { offset: 8 }),
    ];

    expect(await h.processor.handleBatch(P, ahead)).toEqual({ kind: 'seek', offset: 3 });
    expect(h.store.shard(P)).toEqual(before);
    expect(h.store.calls.length).toBe(calls);
    expect(h.observer.failures).toEqual([]);
  });

  it('goes on past a hole: after a seek, a batch that still starts later is applied', async () => {
    await h.processor.handleBatch(P, batch1());
    // Offsets 3 and 4 hold no record (a transaction marker, compaction): Kafka resumes at 5.
    const afterHole = [eventRecord(shipped({ eventId: 'e9', orderId: 'o-1' }), { offset: 5 })];

    expect(await h.processor.handleBatch(P, afterHole)).toEqual({ kind: 'seek', offset: 3 });
    expect(await h.processor.handleBatch(P, afterHole)).toEqual({ kind: 'done', nextOffset: 6 });
    expect(h.store.shard(P).applied).toBe(5);
    // A later gap is treated afresh: first a seek back.
    const ahead = [eventRecord(shipped({ eventId: 'e10', orderId: 'o-2' }), { offset: 9 })];
    expect(await h.processor.handleBatch(P, ahead)).toEqual({ kind: 'seek', offset: 6 });
  });

  it('seeks to 0 on a fresh shard when the first batch does not start at offset 0', async () => {
    const outcome = await h.processor.handleBatch(P, batch2());

    expect(outcome).toEqual({ kind: 'seek', offset: 0 });
    expect(h.store.shard(P).applied).toBe(-1);
    expect(h.store.shard(P).states.size).toBe(0);
  });

  it('seeks back to the batch when a rival fenced it, writes nothing, and re-acquires on the re-read', async () => {
    await h.processor.handleBatch(P, batch1());
    const rival = h.rival();
    expect(await rival.assigned([P])).toEqual(new Map([[P, 3]]));
    expect(h.store.shard(P).epoch).toBe(2);
    const before = structuredClone(h.store.shard(P));
    const seen = h.timeline.length;

    const fenced = await h.processor.handleBatch(P, batch2());

    // The batch is read again (nothing is skipped); the re-read owns the shard anew.
    expect(fenced).toEqual({ kind: 'seek', offset: 3 });
    expect(h.store.shard(P)).toEqual(before);
    expect(h.observer.failures).toEqual(['fenced']);
    expect(h.observer.committedBatches).toHaveLength(1);
    expect(h.producer.sfIds()).toEqual(batch1Ids);
    expect(h.timeline.slice(seen)).toEqual([`commitStarted:${P}`, 'commitFailed:fenced']);

    // The lease was dropped: the re-read batch fences again (epoch 3) and commits.
    const retried = await h.processor.handleBatch(P, batch2());

    expect(retried).toEqual({ kind: 'done', nextOffset: 5 });
    expect(h.store.shard(P).epoch).toBe(3);
    expect(h.store.shard(P).applied).toBe(4);
    expect(h.timeline.filter((e) => e.startsWith('owned'))).toEqual([
      `owned:${P}:-1`,
      `owned:${P}:2`,
    ]);
    expect(h.producer.sfIds()).toEqual([...batch1Ids, ...batch2Ids]);
  });

  it('on STALE (the same commit already landed) seeks to the first fresh offset, then skips', async () => {
    await h.processor.handleBatch(P, batch1());
    // The first send of the commit lands, its reply is lost, and the resend finds applied moved.
    h.store.beforeCommit = (lease, batch) => {
      h.store.beforeCommit = undefined;
      expect(h.store.runCommitScript(lease.token, lease.applied, batch).status).toBe('committed');
    };

    const stale = await h.processor.handleBatch(P, batch2());

    expect(stale).toEqual({ kind: 'seek', offset: 3 });
    expect(h.observer.failures).toEqual(['stale']);
    expect(h.observer.committedBatches).toHaveLength(1);
    expect(h.store.shard(P).applied).toBe(4);
    expect(h.store.shard(P).outbox).toHaveLength(1);

    // The batch is re-read: the new lease starts at 4, drains the landed entry and skips it all.
    const reread = await h.processor.handleBatch(P, batch2());

    expect(reread).toEqual({ kind: 'done', nextOffset: 5 });
    expect(h.store.shard(P).epoch).toBe(2);
    expect(h.store.shard(P).outbox).toEqual([]);
    expect(h.store.calls.filter((c) => c.startsWith('commit'))).toHaveLength(2);
    expect(h.producer.sfIds()).toEqual([...batch1Ids, ...batch2Ids]);
    // Applied exactly once: revenue and states.
    expect([...h.store.shard(P).totals]).toEqual([
      ['USD', 9998],
      ['EUR', 500],
    ]);
    expect(h.store.state(P, 'o-2')?.eventIds).toEqual(['e3', 'e4']);
    expect(h.store.state(P, 'o-1')?.eventIds).toEqual(['e1', 'e2', 'e5']);
  });

  it('rethrows a store error, drops the lease, and fences again on the next batch', async () => {
    await h.processor.handleBatch(P, batch1());
    const failure = new Error('redis unavailable');
    h.store.failNext('loadStates', failure);

    await expect(h.processor.handleBatch(P, batch2())).rejects.toBe(failure);

    expect(h.observer.failures).toEqual(['error']);
    expect(h.store.shard(P).applied).toBe(2);
    expect(h.store.shard(P).epoch).toBe(1);

    expect(await h.processor.handleBatch(P, batch2())).toEqual({ kind: 'done', nextOffset: 5 });
    expect(h.store.shard(P).epoch).toBe(2);
    expect(h.store.calls.filter((c) => c.startsWith('acquire'))).toHaveLength(2);
  });

  it('rethrows a failed acquire and retries it on the next batch', async () => {
    const failure = new Error('fence timed out');
    h.store.failNext('acquire', failure);

    await expect(h.processor.handleBatch(P, batch1())).rejects.toBe(failure);
    expect(h.store.shard(P).epoch).toBe(0);

    expect(await h.processor.handleBatch(P, batch1())).toEqual({ kind: 'done', nextOffset: 3 });
    expect(h.store.shard(P).epoch).toBe(1);
  });

  it('rethrows a commit error and drops the lease', async () => {
    await h.processor.handleBatch(P, batch1());
    h.store.failNext('commit', new Error('script timeout'));

    await expect(h.processor.handleBatch(P, batch2())).rejects.toThrow('script timeout');
    expect(h.observer.failures).toEqual(['error']);

    expect(await h.processor.handleBatch(P, batch2())).toEqual({ kind: 'done', nextOffset: 5 });
    expect(h.store.shard(P).epoch).toBe(2);
  });

  it('commits a malformed record as a dead letter through the outbox', async () => {
    const records = [
      ...batch1(),
      rawRecord('{not json', { offset: 3, key: 'o-9' }),
      eventRecord(shipped({ eventId: 'e5', orderId: 'o-1' }), { offset: 4 }),
    ];

    expect(await h.processor.handleBatch(P, records)).toEqual({ kind: 'done', nextOffset: 5 });

    const dlt = h.producer.published().filter((m) => m.topic === 'order-events-dlt');
    expect(dlt).toHaveLength(1);
    expect(dlt[0]?.headers).toMatchObject({
      'sf-id': `${TOPIC}/${P}/3/0`,
      'sf-error-class': 'not-json',
      'sf-source-offset': '3',
      'sf-worker-version': '9.9.9',
    });
    expect(String(dlt[0]?.value)).toBe('{not json');
    expect(h.observer.committedBatches[0]?.batch.counts).toMatchObject({
      records: 5,
      applied: 4,
      deadLettered: 1,
    });
  });
});

describe('PartitionProcessor.assigned', () => {
  const leftover = (offset: number, n: number): DerivedRecord => ({
    topic: 'order-status',
    key: 'o-1',
    value: `{"offset":${offset}}`,
    headers: { 'sf-id': `${TOPIC}/${P}/${offset}/${n}` },
    id: `${TOPIC}/${P}/${offset}/${n}`,
  });

  it('fences each partition, drains a previous owner’s outbox, and starts at applied + 1', async () => {
    const h = harness({ pageSize: 2 });
    h.store.shard(P).applied = 9;
    h.store.shard(P).epoch = 4;
    h.store.appendOutbox(P, [leftover(7, 0)]);
    h.store.appendOutbox(P, [leftover(8, 0), leftover(8, 1)]);
    h.store.appendOutbox(P, [leftover(9, 0)]);

    const starts = await h.processor.assigned([1, P]);

    expect(starts).toEqual(
      new Map([
        [1, 0],
        [P, 10],
      ]),
    );
    expect(h.store.shard(1).epoch).toBe(1);
    expect(h.store.shard(P).epoch).toBe(5);
    expect(h.store.shard(P).outbox).toEqual([]);
    expect(h.producer.sfIds()).toEqual([
      `${TOPIC}/${P}/7/0`,
      `${TOPIC}/${P}/8/0`,
      `${TOPIC}/${P}/8/1`,
      `${TOPIC}/${P}/9/0`,
    ]);
    // Fence before drain, and the drain completes before the partition is reported owned.
    expect(h.store.calls.filter((c) => c.endsWith(`:${P}`))).toEqual([
      `acquire:${P}`,
      `pendingOutbox:${P}`,
      `ackOutbox:${P}`,
      `pendingOutbox:${P}`,
      `ackOutbox:${P}`,
    ]);
    expect(h.timeline).toEqual([`owned:1:-1`, 'publish:3', 'publish:1', `owned:${P}:9`]);

    // The lease is kept: the next batch neither fences nor drains before processing.
    const calls = h.store.calls.length;
    const next = [eventRecord(placed({ eventId: 'e10', orderId: 'o-10' }), { offset: 10 })];
    expect(await h.processor.handleBatch(P, next)).toEqual({ kind: 'done', nextOffset: 11 });
    expect(h.store.calls.slice(calls, calls + 2)).toEqual([`loadStates:${P}`, `commit:${P}`]);
    expect(h.store.shard(P).epoch).toBe(5);
  });

  it('revoked drops the lease: a later batch fences again', async () => {
    const h = harness();
    await h.processor.assigned([P]);
    h.processor.revoked([P]);

    await h.processor.handleBatch(P, batch1());

    expect(h.store.shard(P).epoch).toBe(2);
  });
});

describe('PartitionProcessor crash points', () => {
  it('reaches after-commit-script → after-outbox-publish → before-kafka-commit in order', async () => {
    const h = harness();
    h.store.beforeCommit = () => h.timeline.push('commit-script');

    await h.processor.handleBatch(P, batch1());

    expect(h.timeline).toEqual([
      `owned:${P}:-1`,
      `commitStarted:${P}`,
      'commit-script',
      `crash:${CrashPoints.afterCommitScript}`,
      'publish:4',
      `crash:${CrashPoints.afterOutboxPublish}`,
      `committed:${P}:0-2`,
      `crash:${CrashPoints.beforeKafkaCommit}`,
    ]);
  });

  it('a crash after the commit script leaves the outbox to the next owner, published once', async () => {
    const crashAt = { point: CrashPoints.afterCommitScript as CrashPoint | undefined };
    const h = harness({
      crash: (point) => {
        if (point === crashAt.point) {
          crashAt.point = undefined;
          throw new Error(`crash at ${point}`);
        }
      },
    });

    await expect(h.processor.handleBatch(P, batch1())).rejects.toThrow('crash at');
    expect(h.store.shard(P).applied).toBe(2);
    expect(h.store.shard(P).outbox).toHaveLength(1);
    expect(h.producer.batches).toHaveLength(0);

    // A new owner: fence, drain (publishes the batch's records), and the re-read is skipped.
    const next = h.rival();
    expect(await next.assigned([P])).toEqual(new Map([[P, 3]]));
    expect(await next.handleBatch(P, batch1())).toEqual({ kind: 'done', nextOffset: 3 });
    expect(h.producer.sfIds()).toEqual(batch1Ids);
    expect(h.store.shard(P).outbox).toEqual([]);
  });
});

/** Fails the processing of the listed events while `on` is true. */
function faults(...eventIds: string[]) {
  const state = { on: true };
  const beforeApply = (event: OrderEvent): void => {
    if (state.on && eventIds.includes(event.eventId)) throw new Error(`boom ${event.eventId}`);
  };
  return { state, beforeApply };
}

const parkedIn = (h: Harness, key: string): ParkedEntry | undefined => {
  const json = h.store.shard(P).parked.get(key);
  return json === undefined ? undefined : (JSON.parse(json) as ParkedEntry);
};

// Offsets 3..4: a second payment for o-1 (held while o-1 is parked), o-3 placed.
const batchAfterPark = (): SourceRecord[] => [
  eventRecord(paid({ eventId: 'e4b', orderId: 'o-1', amountCents: 9998 }), { offset: 3 }),
  eventRecord(placed({ eventId: 'e5b', orderId: 'o-3', totalCents: 10 }), { offset: 4 }),
];

describe('PartitionProcessor: events whose processing fails', () => {
  const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);

  it('below maxAttempts the batch fails (the source retries), writing nothing', async () => {
    const fault = faults('e2');
    const h = harness({ beforeApply: fault.beforeApply, now: () => NOW });

    for (let attempt = 1; attempt < topology.parking.maxAttempts; attempt++) {
      const error: unknown = await h.processor.handleBatch(P, batch1()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProcessingError);
      expect(error).toMatchObject({ partition: P, offset: 1, key: 'o-1' });
    }
    expect(h.observer.failures).toEqual(['error', 'error']);
    expect(h.store.shard(P).applied).toBe(-1);
    expect(h.store.shard(P).states.size).toBe(0);
    expect(h.store.calls.filter((c) => c.startsWith('commit'))).toEqual([]);
    expect(h.producer.batches).toEqual([]);
  });

  it('a fault that passes before the limit leaves no trace', async () => {
    const fault = faults('e2');
    const h = harness({ beforeApply: fault.beforeApply });
    await expect(h.processor.handleBatch(P, batch1())).rejects.toBeInstanceOf(ProcessingError);
    fault.state.on = false;

    expect(await h.processor.handleBatch(P, batch1())).toEqual({ kind: 'done', nextOffset: 3 });
    expect(h.producer.sfIds()).toEqual(batch1Ids);
    expect(h.store.shard(P).parked.size).toBe(0);
    // The failure count starts over: a later fault at the same offset gets every attempt again.
    expect(h.store.state(P, 'o-1')?.eventIds).toEqual(['e1', 'e2']);
  });

  it('at maxAttempts dead-letters the event, parks its key, and the partition flows on', async () => {
    const fault = faults('e2');
    const h = harness({ beforeApply: fault.beforeApply, now: () => NOW });
    for (let attempt = 1; attempt < topology.parking.maxAttempts; attempt++) {
      await expect(h.processor.handleBatch(P, batch1())).rejects.toBeInstanceOf(ProcessingError);
    }

    expect(await h.processor.handleBatch(P, batch1())).toEqual({ kind: 'done', nextOffset: 3 });

    expect(h.store.shard(P).applied).toBe(2);
    expect(h.store.state(P, 'o-1')?.eventIds).toEqual(['e1']);
    expect(h.store.state(P, 'o-2')?.status).toBe('placed');
    expect([...h.store.shard(P).totals]).toEqual([]);
    expect(parkedIn(h, 'o-1')).toEqual({
      key: 'o-1',
      eventId: 'e2',
      offset: 1,
      reason: 'boom e2',
      parkedAt: NOW,
      held: [],
    });
    const outputs = h.observer.committedBatches[0]?.batch.outputs ?? [];
    expect(outputs.map((o) => [o.topic, o.id])).toEqual([
      ['order-status', `${TOPIC}/${P}/0/0`],
      ['order-events-dlt', `${TOPIC}/${P}/1/0`],
      ['order-status', `${TOPIC}/${P}/2/0`],
    ]);
    const published = h.producer.published();
    expect(published.map((m) => m.headers['sf-id']).sort()).toEqual(outputs.map((o) => o.id));
    const dlt = published.filter((m) => m.topic === 'order-events-dlt');
    expect(dlt).toHaveLength(1);
    expect(dlt[0]?.headers).toMatchObject({
      'sf-error-class': 'processing',
      'sf-error-message': 'boom e2',
      'sf-source-offset': '1',
      'sf-worker-version': '9.9.9',
    });

    // Later events of the parked key are held (in Redis too); the others are applied.
    expect(await h.processor.handleBatch(P, batchAfterPark())).toEqual({
      kind: 'done',
      nextOffset: 5,
    });
    expect(h.store.shard(P).applied).toBe(4);
    expect(h.store.state(P, 'o-3')?.status).toBe('placed');
    expect(parkedIn(h, 'o-1')?.held.map((x) => [x.offset, x.event.eventId])).toEqual([[3, 'e4b']]);
    expect(h.observer.committedBatches[1]?.batch.counts).toMatchObject({ held: 1, applied: 1 });
  });

  it('with maxAttempts 1 parks at the first failure', async () => {
    const fault = faults('e2');
    const h = harness({
      topology: { ...topology, parking: { maxAttempts: 1 } },
      beforeApply: fault.beforeApply,
    });
    expect(await h.processor.handleBatch(P, batch1())).toEqual({ kind: 'done', nextOffset: 3 });
    expect([...h.store.shard(P).parked.keys()]).toEqual(['o-1']);
  });

  it('two failing events of different keys in one batch are both parked eventually', async () => {
    const fault = faults('e2', 'e3');
    const h = harness({
      topology: { ...topology, parking: { maxAttempts: 1 } },
      beforeApply: fault.beforeApply,
    });
    let outcome: unknown;
    for (let attempt = 0; attempt < 10 && outcome === undefined; attempt++) {
      outcome = await h.processor.handleBatch(P, batch1()).catch(() => undefined);
    }
    expect(outcome).toEqual({ kind: 'done', nextOffset: 3 });
    expect([...h.store.shard(P).parked.keys()].sort()).toEqual(['o-1', 'o-2']);
  });
});

describe('PartitionProcessor.tick', () => {
  it('carries out an unpark request: held events applied in order, applied offset kept', async () => {
    const fault = faults('e2');
    const h = harness({
      topology: { ...topology, parking: { maxAttempts: 1 } },
      beforeApply: fault.beforeApply,
    });
    await h.processor.handleBatch(P, batch1());
    await h.processor.handleBatch(P, batchAfterPark());
    const published = h.producer.published().length;
    fault.state.on = false;
    h.store.requestUnpark(P, 'o-1');

    await h.processor.tick();

    const shard = h.store.shard(P);
    expect(shard.applied).toBe(4);
    expect(shard.parked.size).toBe(0);
    expect(shard.unpark.size).toBe(0);
    expect(h.store.state(P, 'o-1')).toMatchObject({
      status: 'paid',
      paidCents: 9998,
      eventIds: ['e1', 'e4b'],
    });
    expect([...shard.totals]).toEqual([['USD', 9998]]);
    // Ids of the held event's source position, in the numbering of replays.
    expect(h.producer.sfIds().slice(published)).toEqual([
      `${TOPIC}/${P}/3/u0`,
      `${TOPIC}/${P}/3/u1`,
    ]);
    const unparked = h.observer.committedBatches.at(-1);
    expect(unparked?.records).toEqual([]);
    expect(unparked?.batch).toMatchObject({
      firstOffset: 3,
      lastOffset: 4,
      unparked: ['o-1'],
      counts: { records: 1, applied: 1, held: 0 },
    });

    // The request is gone: another tick commits nothing.
    const commits = h.store.calls.filter((c) => c.startsWith('commit')).length;
    await h.processor.tick();
    expect(h.store.calls.filter((c) => c.startsWith('commit')).length).toBe(commits);
  });

  it('clears a request for a key that is not parked, without touching anything else', async () => {
    const h = harness();
    await h.processor.handleBatch(P, batch1());
    h.store.requestUnpark(P, 'o-unknown');
    const published = h.producer.batches.length;

    await h.processor.tick();

    expect(h.store.shard(P).unpark.size).toBe(0);
    expect(h.store.shard(P).applied).toBe(2);
    expect(h.producer.batches.length).toBe(published);
  });

  describe('idle windows', () => {
    const MIN = 60_000;
    const H = Date.UTC(2025, 0, 1, 10, 0, 0);
    const windowed: CompiledTopology = {
      ...topology,
      outputs: { ...topology.outputs, windows: 'revenue-windows', late: 'revenue-late' },
      windows: { sizes: [{ label: '1m', ms: MIN }], graceMs: 0, idleTimeoutMs: 30_000 },
    };
    const revenue = (): SourceRecord[] => [
      eventRecord(placed({ eventId: 'w1', orderId: 'o-1', totalCents: 700, timestamp: H }), {
        offset: 0,
      }),
      eventRecord(paid({ eventId: 'w2', orderId: 'o-1', amountCents: 700, timestamp: H + 1_000 }), {
        offset: 1,
      }),
    ];

    it('closes the open windows once the partition is idle for the idle timeout', async () => {
      const clock = { now: 1_000_000 };
      const h = harness({ topology: windowed, now: () => clock.now });
      await h.processor.handleBatch(P, revenue());
      expect(h.store.shard(P).windowsOpen).toEqual(new Map([[`1m|${H}|USD`, 700]]));
      expect(h.store.shard(P).clock.get('watermark')).toBe(String(H + 1_000));
      const commits = () => h.store.calls.filter((c) => c.startsWith('commit')).length;

      clock.now += 29_999;
      await h.processor.tick();
      expect(commits()).toBe(1);

      clock.now += 1;
      await h.processor.tick();

      expect(commits()).toBe(2);
      const shard = h.store.shard(P);
      expect(shard.applied).toBe(1);
      expect(shard.windowsOpen.size).toBe(0);
      const result = {
        partition: P,
        size: '1m',
        sizeMs: MIN,
        start: H,
        end: H + MIN,
        totals: { USD: 700 },
        closedBy: 'idle',
      };
      expect(shard.windowsClosed).toEqual(new Map([[`1m|${H}`, JSON.stringify(result)]]));
      expect(shard.clock.get('frontier|1m')).toBe(String(H + MIN));
      const window = h.producer.published().at(-1);
      expect(window?.topic).toBe('revenue-windows');
      expect(window?.headers['sf-id']).toBe(`${TOPIC}/${P}/window/1m/${H}`);
      expect(JSON.parse(String(window?.value))).toEqual(result);

      // Nothing is open any more: later ticks commit nothing.
      clock.now += 60_000;
      await h.processor.tick();
      expect(commits()).toBe(2);
    });

    it('a new batch restarts the idle clock', async () => {
      const clock = { now: 1_000_000 };
      const h = harness({ topology: windowed, now: () => clock.now });
      await h.processor.handleBatch(P, revenue());
      clock.now += 20_000;
      await h.processor.handleBatch(P, [
        eventRecord(placed({ eventId: 'w3', orderId: 'o-2', totalCents: 1, timestamp: H + 2 }), {
          offset: 2,
        }),
      ]);
      clock.now += 20_000;
      await h.processor.tick();
      expect(h.store.shard(P).windowsOpen.size).toBe(1);
      clock.now += 10_000;
      await h.processor.tick();
      expect(h.store.shard(P).windowsOpen.size).toBe(0);
    });
  });
});
