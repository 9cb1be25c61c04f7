/** The program comparisons on small hand-made inputs: exact sections, capped lists, full counts. */
import { describe, expect, it } from 'vitest';
import type { TopicRecord } from '../../../../src/kafka/read-topic.js';
import type { GroupPartial, KeyState } from '../../../../src/pipeline/program/index.js';
import { stateJson, type WindowPartition } from '../../../../src/reconcile/interpreter/index.js';
import {
  compareAggregates,
  compareProgramWindows,
  compareStates,
  formatProgramReport,
  type ProgramReconcileReport,
  type StoredWindows,
} from '../../../../src/reconcile/program/index.js';
import { MAX_LISTED } from '../../../../src/reconcile/types.js';
import { loadLanguageTopology } from '../../../../src/topology/index.js';

const { program } = loadLanguageTopology('topologies/payments.yaml');

function payment(key: string, capturedCents = 0): KeyState {
  return {
    key,
    status: capturedCents > 0 ? 'captured' : 'authorised',
    fields: {
      merchantId: 'm1',
      currency: 'EUR',
      cardCountry: 'DE',
      authorisedCents: 500,
      capturedCents,
      refundedCents: 0,
    },
    appliedEvents: capturedCents > 0 ? 2 : 1,
    updatedAt: 1000,
    eventIds: capturedCents > 0 ? ['e1', 'e2'] : ['e1'],
  };
}

/** The stored JSON the engine writes for a state, with its fields in another order. */
function stored(state: KeyState, changes: Record<string, unknown> = {}): string {
  const json: Record<string, unknown> = {
    eventIds: state.eventIds,
    updatedAt: state.updatedAt,
    appliedEvents: state.appliedEvents,
    ...state.fields,
    status: state.status,
    paymentId: state.key,
    ...changes,
  };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete json[name];
  return JSON.stringify(json);
}

describe('compareStates', () => {
  it('is ok when every stored state equals the interpreter one, whatever the field order', () => {
    const a = payment('a');
    const b = payment('b', 500);
    const section = compareStates(
      program,
      new Map([
        [0, new Map([['a', a]])],
        [1, new Map([['b', b]])],
      ]),
      new Map<number, Record<string, string>>([
        [0, { a: stored(a) }],
        [1, { b: stored(b) }],
      ]),
    );
    expect(section).toEqual({
      ok: true,
      expected: 2,
      actual: 2,
      mismatchCount: 0,
      mismatches: [],
      missing: 0,
      missingKeys: [],
      unexpected: 0,
      unexpectedKeys: [],
    });
  });

  it('names differing, absent and extra fields, missing and unexpected keys, and unreadable values', () => {
    const a = payment('a', 500);
    const b = payment('b');
    const c = payment('c');
    const section = compareStates(
      program,
      new Map([
        [
          0,
          new Map([
            ['a', a],
            ['b', b],
            ['c', c],
          ]),
        ],
      ]),
      new Map([
        [
          0,
          {
            a: stored(a, { capturedCents: 501, refundedCents: undefined, extra: true }),
            c: 'not json',
            // A key in the wrong partition is missing there and unexpected here.
            d: stored(payment('d')),
          },
        ],
      ]),
    );
    expect(section).toEqual({
      ok: false,
      expected: 3,
      actual: 3,
      mismatchCount: 2,
      mismatches: [
        {
          partition: 0,
          key: 'a',
          diffs: {
            capturedCents: { expected: 500, actual: 501 },
            refundedCents: { expected: 0, actual: null },
            extra: { expected: null, actual: true },
          },
        },
        {
          partition: 0,
          key: 'c',
          diffs: {
            '': { expected: stateJson(program, c), actual: 'not json' },
          },
        },
      ],
      missing: 1,
      missingKeys: [{ partition: 0, key: 'b' }],
      unexpected: 1,
      unexpectedKeys: [{ partition: 0, key: 'd' }],
    });
  });

  it('counts every missing key and lists the first MAX_LISTED', () => {
    const keys = Array.from({ length: MAX_LISTED + 5 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const section = compareStates(
      program,
      new Map([[2, new Map(keys.map((k) => [k, payment(k)]))]]),
      new Map(),
    );
    expect(section.missing).toBe(MAX_LISTED + 5);
    expect(section.missingKeys).toEqual(
      keys.slice(0, MAX_LISTED).map((key) => ({ partition: 2, key })),
    );
    expect(section.ok).toBe(false);
  });
});

describe('compareAggregates', () => {
  const net: GroupPartial = { cents: 500, captures: 1, refunds: 0, chargebacks: 0 };
  const activity: GroupPartial = {
    openAuthorisations: 0,
    largestCaptureCents: 500,
    smallestCaptureCents: 500,
    cardCountries: ['"DE"'],
    lastEventAt: { value: 1000, time: 1000 },
  };

  it('is ok for equal partials per partition, whatever the key order of the JSON', () => {
    const sections = compareAggregates(
      program,
      new Map([
        ['net-captured', new Map([[0, new Map([['["m1","EUR"]', net]])]])],
        ['merchant-activity', new Map([[0, new Map([['m1', activity]])]])],
      ]),
      new Map([
        [
          0,
          {
            'net-captured|["m1","EUR"]': JSON.stringify({
              chargebacks: 0,
              refunds: 0,
              captures: 1,
              cents: 500,
            }),
            'merchant-activity|m1': JSON.stringify(activity),
          },
        ],
      ]),
    );
    expect(sections).toEqual({
      'net-captured': { ok: true, expected: 1, actual: 1, mismatchCount: 0, mismatches: [] },
      'merchant-activity': { ok: true, expected: 1, actual: 1, mismatchCount: 0, mismatches: [] },
    });
  });

  it('names lost, differing and extra partials, and partials of an aggregate the program lacks', () => {
    const sections = compareAggregates(
      program,
      new Map([
        [
          'net-captured',
          new Map([
            [0, new Map([['["m1","EUR"]', net]])],
            [1, new Map([['["m2","EUR"]', net]])],
          ]),
        ],
        ['merchant-activity', new Map([[1, new Map([['m2', activity]])]])],
      ]),
      new Map([
        [
          1,
          {
            'net-captured|["m2","EUR"]': JSON.stringify({ ...net, cents: 499 }),
            'merchant-activity|m2': JSON.stringify(activity),
            'merchant-activity|m3': JSON.stringify(activity),
            'gone|x': '{}',
          },
        ],
      ]),
    );
    expect(sections).toEqual({
      'net-captured': {
        ok: false,
        expected: 2,
        actual: 1,
        mismatchCount: 2,
        mismatches: [
          { partition: 0, group: '["m1","EUR"]', expected: net, actual: null },
          { partition: 1, group: '["m2","EUR"]', expected: net, actual: { ...net, cents: 499 } },
        ],
      },
      'merchant-activity': {
        ok: false,
        expected: 1,
        actual: 2,
        mismatchCount: 1,
        mismatches: [{ partition: 1, group: 'm3', expected: null, actual: activity }],
      },
      gone: {
        ok: false,
        expected: 0,
        actual: 1,
        mismatchCount: 1,
        mismatches: [{ partition: 1, group: 'x', expected: null, actual: {} }],
      },
    });
  });
});

/** A late record as the engine writes it (only its provenance headers are read). */
function lateRecord(partition: number, offset: number): TopicRecord {
  return {
    partition: 0,
    offset: partition * 100 + offset,
    key: null,
    value: null,
    timestamp: 0,
    headers: {
      'sf-window-size': '1h',
      'sf-source-partition': String(partition),
      'sf-source-offset': String(offset),
    },
  };
}

describe('compareProgramWindows', () => {
  const g = (cents: number): GroupPartial => ({ cents, captures: 1, refunds: 0, chargebacks: 0 });
  const group = '["m1","EUR"]';
  const part = (closedBy: WindowPartition['closedBy'], cents: number): WindowPartition => ({
    groups: new Map([[group, g(cents)]]),
    closedBy,
  });
  const closed = (closedBy: string, cents: number) =>
    JSON.stringify({
      aggregate: 'net-captured',
      size: '1h',
      start: 0,
      closedBy,
      groups: { [group]: g(cents) },
    });

  it('accepts open windows open or closed idle since, and closed ones closed the same way', () => {
    const section = compareProgramWindows(
      program,
      new Map([
        [
          'net-captured',
          new Map([
            [
              '1h|0',
              new Map([
                [0, part('watermark', 5)],
                [1, part(null, 6)],
              ]),
            ],
            ['1h|3600000', new Map([[0, part(null, 7)]])],
          ]),
        ],
      ]),
      new Map<number, StoredWindows>([
        [
          0,
          {
            open: { [`net-captured|1h|3600000|${group}`]: JSON.stringify(g(7)) },
            closed: { 'net-captured|1h|0': closed('watermark', 5) },
          },
        ],
        [1, { open: {}, closed: { 'net-captured|1h|0': closed('idle', 6) } }],
      ]),
      [
        // Late for two aggregates of the same size: one late record.
        { partition: 0, offset: 3, aggregate: 'net-captured', size: '1h', start: 0 },
        { partition: 0, offset: 3, aggregate: 'other', size: '1h', start: 0 },
      ],
      [lateRecord(0, 3)],
    );
    expect(section).toEqual({
      ok: true,
      expectedClosed: 1,
      expectedOpen: 2,
      actual: 3,
      late: { expected: 1, actual: 1 },
      problemCount: 0,
      problems: [],
      perAggregate: {
        'net-captured': { expectedClosed: 1, expectedOpen: 2, actual: 3, problemCount: 0 },
      },
    });
  });

  it('names missing, unexpected, wrongly closed, differing and half-closed windows', () => {
    const section = compareProgramWindows(
      program,
      new Map([
        [
          'net-captured',
          new Map([
            [
              '1h|0',
              new Map([
                [0, part('watermark', 5)],
                [1, part('idle', 6)],
              ]),
            ],
            ['1h|3600000', new Map([[0, part('watermark', 7)]])],
          ]),
        ],
      ]),
      new Map<number, StoredWindows>([
        [
          0,
          {
            open: { [`net-captured|1h|0|${group}`]: JSON.stringify(g(5)) },
            closed: {
              'net-captured|1h|0': closed('idle', 4),
              'net-captured|1h|7200000': closed('idle', 1),
            },
          },
        ],
        [1, { open: { [`net-captured|1h|0|${group}`]: JSON.stringify(g(6)) }, closed: {} }],
      ]),
      [{ partition: 1, offset: 9, aggregate: 'net-captured', size: '1h', start: 0 }],
      [lateRecord(1, 8)],
    );
    expect(section.problems).toEqual([
      {
        window: 'p0/net-captured|1h|0',
        problem: `closed, yet net-captured|1h|0|${group} is still open`,
      },
      { window: 'p0/net-captured|1h|0', problem: 'idle, expected watermark' },
      {
        window: 'p0/net-captured|1h|0',
        problem: `group ${group}: ${JSON.stringify(g(4))}, expected ${JSON.stringify(g(5))}`,
      },
      { window: 'p1/net-captured|1h|0', problem: 'open, expected idle' },
      { window: 'p0/net-captured|1h|3600000', problem: 'missing' },
      { window: 'p0/net-captured|1h|7200000', problem: 'unexpected' },
      { window: '1/9/1h', problem: 'late event not on the late topic' },
      { window: '1/8/1h', problem: 'unexpected late event' },
    ]);
    expect(section).toMatchObject({
      ok: false,
      expectedClosed: 3,
      expectedOpen: 0,
      actual: 3,
      late: { expected: 1, actual: 1 },
      problemCount: 8,
      perAggregate: {
        'net-captured': { expectedClosed: 3, expectedOpen: 0, actual: 3, problemCount: 6 },
      },
    });
  });
});

describe('formatProgramReport', () => {
  it('says OK and one line per section for a report without differences', () => {
    const report: ProgramReconcileReport = {
      ok: true,
      topology: 'payments',
      input: {
        topic: 'payment-events',
        records: 3,
        perPartition: { '0': { low: 0, high: 3, records: 3 } },
        applied: 2,
        duplicates: 0,
        anomalies: 0,
        invalid: 1,
        truncated: [],
      },
      states: compareStates(program, new Map(), new Map()),
      aggregates: {},
      applied: { ok: true, expected: { '0': 2 }, actual: { '0': 2 }, mismatches: [] },
      dlt: {
        ok: true,
        topic: 'payment-events-dlt',
        expected: 1,
        actual: 1,
        records: 1,
        missing: 0,
        missingPositions: [],
        unexpected: 0,
        unexpectedPositions: [],
        duplicates: 0,
        duplicatePositions: [],
        headerProblems: [],
        contentMismatches: [],
        pendingOutbox: 0,
      },
      parked: { poisoned: 0, keys: [] },
    };
    expect(formatProgramReport(report)).toBe(
      [
        'reconcile payments: OK',
        '  input      ok    payment-events: 3 records in 1 partitions (2 applied, 0 duplicates, 0 anomalies, 1 invalid)',
        '  states     ok    0 expected, 0 in Redis',
        '  applied    ok    1 partitions applied up to their high watermark',
        '  dlt        ok    payment-events-dlt: 1 dead letters for 1 invalid records',
        '',
      ].join('\n'),
    );
  });
});
