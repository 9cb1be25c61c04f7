import type { ConnectionConfig } from '../config/index.js';
import { readTopic, type TopicRecord } from '../kafka/read-topic.js';
import type { Logger } from '../logger.js';
import type { StateReader } from '../state/index.js';
import type { CompiledTopology } from '../topology/index.js';
import { compareDlt } from './compare-dlt.js';
import { compareApplied, compareOrders, compareRevenue } from './compare-state.js';
import {
  customerValue,
  idleCloseOffsets,
  PROCESSING_ERROR_CLASS,
  splitOpenField,
} from '../pipeline/index.js';
import type { ParkedEntry, WindowResult } from '../pipeline/index.js';
import { compareCustomers, compareWindows, type ActualWindow } from './compare-extras.js';
import { ReferenceCustomers, type RefCustomer } from './reference-customers.js';
import { validateRecord } from './reference-validate.js';
import { ReferenceWindows } from './reference-windows.js';
import { ReferenceModel, type InvalidInput, type RefOrder } from './reference.js';
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
 * Recomputes the topology's state from its input topic with the reference reducer and compares it
 * with Redis and the dead-letter topic (docs/architecture.md, The correctness protocol: the
 * invariant every test can check). Run it when the worker has caught up: records applied since the
 * start are not in the recomputation, records not yet applied are differences.
 */
export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const { conn, log, topology, reader, timeoutMs } = opts;

  // Dead letters first: an event dead-lettered as a processing failure parked its key and is
  // not part of the recomputation (its later events were held, then applied when unparked).
  const dltRecords: TopicRecord[] = [];
  await readTopic(conn, log, topology.outputs.deadLetter, {
    timeoutMs,
    onRecord: (r) => dltRecords.push(r),
  });
  const poisoned = processingFailures(dltRecords);

  const windows = topology.windows
    ? new ReferenceWindows({
        sizes: [...topology.windows.sizes],
        graceMs: topology.windows.graceMs,
      })
    : undefined;
  const customers = topology.aggregates.includes('customer-value')
    ? new ReferenceCustomers()
    : undefined;
  const model = new ReferenceModel(topology.event.maxValueBytes, {
    onStep: (partition, offset, event, outcome, before, step) => {
      const revenue = outcome === 'applied' ? step.revenue : undefined;
      windows?.observe(partition, offset, event.timestamp, revenue);
      if (outcome === 'applied' && step.entry) customers?.observe(partition, before, step.entry);
    },
  });
  // Idle closes happened on wall-clock time; the shards log the applied offset of each.
  const idleCloses = windows ? await idleCloseLog(reader) : new Map<number, Set<number>>();
  const poisonedInput: InvalidInput[] = [];
  const readPerPartition = new Map<number, number>();
  const input = await readTopic(conn, log, topology.source.topic, {
    timeoutMs,
    onRecord: (r) => {
      readPerPartition.set(r.partition, (readPerPartition.get(r.partition) ?? 0) + 1);
      if (!poisoned.has(`${r.partition}:${r.offset}`)) {
        model.apply(r);
      } else {
        poisonedInput.push({ ...r, reason: 'processing' });
        // The worker's watermark saw the event even though nothing applied it.
        const checked = validateRecord(r.key, r.value, topology.event.maxValueBytes);
        if (checked.ok) windows?.observe(r.partition, r.offset, checked.event.timestamp);
      }
      if (idleCloses.get(r.partition)?.has(r.offset) === true) windows?.closeIdle(r.partition);
    },
  });
  const perPartition: InputSection['perPartition'] = {};
  for (const r of input.partitions) {
    const records = readPerPartition.get(r.partition) ?? 0;
    perPartition[String(r.partition)] = { low: r.low, high: r.high, records };
  }

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
  const [totals, applied, outbox, parkedHashes] = await Promise.all([
    reader.totals(partitions),
    reader.applied(partitions),
    reader.outboxDepth(partitions),
    reader.hashPerShard(partitions, 'parked'),
  ]);

  const orders = compareOrders(model.orders, actualOrders);
  const revenue = compareRevenue(model.totals, totals);
  const appliedSection = compareApplied(input.partitions, applied);
  const pending = [...outbox.values()].reduce((a, b) => a + b, 0);
  const dlt = compareDlt(
    topology.source.topic,
    topology.outputs.deadLetter,
    [...model.invalid, ...poisonedInput],
    dltRecords,
    pending,
  );
  const windowsSection = windows && (await reconcileWindows(opts, windows, partitions));
  const customersSection =
    customers &&
    compareCustomers(customers.perPartition(), await actualCustomers(reader, partitions));
  const truncated = input.partitions.filter((r) => r.low > 0).map((r) => r.partition);
  const parkedKeys = [...parkedHashes].flatMap(([partition, hash]) =>
    Object.values(hash).map((json) => {
      const entry = JSON.parse(json) as ParkedEntry;
      return { partition, key: entry.key, held: entry.held.length };
    }),
  );

  return {
    ok:
      truncated.length === 0 &&
      orders.ok &&
      revenue.ok &&
      appliedSection.ok &&
      dlt.ok &&
      (windowsSection?.ok ?? true) &&
      (customersSection?.ok ?? true),
    topology: topology.name,
    input: {
      topic: topology.source.topic,
      records: model.counts.records + poisonedInput.length,
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
    ...(windowsSection ? { windows: windowsSection } : {}),
    ...(customersSection ? { customers: customersSection } : {}),
    parked: { poisoned: poisonedInput.length, keys: parkedKeys },
  };
}

/** Per partition, the applied offsets after which the worker closed windows for idleness. */
async function idleCloseLog(reader: StateReader): Promise<Map<number, Set<number>>> {
  const partitions = await reader.partitions();
  const clocks = await reader.hashPerShard(partitions, 'clock');
  return new Map([...clocks].map(([p, clock]) => [p, new Set(idleCloseOffsets(clock))]));
}

/** Input positions the dead-letter topic names as processing failures. */
function processingFailures(dlt: readonly TopicRecord[]): Set<string> {
  const positions = new Set<string>();
  for (const r of dlt) {
    if (r.headers['sf-error-class'] !== PROCESSING_ERROR_CLASS) continue;
    positions.add(`${r.headers['sf-source-partition']}:${r.headers['sf-source-offset']}`);
  }
  return positions;
}

async function reconcileWindows(
  opts: ReconcileOptions,
  reference: ReferenceWindows,
  partitions: readonly number[],
) {
  const { conn, log, topology, reader, timeoutMs } = opts;
  const closed = reference.results();
  const id = (r: { partition: number; size: string; start: number }) =>
    `${r.partition}/${r.size}/${r.start}`;
  const closedIds = new Set(closed.map(id));
  reference.finish();
  const open = reference.results().filter((r) => !closedIds.has(id(r)));
  const [closedHashes, openHashes] = await Promise.all([
    reader.hashPerShard(partitions, 'windowsClosed'),
    reader.hashPerShard(partitions, 'windowsOpen'),
  ]);
  const actual: ActualWindow[] = [];
  for (const p of partitions) {
    for (const json of Object.values(closedHashes.get(p) ?? {})) {
      const r = JSON.parse(json) as WindowResult;
      actual.push({
        partition: p,
        size: r.size,
        start: r.start,
        totals: r.totals,
        state: r.closedBy,
      });
    }
    const openWindows = new Map<string, ActualWindow>();
    for (const [field, cents] of Object.entries(openHashes.get(p) ?? {})) {
      const { window, label, start, currency } = splitOpenField(field);
      let w = openWindows.get(window);
      if (w === undefined) {
        w = { partition: p, size: label, start, totals: {}, state: 'open' };
        openWindows.set(window, w);
      }
      w.totals[currency] = Number(cents);
    }
    actual.push(...openWindows.values());
  }
  const late: TopicRecord[] = [];
  if (topology.outputs.late !== undefined) {
    await readTopic(conn, log, topology.outputs.late, { timeoutMs, onRecord: (r) => late.push(r) });
  }
  return compareWindows(closed, open, actual, reference.late(), late);
}

async function actualCustomers(
  reader: StateReader,
  partitions: readonly number[],
): Promise<Map<number, Map<string, RefCustomer>>> {
  const out = new Map<number, Map<string, RefCustomer>>();
  const prefix = `${customerValue.name}|`;
  for (const p of partitions) {
    const customers = new Map<string, RefCustomer>();
    for (const [field, json] of Object.entries(await reader.hash(p, 'aggregates'))) {
      if (!field.startsWith(prefix)) continue;
      customers.set(field.slice(prefix.length), customerValue.parse(json));
    }
    if (customers.size > 0) out.set(p, customers);
  }
  return out;
}
