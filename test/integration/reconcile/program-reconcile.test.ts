/**
 * `reconcileProgram` against the real broker and Redis: payments events (duplicates, malformed
 * and schema-invalid records, anomalies) produced, folded into Redis by the engine batch by batch
 * (with one idle close and one event that fails for good), the batches' dead letters published;
 * the report is ok with exact counts, then names exactly a corrupted state field, a deleted
 * partial and a lost dead letter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTopic, type TopicRecord } from '../../../src/kafka/read-topic.js';
import {
  compileFold,
  createEventDecoder,
  foldProgramBatch,
  idleCloseProgramBatch,
  type GroupPartial,
  type ProgramBatchInput,
  type ProgramBatchOutcome,
  type ProgramDecoded,
  type ProgramFoldContext,
} from '../../../src/pipeline/program/index.js';
import type { DerivedRecord } from '../../../src/pipeline/types.js';
import { formatProgramReport, reconcileProgram } from '../../../src/reconcile/program/index.js';
import { generateProgramEvents, programSimDefaults } from '../../../src/sim/program/index.js';
import {
  createRedis,
  deleteMatching,
  ProgramStateStore,
  ScriptRunner,
  shardKeys,
  StateReader,
  type ProgramLease,
  type RedisConnection,
} from '../../../src/state/index.js';
import { loadLanguageTopology, type LanguageTopology } from '../../../src/topology/index.js';
import { testConnection, testLogger, uniqueName } from '../../helpers/env.js';
import { KafkaTestKit } from '../../helpers/kafka.js';

const PARTITIONS = 3;
const BATCH = 7;

/** topologies/payments.yaml with this test's own name and topics. */
function topologyFor(input: string, deadLetter: string, late?: string): LanguageTopology {
  const base = loadLanguageTopology('topologies/payments.yaml');
  return {
    ...base,
    name: uniqueName('prec'),
    input: { ...base.input, topic: input, partitions: PARTITIONS },
    outputs: { deadLetter, ...(late === undefined ? {} : { late }) },
  };
}

class InjectedFailure extends Error {}

/**
 * The event to fail for good: its key has no later record in the partition (nothing is held, no
 * duplicate of it is left to apply), and a later event has no earlier time (so the watermark it
 * moved is moved again, and the interpreter that leaves it out closes the same windows).
 */
function failingEvent(byPartition: Map<number, ProgramDecoded[]>): ProgramDecoded {
  for (const items of byPartition.values()) {
    for (let i = 0; i < items.length; i += 1) {
      const item = items[i]!;
      if (!item.ok) continue;
      const later = items.slice(i + 1);
      const keyAgain = later.some((l) => l.record.key?.equals(item.record.key!) === true);
      const timeAgain = later.some((l) => l.ok && l.event.time >= item.event.time);
      if (!keyAgain && timeAgain && i > 0) return item;
    }
  }
  throw new InjectedFailure('no event to fail in this stream');
}

describe('reconcileProgram against the real broker and Redis', () => {
  const kit = new KafkaTestKit();
  const conn = testConnection();
  const log = testLogger();
  let redis: RedisConnection;
  let prefix: string;

  beforeEach(async () => {
    redis = createRedis(conn, { connectionName: 'streamfold-test' });
    await redis.connect();
    prefix = uniqueName('prectest');
  });

  afterEach(async () => {
    await deleteMatching(redis, `${prefix}:*`);
    await redis.quit();
    await kit.close();
  });

  /** Folds the whole input topic into Redis with the engine; returns the dead letters. */
  async function foldWithEngine(
    topology: LanguageTopology,
    records: TopicRecord[],
  ): Promise<{ letters: DerivedRecord[]; lates: DerivedRecord[]; failed: ProgramDecoded }> {
    const decode = createEventDecoder({
      paths: topology.program.paths,
      maxValueBytes: topology.input.maxValueBytes,
      validate: topology.schema.validate,
    });
    const byPartition = new Map<number, ProgramDecoded[]>();
    for (const r of records) {
      const list = byPartition.get(r.partition) ?? [];
      list.push(decode({ ...r, topic: topology.input.topic }));
      byPartition.set(r.partition, list);
    }
    const failed = failingEvent(byPartition);
    const ctx: ProgramFoldContext = {
      fold: compileFold(topology.program),
      sourceTopic: topology.input.topic,
      outputs: topology.outputs,
      workerVersion: 'test',
      now: 1_700_000_000_000,
      beforeApply: (event) => {
        if (failed.ok && event.eventId === failed.event.eventId) {
          throw new InjectedFailure('injected');
        }
      },
    };
    const store = new ProgramStateStore({
      redis,
      scripts: new ScriptRunner(),
      prefix,
      topology: topology.name,
      shape: topology.program.state,
    });
    const letters: DerivedRecord[] = [];
    const lates: DerivedRecord[] = [];
    const commit = async (
      lease: ProgramLease,
      keys: readonly string[],
      fold: (input: ProgramBatchInput) => ProgramBatchOutcome,
    ): Promise<void> => {
      let partials = new Map<string, GroupPartial | undefined>();
      for (;;) {
        const states = await store.loadStates(lease.partition, keys);
        const outcome = fold({ states, partials, windows: lease.windows, parked: lease.parked });
        if (outcome.kind === 'missing') {
          partials = new Map([...partials, ...(await store.loadPartials(lease, outcome.fields))]);
          continue;
        }
        expect(outcome.kind).toBe('folded');
        if (outcome.kind !== 'folded') return;
        expect((await store.commit(lease, outcome.batch)).status).toBe('committed');
        letters.push(
          ...outcome.batch.outputs.filter((o) => o.topic === topology.outputs.deadLetter),
        );
        lates.push(...outcome.batch.outputs.filter((o) => o.topic === topology.outputs.late));
        return;
      }
    };
    for (const [partition, items] of byPartition) {
      const lease = await store.acquire(partition);
      for (let at = 0, b = 0; at < items.length; at += BATCH, b += 1) {
        const batch = items.slice(at, at + BATCH);
        const keys = [...new Set(batch.flatMap((d) => (d.ok ? [d.event.key] : [])))];
        const poisoned = new Set(batch.filter((d) => d === failed).map((d) => d.record.offset));
        await commit(lease, keys, (input) => foldProgramBatch(batch, { ...input, poisoned }, ctx));
        // Midway, an idle close (not in the last partition, whose windows stay open): later
        // events of the closed hour come late.
        if (partition !== PARTITIONS - 1 && b === Math.floor(items.length / BATCH / 2)) {
          await commit(lease, [], (input) =>
            idleCloseProgramBatch(partition, lease.applied, input, ctx),
          );
        }
      }
    }
    return { letters, lates, failed };
  }

  it('is ok for what the engine folded, then reports exactly a bad state, a lost partial and a lost dead letter', async () => {
    const input = await kit.createTopic('prec-in', PARTITIONS);
    const dlt = await kit.createTopic('prec-dlt', 1);
    const topology = topologyFor(input, dlt, await kit.createTopic('prec-late', 2));
    const simulated = [
      ...generateProgramEvents(topology.program, topology.schema.json, {
        ...programSimDefaults,
        keys: 60,
        seed: 23,
        duplicates: 0.2,
        malformed: 0.15,
        invalid: 0.15,
        invalidTransitions: 0.2,
        maxValueBytes: topology.input.maxValueBytes,
      }),
    ];
    const count = (kind: string) => simulated.filter((r) => r.kind === kind).length;
    expect(count('malformed')).toBeGreaterThan(0);
    expect(count('invalid')).toBeGreaterThan(0);
    expect(count('duplicate')).toBeGreaterThan(0);
    expect(count('anomaly')).toBeGreaterThan(0);
    const producer = await kit.producer();
    await producer.send({
      topic: input,
      messages: simulated.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    });
    const records: TopicRecord[] = [];
    await readTopic(conn, log, input, { onRecord: (r) => records.push(r) });
    expect(records.length).toBe(simulated.length);

    const { letters, lates, failed } = await foldWithEngine(topology, records);
    const invalidCount = count('malformed') + count('invalid');
    expect(letters.length).toBe(invalidCount + 1);
    const send = (topic: string, list: DerivedRecord[]) =>
      producer.send({
        topic,
        messages: list.map((l) => ({ key: l.key, value: l.value, headers: l.headers })),
      });
    // The second dead letter twice: a republished outbox entry.
    await send(dlt, [...letters, letters[1]!]);
    await send(topology.outputs.late!, lates);
    const position = (l: DerivedRecord) => ({
      partition: Number(l.headers['sf-source-partition']),
      offset: Number(l.headers['sf-source-offset']),
    });

    const reader = new StateReader(redis, prefix, topology.name);
    const report = await reconcileProgram({ conn, log, topology, reader, timeoutMs: 60_000 });
    expect(report.ok, formatProgramReport(report)).toBe(true);
    const failedKey = failed.ok ? failed.event.key : '';
    const appliedKeys = new Set(simulated.filter((r) => r.kind === 'event').map((r) => r.key));
    // The failed event is left out: its key has a state unless it was the key's first event.
    const failedWasFirst =
      simulated
        .find((r) => r.kind === 'event' && r.key === failedKey)
        ?.value?.equals(failed.record.value!) === true;
    if (failedWasFirst) appliedKeys.delete(failedKey);
    expect(report.input).toEqual({
      topic: input,
      records: simulated.length,
      perPartition: report.input.perPartition,
      applied: count('event') - 1,
      duplicates: count('duplicate'),
      anomalies: count('anomaly'),
      invalid: invalidCount,
      truncated: [],
    });
    expect(Object.values(report.input.perPartition).reduce((n, p) => n + p.records, 0)).toBe(
      simulated.length,
    );
    expect(report.states).toMatchObject({
      ok: true,
      expected: appliedKeys.size,
      actual: appliedKeys.size,
      mismatchCount: 0,
      missing: 0,
      unexpected: 0,
    });
    expect(Object.keys(report.aggregates)).toEqual(['net-captured', 'merchant-activity']);
    for (const [name, section] of Object.entries(report.aggregates)) {
      let stored = 0;
      for (let p = 0; p < PARTITIONS; p += 1) {
        const hash = await redis.hgetall(shardKeys(prefix, topology.name, p).aggregates);
        stored += Object.keys(hash).filter((f) => f.startsWith(`${name}|`)).length;
      }
      expect(stored).toBeGreaterThan(0);
      expect(section).toEqual({
        ok: true,
        expected: stored,
        actual: stored,
        mismatchCount: 0,
        mismatches: [],
      });
    }
    let storedOpen = 0;
    const closedBy: string[] = [];
    for (let p = 0; p < PARTITIONS; p += 1) {
      const keys = shardKeys(prefix, topology.name, p);
      const open = Object.keys(await redis.hgetall(keys.windowsOpen)).map((f) =>
        f.split('|').slice(0, 3).join('|'),
      );
      storedOpen += new Set(open).size;
      for (const text of Object.values(await redis.hgetall(keys.windowsClosed))) {
        closedBy.push((JSON.parse(text) as { closedBy: string }).closedBy);
      }
    }
    // The idle closes closed windows, and made later transitions of their hour late.
    expect(closedBy.filter((c) => c === 'idle').length).toBeGreaterThan(0);
    expect(storedOpen).toBeGreaterThan(0);
    expect(report.windows).toMatchObject({
      ok: true,
      expectedClosed: closedBy.length,
      expectedOpen: storedOpen,
      actual: closedBy.length + storedOpen,
      problemCount: 0,
      problems: [],
    });
    const lateIds = new Set(
      lates.map((l) =>
        ['sf-source-partition', 'sf-source-offset', 'sf-window-size']
          .map((h) => l.headers[h])
          .join('/'),
      ),
    );
    expect(lateIds.size).toBeGreaterThan(0);
    expect(report.windows!.late).toEqual({ expected: lateIds.size, actual: lateIds.size });
    expect(report.applied.ok).toBe(true);
    expect(report.dlt).toMatchObject({
      ok: true,
      expected: invalidCount + 1,
      actual: invalidCount + 1,
      records: invalidCount + 2,
      duplicates: 1,
      duplicatePositions: [{ ...position(letters[1]!), count: 2 }],
      missing: 0,
      unexpected: 0,
      headerProblems: [],
      contentMismatches: [],
    });
    expect(report.parked).toEqual({
      poisoned: 1,
      keys: [{ partition: failed.record.partition, key: failedKey, held: 0 }],
    });

    // Corrupt one state field, delete one partial, and lose one dead letter (a fresh DLT topic).
    const victimPartition = report.input.perPartition['0']!.records > 0 ? 0 : 1;
    const keys = shardKeys(prefix, topology.name, victimPartition);
    const states = await redis.hgetall(keys.states);
    const [victimKey, victimText] = Object.entries(states).sort(([a], [b]) => (a < b ? -1 : 1))[0]!;
    const victim = JSON.parse(victimText) as { authorisedCents: number };
    await redis.hset(
      keys.states,
      victimKey,
      JSON.stringify({ ...victim, authorisedCents: victim.authorisedCents + 1 }),
    );
    const partials = await redis.hgetall(keys.aggregates);
    const [lostField, lostText] = Object.entries(partials)
      .filter(([f]) => f.startsWith('merchant-activity|'))
      .sort(([a], [b]) => (a < b ? -1 : 1))[0]!;
    await redis.hdel(keys.aggregates, lostField);
    const lostLetter = letters.find((l) => l.headers['sf-error-class'] !== 'processing')!;
    const dlt2 = await kit.createTopic('prec-dlt2', 1);
    await send(
      dlt2,
      letters.filter((l) => l !== lostLetter),
    );

    const broken = await reconcileProgram({
      conn,
      log,
      topology: { ...topology, outputs: { ...topology.outputs, deadLetter: dlt2 } },
      reader,
      timeoutMs: 60_000,
    });
    expect(broken.ok).toBe(false);
    expect(broken.states).toMatchObject({ ok: false, mismatchCount: 1, missing: 0, unexpected: 0 });
    expect(broken.states.mismatches).toEqual([
      {
        partition: victimPartition,
        key: victimKey,
        diffs: {
          authorisedCents: {
            expected: victim.authorisedCents,
            actual: victim.authorisedCents + 1,
          },
        },
      },
    ]);
    const activity = report.aggregates['merchant-activity']!;
    expect(broken.aggregates['merchant-activity']).toEqual({
      ok: false,
      expected: activity.expected,
      actual: activity.expected - 1,
      mismatchCount: 1,
      mismatches: [
        {
          partition: victimPartition,
          group: lostField.slice('merchant-activity|'.length),
          expected: JSON.parse(lostText) as unknown,
          actual: null,
        },
      ],
    });
    expect(broken.aggregates['net-captured']!.ok).toBe(true);
    expect(broken.windows!.ok).toBe(true);
    expect(broken.applied.ok).toBe(true);
    expect(broken.dlt).toMatchObject({
      ok: false,
      expected: invalidCount + 1,
      actual: invalidCount,
      missing: 1,
      missingPositions: [position(lostLetter)],
      unexpected: 0,
      duplicates: 0,
      headerProblems: [],
      contentMismatches: [],
    });
    const summary = formatProgramReport(broken);
    expect(summary.split('\n')[0]).toBe(`reconcile ${topology.name}: DIFFERENCES FOUND`);
    expect(summary).toContain(
      `p${victimPartition} ${victimKey}: authorisedCents expected ${victim.authorisedCents}, got ${victim.authorisedCents + 1}`,
    );
  });
  it('is ok for an empty input, an empty dead-letter topic and no state', async () => {
    const topology = topologyFor(
      await kit.createTopic('prec-empty', 2),
      await kit.createTopic('prec-empty-dlt', 1),
      await kit.createTopic('prec-empty-late', 1),
    );
    const reader = new StateReader(redis, prefix, topology.name);
    const report = await reconcileProgram({ conn, log, topology, reader, timeoutMs: 30_000 });
    expect(report.ok, formatProgramReport(report)).toBe(true);
    expect(report.input.records).toBe(0);
    expect(report.applied.expected).toEqual({ '0': -1, '1': -1 });
    expect(report.states).toMatchObject({ expected: 0, actual: 0 });
    expect(report.windows).toMatchObject({
      ok: true,
      expectedClosed: 0,
      expectedOpen: 0,
      actual: 0,
      late: { expected: 0, actual: 0 },
    });
  });

  it('reports records the engine has not applied yet', async () => {
    const input = await kit.createTopic('prec-lag', 1);
    const topology = topologyFor(input, await kit.createTopic('prec-lag-dlt', 1));
    const simulated = [
      ...generateProgramEvents(topology.program, topology.schema.json, {
        ...programSimDefaults,
        keys: 3,
        seed: 5,
        maxValueBytes: topology.input.maxValueBytes,
      }),
    ];
    const producer = await kit.producer();
    await producer.send({
      topic: input,
      messages: simulated.map((r) => ({ key: r.key, value: r.value, headers: r.headers })),
    });
    const reader = new StateReader(redis, prefix, topology.name);
    const report = await reconcileProgram({ conn, log, topology, reader, timeoutMs: 30_000 });
    expect(report.ok).toBe(false);
    expect(report.states).toMatchObject({ expected: 3, actual: 0, missing: 3, unexpected: 0 });
    expect(report.applied.mismatches).toEqual([
      { partition: 0, expected: simulated.length - 1, actual: -1 },
    ]);
    expect(report.aggregates['net-captured']!.actual).toBe(0);
  });
});
