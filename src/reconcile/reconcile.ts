import type { ConnectionConfig } from '../config/index.js';
import { readTopic, type TopicRecord } from '../kafka/read-topic.js';
import type { Logger } from '../logger.js';
import type { StateReader } from '../state/index.js';
import type { CompiledTopology } from '../topology/index.js';
import { compareDlt } from './compare-dlt.js';
import { compareApplied, compareOrders, compareRevenue } from './compare-state.js';
import { ReferenceModel, type RefOrder } from './reference.js';
import type { InputSection, ReconcileReport } from './types.js';

export interface ReconcileOptions {
  conn: ConnectionConfig;
  log: Logger;
  topology: CompiledTopology;
  /** Reads the topology's shards under the connection's state prefix. */
  reader: StateReader;
  /** Per topic read. */
  timeoutMs?: number;
}

/**
 * Recomputes the topology's state from its input topic with the reference reducer and compares
 * it with Redis and the dead-letter topic (DESIGN.md §2: the invariant every test can check).
 * Run it when the worker has caught up: records applied since the start are not in the
 * recomputation, records not yet applied are differences.
 */
export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const { conn, log, topology, reader, timeoutMs } = opts;
  const model = new ReferenceModel(topology.event.maxValueBytes);
  const readPerPartition = new Map<number, number>();
  const input = await readTopic(conn, log, topology.source.topic, {
    timeoutMs,
    onRecord: (r) => {
      readPerPartition.set(r.partition, (readPerPartition.get(r.partition) ?? 0) + 1);
      model.apply(r);
    },
  });
  const perPartition: InputSection['perPartition'] = {};
  for (const r of input.partitions) {
    const records = readPerPartition.get(r.partition) ?? 0;
    perPartition[String(r.partition)] = { low: r.low, high: r.high, records };
  }

  const dltRecords: TopicRecord[] = [];
  await readTopic(conn, log, topology.outputs.deadLetter, {
    timeoutMs,
    onRecord: (r) => dltRecords.push(r),
  });

  const owned = await reader.partitions();
  const partitions = [...new Set([...input.partitions.map((r) => r.partition), ...owned])].sort(
    (a, b) => a - b,
  );
  const actualOrders = new Map<number, Map<string, Partial<RefOrder>>>();
  for (const p of partitions) {
    const orders = new Map<string, Partial<RefOrder>>();
    for await (const state of reader.states(p)) orders.set(state.orderId, state);
    if (orders.size > 0) actualOrders.set(p, orders);
  }
  const [totals, applied, outbox] = await Promise.all([
    reader.totals(partitions),
    reader.applied(partitions),
    reader.outboxDepth(partitions),
  ]);

  const orders = compareOrders(model.orders, actualOrders);
  const revenue = compareRevenue(model.totals, totals);
  const appliedSection = compareApplied(input.partitions, applied);
  const pending = [...outbox.values()].reduce((a, b) => a + b, 0);
  const dlt = compareDlt(
    topology.source.topic,
    topology.outputs.deadLetter,
    model.invalid,
    dltRecords,
    pending,
  );
  const truncated = input.partitions.filter((r) => r.low > 0).map((r) => r.partition);

  return {
    ok: truncated.length === 0 && orders.ok && revenue.ok && appliedSection.ok && dlt.ok,
    topology: topology.name,
    input: {
      topic: topology.source.topic,
      records: model.counts.records,
      perPartition,
      applied: model.counts.applied,
      duplicates: model.counts.duplicates,
      anomalies: model.counts.anomalies,
      invalid: model.counts.invalid,
      truncated,
    },
    orders,
    revenue,
    applied: appliedSection,
    dlt,
  };
}
