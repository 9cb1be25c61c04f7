/**
 * A program's batches through the real commit script into a real Redis: random programs and
 * streams, folded batch by batch by the engine with partials loaded through the store, owners
 * fenced and replaced midway, and the shard read back equal to the independent interpreter's
 * states, partials and windows.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileFold,
  foldProgramBatch,
  idleCloseProgramBatch,
  type GroupPartial,
  type Program,
  type ProgramBatchOutcome,
  type ProgramDecoded,
  type ProgramEvent,
  type ProgramFoldContext,
} from '../../../src/pipeline/program/index.js';
import { interpret, stateJson } from '../../../src/reconcile/interpreter/index.js';
import {
  connectRedis,
  createRedis,
  deleteMatching,
  idleCloses,
  parseProgramWindows,
  ProgramStateStore,
  ScriptRunner,
  shardKeys,
  type ProgramLease,
  type RedisConnection,
} from '../../../src/state/index.js';
import { testConnection, uniqueName } from '../../helpers/env.js';
import { programArb, streamArb } from '../../unit/pipeline/program/random-program.js';

const TOPIC = 'in';

function decoded(partition: number, offset: number, event: ProgramEvent): ProgramDecoded {
  return {
    ok: true,
    event,
    record: {
      topic: TOPIC,
      partition,
      offset,
      key: Buffer.from(event.key),
      value: Buffer.from(JSON.stringify(event.value)),
      timestamp: event.time,
      headers: {},
    },
  };
}

describe('ProgramStateStore against a real Redis', () => {
  let redis: RedisConnection;
  const prefixes: string[] = [];

  beforeAll(async () => {
    redis = await connectRedis(createRedis(testConnection()));
  });

  afterAll(async () => {
    for (const prefix of prefixes) await deleteMatching(redis, `${prefix}:*`);
    await redis.quit();
  });

  async function run(
    program: Program,
    stream: { partition: number; event: ProgramEvent }[],
    cuts: number[],
    idle: boolean[],
  ) {
    const prefix = uniqueName('program-store');
    prefixes.push(prefix);
    const opts = {
      redis,
      scripts: new ScriptRunner(),
      prefix,
      topology: 't',
      shape: program.state,
    };
    const ctx: ProgramFoldContext = {
      fold: compileFold(program),
      sourceTopic: TOPIC,
      outputs: {
        deadLetter: 'dlt',
        status: 'status',
        aggregates: 'agg',
        windows: 'win',
        late: 'late',
      },
      workerVersion: 'test',
      now: 0,
    };
    const partitions = new Map<number, { offset: number; event: ProgramEvent }[]>();
    for (const { partition, event } of stream) {
      const list = partitions.get(partition) ?? [];
      list.push({ offset: list.length, event });
      partitions.set(partition, list);
    }
    for (const [p, events] of partitions) {
      let store = new ProgramStateStore(opts);
      let lease: ProgramLease = await store.acquire(p);
      const commit = async (
        fold: (input: Parameters<typeof foldProgramBatch>[1]) => ProgramBatchOutcome,
      ) => {
        let loaded = new Map<string, GroupPartial | undefined>();
        const keys = new Set<string>();
        for (;;) {
          const states = await store.loadStates(p, [...keys]);
          const outcome = fold({
            states,
            partials: loaded,
            windows: lease.windows,
            parked: lease.parked,
          });
          if (outcome.kind === 'missing') {
            loaded = new Map([...loaded, ...(await store.loadPartials(lease, outcome.fields))]);
            continue;
          }
          if (outcome.kind !== 'folded') throw new Error('no event fails here');
          const result = await store.commit(lease, outcome.batch);
          expect(result.status).toBe('committed');
          return;
        }
      };
      let at = 0;
      for (let b = 0; at < events.length; b += 1) {
        const batch = events.slice(at, at + (cuts[b % cuts.length] ?? 1));
        at += batch.length;
        const items = batch.map(({ offset, event }) => decoded(p, offset, event));
        const keys = [...new Set(batch.map((e) => e.event.key))];
        let loaded = new Map<string, GroupPartial | undefined>();
        for (;;) {
          const states = await store.loadStates(p, keys);
          const outcome = foldProgramBatch(
            items,
            { states, partials: loaded, windows: lease.windows, parked: lease.parked },
            ctx,
          );
          if (outcome.kind === 'missing') {
            loaded = new Map([...loaded, ...(await store.loadPartials(lease, outcome.fields))]);
            continue;
          }
          if (outcome.kind !== 'folded') throw new Error('no event fails here');
          expect((await store.commit(lease, outcome.batch)).status).toBe('committed');
          break;
        }
        if (idle[b % idle.length] === true) {
          await commit((input) => idleCloseProgramBatch(p, lease.applied, input, ctx));
        }
        if (b % 2 === 1) {
          // A new owner takes over: the old lease is fenced, the new one reads where Redis stands.
          const next = new ProgramStateStore(opts);
          const taken = await next.acquire(p);
          expect(taken.applied).toBe(lease.applied);
          const stale = foldProgramBatch(
            items,
            {
              states: new Map(),
              partials: new Map(),
              windows: lease.windows,
              parked: lease.parked,
            },
            ctx,
          );
          if (stale.kind === 'folded')
            expect((await store.commit(lease, stale.batch)).status).toBe('fenced');
          store = next;
          lease = taken;
        }
      }
    }
    return { prefix, partitions };
  }

  it('writes what the independent interpreter computes, through fences and idle closes', async () => {
    await fc.assert(
      fc.asyncProperty(
        programArb,
        streamArb,
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
        async (program, stream, cuts, idle) => {
          const { prefix, partitions } = await run(program, stream, cuts, idle);
          const clocks = new Map<number, Record<string, string>>();
          for (const p of partitions.keys())
            clocks.set(p, await redis.hgetall(shardKeys(prefix, 't', p).clock));
          const expected = interpret({
            program,
            partitions,
            idleCloses: new Map([...clocks].map(([p, c]) => [p, idleCloses(c)])),
          });
          for (const p of partitions.keys()) {
            const keys = shardKeys(prefix, 't', p);
            const states = await redis.hgetall(keys.states);
            const want = Object.fromEntries(
              [...expected.states]
                .filter(([k]) => partitions.get(p)?.some((e) => e.event.key === k))
                .map(([k, s]) => [k, JSON.stringify(stateJson(program, s))]),
            );
            expect(states).toEqual(want);
            const partials = await redis.hgetall(keys.aggregates);
            const wantPartials: Record<string, string> = {};
            for (const [name, perPartition] of expected.aggregatePartials) {
              for (const [group, partial] of perPartition.get(p) ?? []) {
                wantPartials[`${name}|${group}`] = JSON.stringify(partial);
              }
            }
            expect(
              Object.fromEntries(Object.entries(partials).map(([f, v]) => [f, JSON.parse(v)])),
            ).toEqual(
              Object.fromEntries(Object.entries(wantPartials).map(([f, v]) => [f, JSON.parse(v)])),
            );
            const windows = parseProgramWindows(
              clocks.get(p) ?? {},
              await redis.hgetall(keys.windowsOpen),
            );
            const closed = await redis.hgetall(keys.windowsClosed);
            const wantOpen: Record<string, unknown> = {};
            const wantClosed: Record<string, unknown> = {};
            for (const [name, byWindow] of expected.windows) {
              for (const [id, parts] of byWindow) {
                const part = parts.get(p);
                if (part === undefined) continue;
                if (part.closedBy === null) {
                  for (const [group, partial] of part.groups)
                    wantOpen[`${name}|${id}|${group}`] = partial;
                } else {
                  wantClosed[`${name}|${id}`] = {
                    closedBy: part.closedBy,
                    groups: Object.fromEntries(part.groups),
                  };
                }
              }
            }
            expect(Object.fromEntries(windows.open)).toEqual(wantOpen);
            expect(
              Object.fromEntries(
                Object.entries(closed).map(([f, v]) => {
                  const r = JSON.parse(v) as { closedBy: string; groups: unknown };
                  return [f, { closedBy: r.closedBy, groups: r.groups }];
                }),
              ),
            ).toEqual(wantClosed);
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
