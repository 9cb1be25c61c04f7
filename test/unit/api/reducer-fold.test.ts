/**
 * A state's reducer (`StateShape.reduce`) run by the engine's fold and by the independent
 * interpreter of `reconcile`: on topologies/parcels.ts and a hand-written stream both leave
 * the same states and aggregates, the ones computed by hand; a reducer that returns what the
 * state cannot hold, or throws, fails the event with SF_REDUCER_FAILED in both.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ErrorCodes,
  StreamfoldError,
  type Program,
  type StateReducer,
} from '../../../src/index.js';
import {
  ProgramFold,
  compileFold,
  createStepper,
  foldProgramBatch,
  groupKeyOf,
  partialField,
  type GroupPartial,
  type KeyState,
} from '../../../src/pipeline/program/index.js';
import { interpret, stepKey } from '../../../src/reconcile/interpreter/index.js';
import { loadTopologyModule } from '../../../src/topology/load-topology-module.js';
import { finalFields, parcelEvents } from './stream.js';

const parcelsFile = fileURLToPath(new URL('../../../topologies/parcels.ts', import.meta.url));
const { program } = await loadTopologyModule(parcelsFile);

function engine(p: Program): {
  states: Map<string, KeyState>;
  partials: Map<string, GroupPartial>;
} {
  const fold = new ProgramFold(compileFold(p), { states: new Map(), partials: new Map() });
  parcelEvents.forEach((event, offset) => fold.add(offset, event));
  // No partial was loaded: the first finish asks for them, and all are new groups.
  const first = fold.finish();
  if (first.kind !== 'missing') throw new StreamfoldError(ErrorCodes.INTERNAL, 'expected missing');
  const again = new ProgramFold(compileFold(p), {
    states: new Map(),
    partials: new Map(first.fields.map((f) => [f, undefined])),
  });
  parcelEvents.forEach((event, offset) => again.add(offset, event));
  const result = again.finish();
  if (result.kind !== 'folded') throw new StreamfoldError(ErrorCodes.INTERNAL, 'not folded');
  return { states: new Map(result.states), partials: new Map(result.partials) };
}

function interpreted(p: Program) {
  return interpret({
    program: p,
    partitions: new Map([[0, parcelEvents.map((event, offset) => ({ offset, event }))]]),
  });
}

const ids = (...n: number[]): string[] => n.map((i) => `e${i}`);
const timeOf = (id: string): number => parcelEvents.find((e) => e.eventId === id)?.time ?? -1;

const expectedStates = new Map<string, KeyState>([
  [
    's1',
    {
      key: 's1',
      status: 'delivered',
      fields: finalFields.s1,
      appliedEvents: 8,
      updatedAt: timeOf('e12'),
      eventIds: ids(1, 2, 4, 5, 8, 9, 11, 12),
    },
  ],
  [
    's2',
    {
      key: 's2',
      status: 'failedAttempt',
      fields: finalFields.s2,
      appliedEvents: 7,
      updatedAt: timeOf('e16'),
      eventIds: ids(3, 6, 10, 13, 14, 15, 16),
    },
  ],
  [
    's3',
    {
      key: 's3',
      status: 'created',
      fields: finalFields.s3,
      appliedEvents: 1,
      updatedAt: timeOf('e17'),
      eventIds: ids(17),
    },
  ],
]);

const parcelco = groupKeyOf(['parcelco']);
const swiftpost = groupKeyOf(['swiftpost']);
const expectedGroups = new Map<string, GroupPartial>([
  [parcelco, { delivered: 1, failedAttempts: 1, retriesInFlight: 0, mostHubs: 2 }],
  [swiftpost, { delivered: 0, failedAttempts: 2, retriesInFlight: 2, mostHubs: null }],
]);

describe('a state reducer in the fold and in the interpreter', () => {
  it('the fold leaves the states and partials computed by hand', () => {
    const { states, partials } = engine(program);
    expect(states).toEqual(expectedStates);
    expect(partials).toEqual(
      new Map([...expectedGroups].map(([g, p]) => [partialField('attempts', g), p])),
    );
  });

  it('the interpreter leaves the same', () => {
    const result = interpreted(program);
    expect(result.states).toEqual(expectedStates);
    expect(result.aggregates).toEqual(new Map([['attempts', expectedGroups]]));
    expect(result.counts).toEqual({ applied: 16, duplicates: 1, anomalies: 1, late: 0 });
    expect(result.anomalies).toEqual([
      { partition: 0, offset: 7, key: 's2', reason: 'ShipmentDelivered-from-pickedUp' },
    ]);
  });

  it('is given the event, the fields before and after set, and both statuses', () => {
    const seen: unknown[] = [];
    const reduce: StateReducer = (input) => {
      seen.push(structuredClone(input));
      return {};
    };
    const spied: Program = { ...program, state: { ...program.state, reduce } };
    const [created, picked] = parcelEvents;
    if (created === undefined || picked === undefined) throw new TypeError('short stream');
    const step = createStepper(spied);
    const first = step(undefined, created);
    if (first.kind !== 'applied') throw new TypeError('not applied');
    step(first.state, picked);
    const start = {
      carrier: 'parcelco',
      destinationHub: 'AMS1',
      failedAttempts: 0,
      hubsVisited: 0,
      route: '',
    };
    expect(seen).toEqual([
      {
        event: created.value,
        before: undefined,
        after: start,
        status: 'created',
        previousStatus: 'none',
      },
      {
        event: picked.value,
        before: start,
        after: start,
        status: 'pickedUp',
        previousStatus: 'created',
      },
    ]);
  });

  const failures: readonly [string, StateReducer, string][] = [
    [
      'an undeclared field',
      () => ({ attempts: 1 }),
      'it returned attempts, not one of the declared fields carrier, destinationHub, failedAttempts, hubsVisited, route',
    ],
    [
      'the status field',
      () => ({ status: 'lost' }),
      'it returned status, not one of the declared fields carrier, destinationHub, failedAttempts, hubsVisited, route',
    ],
    [
      'a wrong type',
      () => ({ failedAttempts: '1' }),
      'it returned failedAttempts: "1", not integer or null',
    ],
    [
      'a fraction for an integer',
      () => ({ failedAttempts: 1.5 }),
      'it returned failedAttempts: 1.5, not integer or null',
    ],
    [
      'no mapping',
      () => [] as unknown as Record<string, never>,
      'it returned [], not a mapping of fields',
    ],
    [
      'a throw',
      () => {
        throw new RangeError('no hub');
      },
      'it threw no hub',
    ],
    [
      'a change to its frozen input',
      ({ after }) => {
        (after as Record<string, unknown>).route = 'x';
        return {};
      },
      "it threw Cannot assign to read only property 'route' of object '#<Object>'",
    ],
  ];

  for (const [what, reduce, problem] of failures) {
    it(`fails the event on ${what}, in both`, () => {
      const broken: Program = { ...program, state: { ...program.state, reduce } };
      const [created] = parcelEvents;
      if (created === undefined) throw new TypeError('short stream');
      const message = `the state reducer failed on event e1 of key s1: ${problem}`;
      const failure = {
        name: 'StreamfoldError',
        code: 'SF_REDUCER_FAILED',
        retriable: false,
        message,
      };
      expect(() => createStepper(broken)(undefined, created)).toThrow(
        expect.objectContaining(failure),
      );
      expect(() => stepKey(broken, undefined, created)).toThrow(expect.objectContaining(failure));
    });
  }

  it("fails the batch at the reducer's event, and parks its key once it is poisoned", () => {
    // The parcels reducer, but wrong on s1's failed attempt: e9, at offset 9.
    const parcels = program.state.reduce;
    if (parcels === undefined) throw new TypeError('no reducer');
    const reduce: StateReducer = (input) =>
      input.status === 'failedAttempt' && input.event.shipmentId === 's1'
        ? { attempts: 1 }
        : parcels(input);
    const broken: Program = { ...program, state: { ...program.state, reduce } };
    const decoded = parcelEvents.map((event, offset) => ({
      ok: true as const,
      event,
      record: {
        topic: 'parcel-events',
        partition: 0,
        offset,
        key: Buffer.from(event.key),
        value: Buffer.from(JSON.stringify(event.value)),
        timestamp: event.time,
        headers: {},
      },
    }));
    const ctx = {
      fold: compileFold(broken),
      sourceTopic: 'parcel-events',
      outputs: { deadLetter: 'parcel-events-dlt' },
      workerVersion: 'test',
      now: 0,
    };
    const input = { states: new Map(), partials: new Map(), parked: new Map() };
    const problem =
      'the state reducer failed on event e9 of key s1: it returned attempts, not one of the ' +
      'declared fields carrier, destinationHub, failedAttempts, hubsVisited, route';
    const failed = foldProgramBatch(decoded, input, ctx);
    if (failed.kind !== 'failed') throw new TypeError(failed.kind);
    const { cause, ...where } = failed;
    expect(where).toEqual({ kind: 'failed', partition: 0, offset: 9, key: 's1' });
    expect(cause).toBeInstanceOf(StreamfoldError);
    expect(cause).toMatchObject({ code: 'SF_REDUCER_FAILED', message: problem });
    const loaded = new Map(
      [...expectedGroups.keys()].map((g): [string, undefined] => [
        partialField('attempts', g),
        undefined,
      ]),
    );
    const poisoned = foldProgramBatch(
      decoded,
      { ...input, partials: loaded, poisoned: new Set([9]) },
      ctx,
    );
    if (poisoned.kind !== 'folded') throw new TypeError(poisoned.kind);
    expect(
      [...poisoned.batch.parked.changed.values()].map((e) => ({
        key: e.key,
        eventId: e.eventId,
        offset: e.offset,
        reason: e.reason,
        held: e.held.map((h) => h.offset),
      })),
    ).toEqual([{ key: 's1', eventId: 'e9', offset: 9, reason: problem, held: [11, 12] }]);
    expect(poisoned.batch.counts).toEqual({
      records: 18,
      applied: 13,
      duplicates: 1,
      anomalies: 1,
      deadLettered: 1,
      held: 2,
      late: 0,
    });
    // s1 stays as its last applied event left it, before the failed attempt.
    expect(poisoned.batch.states.get('s1')).toEqual({
      key: 's1',
      status: 'outForDelivery',
      fields: { ...finalFields.s1, failedAttempts: 0 },
      appliedEvents: 5,
      updatedAt: timeOf('e8'),
      eventIds: ids(1, 2, 4, 5, 8),
    });
  });

  it('null fits every field and undefined leaves a field as it was, in both', () => {
    const reduce: StateReducer = () => ({ route: null, hubsVisited: undefined as unknown as null });
    const nulls: Program = { ...program, state: { ...program.state, reduce } };
    const [created] = parcelEvents;
    if (created === undefined) throw new TypeError('short stream');
    const fields = { ...finalFields.s3, route: null };
    const engineStep = createStepper(nulls)(undefined, created);
    expect(engineStep.kind === 'applied' && engineStep.state.fields).toEqual(fields);
    const interpreterStep = stepKey(nulls, undefined, created);
    expect(interpreterStep.kind === 'applied' && interpreterStep.after.fields).toEqual(fields);
  });
});
