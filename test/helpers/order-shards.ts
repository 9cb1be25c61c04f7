/**
 * Shards the engine writes for a fixed set of order events: folded with the order programs of
 * topologies/ (program layout) and with today's built-in lifecycle (order layout), both
 * through the commit script into a real Redis, so queries of either engine can be compared on the
 * same events.
 */
import { expect } from 'vitest';
import {
  decodeRecord,
  foldBatch,
  idleCloseBatch,
  type FoldContext,
  type OrderEvent,
} from '../../src/pipeline/index.js';
import {
  compileFold,
  foldProgramBatch,
  idleCloseProgramBatch,
  type GroupPartial,
  type ProgramBatchInput,
  type ProgramBatchOutcome,
  type ProgramDecoded,
  type ProgramEvent,
  type ProgramFoldContext,
} from '../../src/pipeline/program/index.js';
import { FoldStates } from '../../src/protocol/index.js';
import {
  ProgramStateStore,
  RedisStateStore,
  ScriptRunner,
  type RedisConnection,
} from '../../src/state/index.js';
import type { CompiledTopology, LanguageTopology } from '../../src/topology/index.js';
import { cancelled, eventRecord, paid, placed, shipped } from '../unit/pipeline/fixtures.js';

const TOPIC = 'order-events';
/** Event time of the first event. */
export const T = 1_764_300_000_000;
/** The event time `seconds` after T. */
export const atSecond = (seconds: number): number => T + seconds * 1000;
const s = atSecond;
const BATCH = 2;

/**
 * Per partition, in offset order. Within a partition's window the currencies are first touched
 * in ascending order: today's windows list a partition's totals in the order they were touched.
 */
export const orderShardInput: ReadonlyMap<number, readonly OrderEvent[]> = new Map<
  number,
  OrderEvent[]
>([
  [
    0,
    [
      placed({ eventId: 'e1', orderId: 'o-1', currency: 'EUR', totalCents: 500, timestamp: s(0) }),
      paid({ eventId: 'e2', orderId: 'o-1', currency: 'EUR', amountCents: 500, timestamp: s(1) }),
      placed({ eventId: 'e3', orderId: 'o-2', totalCents: 1000, timestamp: s(2) }),
      paid({ eventId: 'e4', orderId: 'o-2', amountCents: 1000, timestamp: s(3) }),
      paid({ eventId: 'e4', orderId: 'o-2', amountCents: 1000, timestamp: s(3) }),
      placed({
        eventId: 'e5',
        orderId: 'o-3',
        customerId: 'c-2',
        totalCents: 700,
        timestamp: s(61),
      }),
      paid({
        eventId: 'e6',
        orderId: 'o-3',
        customerId: 'c-2',
        amountCents: 700,
        timestamp: s(62),
      }),
      cancelled({ eventId: 'e7', orderId: 'o-3', customerId: 'c-2', timestamp: s(75) }),
    ],
  ],
  [
    1,
    [
      placed({ eventId: 'e8', orderId: 'o-4', totalCents: 2000, timestamp: s(5) }),
      paid({ eventId: 'e9', orderId: 'o-4', amountCents: 2000, timestamp: s(6) }),
      shipped({ eventId: 'e10', orderId: 'o-4', carrier: 'dhl', timestamp: s(30) }),
      placed({
        eventId: 'e11',
        orderId: 'o-5',
        customerId: 'c-3',
        currency: 'GBP',
        timestamp: s(31),
      }),
      // Another currency than the order's: an anomaly, nothing changes.
      paid({
        eventId: 'e12',
        orderId: 'o-5',
        customerId: 'c-3',
        currency: 'EUR',
        timestamp: s(32),
      }),
    ],
  ],
  [
    2,
    [
      placed({
        eventId: 'e13',
        orderId: 'o-6',
        customerId: 'c-2',
        currency: 'EUR',
        totalCents: 900,
        timestamp: s(4000),
      }),
      paid({
        eventId: 'e14',
        orderId: 'o-6',
        customerId: 'c-2',
        currency: 'EUR',
        amountCents: 900,
        timestamp: s(4001),
      }),
      shipped({ eventId: 'e15', orderId: 'o-6', customerId: 'c-2', timestamp: s(4002) }),
    ],
  ],
]);
/** Partitions that close their windows for idleness after their last batch. */
export const IDLE_PARTITIONS: ReadonlySet<number> = new Set([1]);

export function programEvent(e: OrderEvent): ProgramEvent {
  return {
    key: e.orderId,
    eventId: e.eventId,
    time: e.timestamp,
    type: e.type,
    value: e as unknown as ProgramEvent['value'],
  };
}

function batches<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}

/**
 * Folds the input with a language topology's program (program layout), batch by batch through
 * the commit script, as the engine does; idle partitions then close their windows.
 */
export async function writeProgramShards(
  redis: RedisConnection,
  prefix: string,
  topology: LanguageTopology,
): Promise<void> {
  const store = new ProgramStateStore({
    redis,
    scripts: new ScriptRunner(),
    prefix,
    topology: topology.name,
    shape: topology.program.state,
  });
  const ctx: ProgramFoldContext = {
    fold: compileFold(topology.program),
    sourceTopic: TOPIC,
    outputs: topology.outputs,
    workerVersion: 'test',
    now: 0,
  };
  for (const [p, events] of orderShardInput) {
    const lease = await store.acquire(p);
    const commit = async (
      keys: readonly string[],
      fold: (input: ProgramBatchInput) => ProgramBatchOutcome,
    ) => {
      let partials = new Map<string, GroupPartial | undefined>();
      for (;;) {
        const states = await store.loadStates(p, keys);
        const outcome = fold({ states, partials, windows: lease.windows, parked: lease.parked });
        if (outcome.kind === 'missing') {
          partials = new Map([...partials, ...(await store.loadPartials(lease, outcome.fields))]);
          continue;
        }
        expect(outcome.kind).toBe('folded');
        if (outcome.kind !== 'folded') return;
        expect((await store.commit(lease, outcome.batch)).status).toBe('committed');
        return;
      }
    };
    let offset = 0;
    for (const batch of batches(events)) {
      const items = batch.map((e): ProgramDecoded => {
        const record = eventRecord(e, { partition: p, offset: offset++, topic: TOPIC });
        return { ok: true, event: programEvent(e), record };
      });
      const keys = [...new Set(batch.map((e) => e.orderId))];
      await commit(keys, (state) => foldProgramBatch(items, state, ctx));
    }
    if (IDLE_PARTITIONS.has(p)) {
      await commit([], (state) => idleCloseProgramBatch(p, lease.applied, state, ctx));
    }
  }
}

/** The same events folded by today's built-in lifecycle (order layout). */
export async function writeLegacyShards(
  redis: RedisConnection,
  prefix: string,
  topology: CompiledTopology,
): Promise<void> {
  const store = new RedisStateStore({
    redis,
    scripts: new ScriptRunner(),
    prefix,
    topology: topology.name,
  });
  const states = new FoldStates(store, topology.aggregators);
  const ctx: FoldContext = {
    sourceTopic: TOPIC,
    outputs: topology.outputs,
    workerVersion: 'test',
    now: 0,
    aggregators: topology.aggregators,
    ...(topology.windows === undefined ? {} : { windows: topology.windows }),
  };
  const extras = { poisoned: new Set<number>(), failed: new Set<number>() };
  for (const [p, events] of orderShardInput) {
    const lease = await store.acquire(p);
    let offset = 0;
    for (const batch of batches(events)) {
      const decoded = batch.map((e) =>
        decodeRecord(eventRecord(e, { partition: p, offset: offset++, topic: TOPIC }), 65_536),
      );
      const result = await states.fold(lease, batch, extras, (i) => foldBatch(decoded, i, ctx));
      expect((await store.commit(lease, result)).status).toBe('committed');
    }
    if (IDLE_PARTITIONS.has(p)) {
      const result = await states.fold(lease, [], extras, (i) =>
        idleCloseBatch(p, lease.applied, i, ctx),
      );
      expect((await store.commit(lease, result)).status).toBe('committed');
    }
  }
}
