import type { ConnectionConfig } from '../../config/index.js';
import { readTopic, type TopicRecord } from '../../kafka/read-topic.js';
import type { Logger } from '../../logger.js';
import {
  PROCESSING_ERROR_CLASS,
  type GroupPartial,
  type KeyState,
} from '../../pipeline/program/index.js';
import { idleCloses, parseProgramParked } from '../../state/program-shard-load.js';
import type { StateReader } from '../../state/index.js';
import type { LanguageTopology } from '../../topology/index.js';
import { compareDlt } from '../compare-dlt.js';
import { compareApplied } from '../compare-state.js';
import { interpret, type LateTransition, type WindowPartition } from '../interpreter/index.js';
import type { InputSection } from '../types.js';
import { compareAggregates } from './compare-aggregates.js';
import { compareStates } from './compare-states.js';
import { compareProgramWindows, type StoredWindows } from './compare-windows.js';
import { ProgramInputCollector } from './program-input.js';
import type { ProgramReconcileReport } from './types.js';

export interface ProgramReconcileOptions {
  conn: ConnectionConfig;
  log: Logger;
  topology: LanguageTopology;
  /**
   * Reads the topology's shards: its prefix, the topology's name and the generation to check
   * (`StateReader.live` for the one queries see).
   */
  reader: StateReader;
  /** Per topic read. */
  timeoutMs?: number;
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

/**
 * Recomputes a language topology's state from its input topic with the independent interpreter
 * (../interpreter/) and compares it with the shards, the dead-letter topic and the late topic: key
 * states, aggregate partials and windows per partition, late transitions, applied offsets, dead
 * letters, parked keys. Run it
 * when the worker has caught up: records applied since the start are not in the recomputation,
 * records not yet applied are differences.
 */
export async function reconcileProgram(
  opts: ProgramReconcileOptions,
): Promise<ProgramReconcileReport> {
  const { conn, log, topology, reader, timeoutMs } = opts;
  const { program } = topology;

  // Dead letters first: an event dead-lettered as a processing failure parked its key and is not
  // part of the recomputation (its later events were held, then applied when unparked).
  const dltRecords: TopicRecord[] = [];
  await readTopic(conn, log, topology.outputs.deadLetter, {
    timeoutMs,
    onRecord: (r) => dltRecords.push(r),
  });
  const collector = new ProgramInputCollector(topology, processingFailures(dltRecords));
  const read = await readTopic(conn, log, topology.input.topic, {
    timeoutMs,
    onRecord: (r) => collector.add(r),
  });
  const { input } = collector;

  const owned = await reader.partitions();
  const partitions = [...new Set([...read.partitions.map((r) => r.partition), ...owned])].sort(
    (a, b) => a - b,
  );
  // The clock before the windows: an idle close in between shows as a window closed `idle`
  // that the interpreter has open, which the comparison allows.
  const clocks = await reader.hashPerShard(partitions, 'clock');
  const [applied, outbox, parkedHashes] = await Promise.all([
    reader.applied(partitions),
    reader.outboxDepth(partitions),
    reader.hashPerShard(partitions, 'parked'),
  ]);
  const actualStates = new Map<number, Record<string, string>>();
  const actualPartials = new Map<number, Record<string, string>>();
  const actualWindows = new Map<number, StoredWindows>();
  for (const p of partitions) {
    actualStates.set(p, await reader.hash(p, 'states'));
    actualPartials.set(p, await reader.hash(p, 'aggregates'));
    actualWindows.set(p, {
      open: await reader.hash(p, 'windowsOpen'),
      closed: await reader.hash(p, 'windowsClosed'),
    });
  }

  // One run per partition: a key's state belongs to its partition's shard, and records keyed
  // null may put one key in several partitions.
  const expectedStates = new Map<number, Map<string, KeyState>>();
  const expectedPartials = new Map<string, Map<number, Map<string, GroupPartial>>>();
  const expectedWindows = new Map<string, Map<string, Map<number, WindowPartition>>>();
  const counts = { applied: 0, duplicates: 0, anomalies: 0 };
  const late: LateTransition[] = [];
  for (const p of partitions) {
    const result = interpret({
      program,
      partitions: new Map([[p, input.events.get(p) ?? []]]),
      idleCloses: new Map([[p, idleCloses(clocks.get(p) ?? {})]]),
    });
    if (result.states.size > 0) expectedStates.set(p, result.states);
    for (const [name, perPartition] of result.aggregatePartials) {
      const groups = perPartition.get(p);
      if (groups === undefined) continue;
      const into = expectedPartials.get(name) ?? new Map<number, Map<string, GroupPartial>>();
      expectedPartials.set(name, into.set(p, groups));
    }
    for (const [name, byWindow] of result.windows) {
      const into = expectedWindows.get(name) ?? new Map<string, Map<number, WindowPartition>>();
      expectedWindows.set(name, into);
      for (const [window, perPartition] of byWindow) {
        const part = perPartition.get(p);
        if (part === undefined) continue;
        into.set(window, (into.get(window) ?? new Map<number, WindowPartition>()).set(p, part));
      }
    }
    counts.applied += result.counts.applied;
    counts.duplicates += result.counts.duplicates;
    counts.anomalies += result.counts.anomalies;
    late.push(...result.late);
  }

  const states = compareStates(program, expectedStates, actualStates);
  const aggregates = compareAggregates(program, expectedPartials, actualPartials);
  const windowed = program.aggregates.some((a) => a.windows !== undefined);
  let lateRecords: TopicRecord[] | undefined;
  if (windowed && topology.outputs.late !== undefined) {
    const records: TopicRecord[] = [];
    await readTopic(conn, log, topology.outputs.late, {
      timeoutMs,
      onRecord: (r) => records.push(r),
    });
    lateRecords = records;
  }
  const windows = windowed
    ? compareProgramWindows(program, expectedWindows, actualWindows, late, lateRecords)
    : undefined;
  const appliedSection = compareApplied(read.partitions, applied);
  const pending = [...outbox.values()].reduce((a, b) => a + b, 0);
  const dlt = compareDlt(
    topology.input.topic,
    topology.outputs.deadLetter,
    [...input.invalid, ...input.poisoned],
    dltRecords,
    pending,
  );
  const truncated = read.partitions.filter((r) => r.low > 0).map((r) => r.partition);
  const perPartition: InputSection['perPartition'] = {};
  for (const r of read.partitions) {
    const records = input.perPartition.get(r.partition) ?? 0;
    perPartition[String(r.partition)] = { low: r.low, high: r.high, records };
  }
  const parkedKeys = [...parkedHashes].flatMap(([partition, hash]) =>
    [...parseProgramParked(hash).values()].map((entry) => ({
      partition,
      key: entry.key,
      held: entry.held.length,
    })),
  );

  return {
    ok:
      truncated.length === 0 &&
      states.ok &&
      Object.values(aggregates).every((a) => a.ok) &&
      appliedSection.ok &&
      dlt.ok &&
      (windows?.ok ?? true),
    topology: topology.name,
    input: {
      topic: topology.input.topic,
      records: read.records,
      perPartition,
      applied: counts.applied,
      duplicates: counts.duplicates,
      anomalies: counts.anomalies,
      invalid: input.invalid.length,
      truncated,
    },
    states,
    aggregates,
    applied: appliedSection,
    dlt,
    ...(windows ? { windows } : {}),
    parked: { poisoned: input.poisoned.length, keys: parkedKeys },
  };
}
