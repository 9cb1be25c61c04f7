/**
 * `streamfold rebuild` of a language topology: the input replayed into the next generation while
 * the worker runs, the program shards of both generations diffed, and the switch or the abort
 * (docs/topologies.md, "Rebuilding state").
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readTopic } from '../../src/kafka/read-topic.js';
import { idleCloseOffsets, unparkLog } from '../../src/pipeline/index.js';
import { DEFAULT_START_TIME } from '../../src/sim/options.js';
import {
  connectRedis,
  createRedis,
  scanKeys,
  shardKeys,
  topologyKeys,
  type RedisConnection,
} from '../../src/state/index.js';
import { runCliJson } from '../helpers/cli.js';
import { eventually, testConnection, testLogger } from '../helpers/env.js';
import { ProgramScenario } from '../helpers/program-scenario.js';

interface RebuildReport {
  topology: string;
  from: number;
  to: number;
  outcome: 'switched' | 'aborted';
  reason?: string;
  records: number;
  applied: Record<string, number>;
  diff: {
    empty: boolean;
    hashes: Record<
      string,
      {
        count: number;
        examples: {
          partition: number;
          field: string;
          live: string | null;
          rebuilt: string | null;
        }[];
      }
    >;
  };
  elapsedMs: number;
}

const PAYMENTS = 'topologies/payments.yaml';
const PARTITIONS = 4;
const ALL = ['0', '1', '2', '3'];
const DAY = 86_400_000;

/** payments.yaml with a one-second idle timeout, so a test sees its idle partitions close. */
function quickIdleCopy(): string {
  const doc = parse(readFileSync(PAYMENTS, 'utf8')) as {
    input: { schema: string };
    aggregates: { windows?: { idleTimeout: string } }[];
  };
  doc.input.schema = path.resolve(path.dirname(PAYMENTS), doc.input.schema);
  for (const aggregate of doc.aggregates) {
    if (aggregate.windows !== undefined) aggregate.windows.idleTimeout = '1s';
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'streamfold-e2e-')), 'payments.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

/** A key with four events or more, and its second event: the ones after it will be held. */
async function secondEventOfALongKey(
  s: ProgramScenario,
): Promise<{ key: string; eventId: string }> {
  const byKey = new Map<string, string[]>();
  await readTopic(testConnection(), testLogger(), s.topics.source, {
    onRecord: (r) => {
      const e = JSON.parse(r.value?.toString() ?? '{}') as { eventId: string; paymentId: string };
      byKey.set(e.paymentId, [...(byKey.get(e.paymentId) ?? []), e.eventId]);
    },
  });
  const found = [...byKey].find(([, ids]) => ids.length >= 4);
  expect(found).toBeDefined();
  const [key, ids] = found!;
  return { key, eventId: ids[1]! };
}

async function rebuild(
  s: ProgramScenario,
  flags: readonly string[] = [],
): Promise<{ code: number; report: RebuildReport }> {
  const { code, json } = await runCliJson<RebuildReport>(
    ['rebuild', s.file, '--json', ...flags],
    s.env,
    [0, 1],
  );
  return { code, report: json };
}

/** Every input record up to where the rebuild stood was replayed. */
function replayedAll(report: RebuildReport): number {
  return Object.values(report.applied).reduce((sum, offset) => sum + offset + 1, 0);
}

describe('streamfold rebuild of a language topology', () => {
  let scenario: ProgramScenario | undefined;
  let redis: RedisConnection | undefined;

  afterEach(async () => {
    await scenario?.cleanup();
    scenario = undefined;
    redis?.disconnect();
    redis = undefined;
  });

  const start = async (
    file = PAYMENTS,
  ): Promise<{ s: ProgramScenario; redis: RedisConnection }> => {
    const s = (scenario = new ProgramScenario(file, PARTITIONS));
    await s.createTopics();
    redis = await connectRedis(createRedis(testConnection()));
    return { s, redis };
  };

  it('switches with an empty diff while the worker runs, which goes on in the new one', async () => {
    // Idle closes (on wall-clock time) and an unpark (by an operator) in the live generation:
    // the rebuild replays both at the offsets they happened at, and the dead letter parks its key.
    const { s, redis } = await start(quickIdleCopy());
    await s.simulate(['--keys', '1500', '--seed', '31']);
    const { key: parkedKey, eventId } = await secondEventOfALongKey(s);
    const broken = s.startWorker({ STREAMFOLD_FAIL_EVENT_IDS: eventId });
    await s.waitDrained();
    expect(await broken.stop()).toEqual({ code: 0, signal: null });
    const worker = s.startWorker();
    const { json: released } = await runCliJson<{ key: string; released: number }>(
      ['unpark', s.file, parkedKey, '--json'],
      s.env,
    );
    expect(released.key).toBe(parkedKey);
    expect(released.released).toBeGreaterThan(0);
    const live = await s.reader();
    const partitions = [0, 1, 2, 3];
    const preloaded = await live.applied(partitions);
    await eventually('the idle partitions to close their windows', async () => {
      const clocks = await live.hashPerShard(partitions, 'clock');
      return partitions.every((p) =>
        idleCloseOffsets(clocks.get(p) ?? {}).includes(preloaded.get(p)!),
      )
        ? true
        : undefined;
    });

    // More input while the rebuild replays, a day later (the watermark closes windows too): the
    // worker applies it in the live generation, and the rebuild catches up with it.
    const [run] = await Promise.all([
      rebuild(s),
      s.simulate([
        '--keys',
        '1500',
        '--seed',
        '32',
        '--start-time',
        String(DEFAULT_START_TIME + DAY),
      ]),
    ]);
    expect(run.code, JSON.stringify(run.report)).toBe(0);
    expect(run.report).toMatchObject({
      topology: 'payments',
      from: 0,
      to: 1,
      outcome: 'switched',
      diff: { empty: true, hashes: {} },
    });
    expect(run.report).not.toHaveProperty('reason');
    expect(Object.keys(run.report.applied).sort()).toEqual(ALL);
    expect(run.report.records).toBe(replayedAll(run.report));

    // The pointer moved and the old generation is gone; the rebuilt shards logged the idle
    // closes and the unpark where the live ones did.
    expect(await redis.get(topologyKeys(s.prefix, s.name).generation)).toBe('1');
    expect(await scanKeys(redis, `${s.prefix}:{payments:*`)).toEqual([]);
    const clocks = await live.at(1).hashPerShard(partitions, 'clock');
    for (const p of partitions) {
      expect(idleCloseOffsets(clocks.get(p)!)).toContain(preloaded.get(p)!);
    }
    const unparks = partitions.flatMap((p) => unparkLog(clocks.get(p)!).map((u) => u.key));
    expect(unparks).toEqual([parkedKey]);

    // The worker takes its partitions over in generation 1 and applies what comes next there.
    await s.simulate([
      '--keys',
      '300',
      '--seed',
      '33',
      '--start-time',
      String(DEFAULT_START_TIME + 2 * DAY),
    ]);
    await s.waitDrained();
    const reader = await s.reader();
    expect(reader.generation).toBe(1);
    const applied = await reader.applied(partitions);
    for (const [p, offset] of Object.entries(run.report.applied)) {
      expect(applied.get(Number(p)), `partition ${p}`).toBeGreaterThan(offset);
    }
    const { code, report } = await s.reconcile();
    expect(report).toMatchObject({ ok: true, parked: { poisoned: 1, keys: [] } });
    expect(code).toBe(0);
    expect(worker.running).toBe(true);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });

  it('aborts on a corrupted live state, leaving it untouched; --switch-on-diff fixes it', async () => {
    const { s, redis } = await start();
    await s.simulate(['--keys', '800', '--seed', '41']);
    const first = s.startWorker();
    await s.waitDrained();
    expect(await first.stop()).toEqual({ code: 0, signal: null });

    // One stored state field of the live generation changed by hand (as a bug would have).
    const p = 2;
    const reader = await s.reader();
    const states = shardKeys(s.prefix, s.name, p).states;
    const [key, original] = Object.entries(await reader.hash(p, 'states'))[0]!;
    const state = JSON.parse(original) as { authorisedCents: number };
    const corrupted = JSON.stringify({ ...state, authorisedCents: state.authorisedCents + 1 });
    await redis.hset(states, key, corrupted);

    const worker = s.startWorker();
    const aborted = await rebuild(s);
    expect(aborted.code).toBe(1);
    expect(aborted.report).toMatchObject({
      topology: 'payments',
      from: 0,
      to: 1,
      outcome: 'aborted',
      reason: 'the rebuilt state differs from the live state',
      diff: { empty: false },
    });
    expect(Object.keys(aborted.report.applied).sort()).toEqual(ALL);
    expect(aborted.report.records).toBe(replayedAll(aborted.report));
    const named = {
      states: {
        count: 1,
        examples: [{ partition: p, field: key, live: corrupted, rebuilt: original }],
      },
    };
    expect(aborted.report.diff.hashes).toEqual(named);
    // The pointer did not move, nothing of generation 1 is left, the live value is as it was.
    expect(await redis.get(topologyKeys(s.prefix, s.name).generation)).toBeNull();
    expect(await scanKeys(redis, `${s.prefix}:{payments@1:*`)).toEqual([]);
    expect(await redis.hget(states, key)).toBe(corrupted);
    const { code: before } = await s.reconcile();
    expect(before).toBe(1);

    // The rebuild is the fix: it switches with the same diff, and reconcile is exact again.
    const fixed = await rebuild(s, ['--switch-on-diff']);
    expect(fixed.code, JSON.stringify(fixed.report)).toBe(0);
    expect(fixed.report).toMatchObject({ outcome: 'switched', from: 0, to: 1 });
    expect(fixed.report.diff).toEqual({ empty: false, hashes: named });
    expect(await redis.get(topologyKeys(s.prefix, s.name).generation)).toBe('1');
    expect(await redis.hget(shardKeys(s.prefix, s.name, p, 1).states, key)).toBe(original);

    await s.simulate(['--keys', '200', '--seed', '42']);
    await s.waitDrained();
    expect((await s.reader()).generation).toBe(1);
    const { code, report } = await s.reconcile();
    expect(report).toMatchObject({ ok: true });
    expect(code).toBe(0);
    expect(worker.running).toBe(true);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
