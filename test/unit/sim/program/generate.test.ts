import { describe, expect, it } from 'vitest';
import type { Program } from '../../../../src/pipeline/program/types.js';
import { DEFAULT_START_TIME } from '../../../../src/sim/options.js';
import {
  generateProgramEvents,
  resolveProgramSimOptions,
  type ProgramSimKind,
  type ProgramSimOptions,
  type ProgramSimRecord,
} from '../../../../src/sim/program/index.js';
import { configIssues } from '../../helpers/config-issues.js';
import { ordersProgram, ordersSchema, shipmentsProgram, shipmentsSchema } from './programs.js';
import { validator } from './ajv.js';
import { at, replayStep, type ReplayState } from './replay.js';

const MAX_VALUE_BYTES = 65_536;
const P = 0.1;
const noisy = resolveProgramSimOptions({
  keys: 5_000,
  seed: 42,
  duplicates: P,
  malformed: P,
  invalid: P,
  invalidTransitions: P,
  maxValueBytes: MAX_VALUE_BYTES,
});

interface Case {
  readonly name: string;
  readonly program: Program;
  readonly schema: object;
  /** A top-level path every event of a key repeats: a per-key fact. */
  readonly fact: readonly string[];
}

const cases: readonly Case[] = [
  { name: 'orders', program: ordersProgram, schema: ordersSchema, fact: ['customerId'] },
  { name: 'shipments', program: shipmentsProgram, schema: shipmentsSchema, fact: ['carrier'] },
];

const runs = new Map<string, readonly ProgramSimRecord[]>();
/** The 5,000-key noisy run of a case, made once for all the tests that read it. */
function run(c: Case): readonly ProgramSimRecord[] {
  let records = runs.get(c.name);
  if (records === undefined) {
    records = [...generateProgramEvents(c.program, c.schema, noisy)];
    runs.set(c.name, records);
  }
  return records;
}

const parse = (r: ProgramSimRecord): Record<string, unknown> =>
  JSON.parse(r.value!.toString('utf8')) as Record<string, unknown>;

function countKinds(records: readonly ProgramSimRecord[]): Record<ProgramSimKind, number> {
  const kinds = { event: 0, duplicate: 0, malformed: 0, invalid: 0, anomaly: 0 };
  for (const r of records) kinds[r.kind] += 1;
  return kinds;
}

/** Why a malformed record cannot be applied; undefined if it could be. */
function malformedReason(
  program: Program,
  r: ProgramSimRecord,
  valid: (v: unknown) => boolean,
): string | undefined {
  if (r.value === null) return 'tombstone';
  if (r.value.length === 0) return 'empty-value';
  if (r.value.length > MAX_VALUE_BYTES) return 'too-large';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(r.value);
  } catch {
    return r.value[0] === 0xff ? 'binary' : 'invalid-utf8';
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'truncated-json';
  }
  if (!valid(value)) return undefined;
  return at(value, program.paths.key) === r.key ? undefined : 'key-mismatch';
}

describe.each(cases)('generateProgramEvents ($name)', (c) => {
  it('is deterministic: the same seed and options give byte-identical records', () => {
    const options = { ...noisy, keys: 300, seed: 7 };
    const a = [...generateProgramEvents(c.program, c.schema, options)];
    const b = [...generateProgramEvents(c.program, c.schema, options)];
    expect(b).toEqual(a);
    expect(Buffer.concat(b.map((r) => r.value ?? Buffer.alloc(0)))).toEqual(
      Buffer.concat(a.map((r) => r.value ?? Buffer.alloc(0))),
    );
    const other = [...generateProgramEvents(c.program, c.schema, { ...options, seed: 8 })];
    const keysA = new Set(a.map((r) => r.key));
    expect(other.some((r) => r.kind === 'event' && keysA.has(r.key))).toBe(false);
  });

  it('builds only events the schema accepts, and invalid ones it refuses', () => {
    const valid = validator(c.schema);
    let checked = 0;
    for (const r of run(c)) {
      if (r.kind === 'malformed') continue;
      expect(valid(parse(r)), `${r.kind} ${r.value!.toString()}`).toBe(r.kind !== 'invalid');
      checked += 1;
    }
    expect(checked).toBeGreaterThan(noisy.keys);
  });

  it('mixes in each kind at about the requested rate per applied event', () => {
    const kinds = countKinds(run(c));
    const events = kinds.event;
    expect(events).toBeGreaterThan(2 * noisy.keys);
    // Binomial counts over ~15,000 trials: ±25% is beyond 8 standard deviations.
    const near = (n: number, low = 0.75): void => {
      expect(n).toBeGreaterThanOrEqual(Math.floor(low * P * events));
      expect(n).toBeLessThanOrEqual(Math.ceil(1.25 * P * events));
    };
    near(kinds.duplicate);
    near(kinds.malformed);
    near(kinds.invalid);
    // An anomaly is asked for after an event but may have no way to happen (a guard on state).
    near(kinds.anomaly, 0.5);
  });

  it('labels truthfully: events apply from the key state, anomalies are refused, duplicates repeat', () => {
    const valid = validator(c.schema);
    const states = new Map<string, ReplayState>();
    const seen = new Map<string, Buffer>();
    const reached = new Set<string>();
    const malformed = new Set<string>();
    for (const r of run(c)) {
      if (r.kind === 'malformed') {
        const reason = malformedReason(c.program, r, valid);
        expect(reason, r.value?.toString()).toBeDefined();
        malformed.add(reason!);
        continue;
      }
      if (r.kind === 'invalid') continue;
      const value = parse(r);
      expect(at(value, c.program.paths.key)).toBe(r.key);
      const outcome = replayStep(c.program, states.get(r.key), value);
      const id = at(value, c.program.paths.eventId) as string;
      if (r.kind === 'duplicate') {
        expect(outcome).toBe('duplicate');
        expect(seen.get(id)).toEqual(r.value);
      } else if (r.kind === 'anomaly') {
        expect(outcome).toBe('anomaly');
      } else {
        expect(typeof outcome).toBe('object');
        const next = outcome as ReplayState;
        states.set(r.key, next);
        seen.set(id, r.value!);
        reached.add(next.status);
      }
    }
    expect(states.size).toBe(noisy.keys);
    // 5,000 walks reach every state of the machine, and every dead-letter class shows up.
    expect([...reached].sort()).toEqual([...c.program.machine.states].sort());
    expect(malformed.size).toBe(7);
  });

  it('keeps a key facts: a value drawn at its first event is repeated by the later ones', () => {
    const facts = new Map<string, unknown>();
    let repeated = 0;
    for (const r of run(c)) {
      if (r.kind !== 'event') continue;
      const value = at(parse(r), c.fact);
      if (value === undefined) continue;
      if (!facts.has(r.key)) facts.set(r.key, value);
      else {
        expect(value).toBe(facts.get(r.key));
        repeated += 1;
      }
    }
    expect(repeated).toBeGreaterThan(0);
  });

  it('sends headers as a producer does, and a unique event id per new record', () => {
    const ids = new Set<string>();
    for (const r of run(c)) {
      expect(r.headers['content-type']).toBe('application/json');
      if (r.value === null || r.value.length === 0 || r.value[0] === 0xff) {
        expect(Object.keys(r.headers)).toEqual(['content-type']);
        continue;
      }
      const id = r.headers['event-id']!;
      expect(r.headers['event-type']).toMatch(/^[A-Z][A-Za-z]+$/);
      if (r.kind === 'duplicate') expect(ids.has(id)).toBe(true);
      else {
        expect(ids.has(id)).toBe(false);
        ids.add(id);
      }
      if (r.kind !== 'malformed' && r.kind !== 'invalid') {
        const value = parse(r);
        expect(at(value, c.program.paths.eventId)).toBe(id);
        expect(at(value, c.program.paths.type)).toBe(r.headers['event-type']);
      }
    }
  });

  it('stamps mostly increasing event times, a few seconds out of order at most', () => {
    let newest = -1;
    let late = 0;
    let events = 0;
    for (const r of run(c)) {
      if (r.kind !== 'event' && r.kind !== 'anomaly') continue;
      const time = at(parse(r), c.program.paths.time) as number;
      if (newest === -1) expect(time).toBe(DEFAULT_START_TIME);
      expect(Number.isSafeInteger(time) && time >= DEFAULT_START_TIME).toBe(true);
      expect(time).toBeGreaterThan(newest - 5_000);
      if (time < newest) late += 1;
      newest = Math.max(newest, time);
      events += 1;
    }
    expect(late).toBeGreaterThan(0);
    expect(late).toBeLessThan(events * 0.1);
  });
});

describe('generateProgramEvents options and schemas', () => {
  it('starts at startTime and makes only events when no noise is asked for', () => {
    const records = [
      ...generateProgramEvents(
        ordersProgram,
        ordersSchema,
        resolveProgramSimOptions({ keys: 50, seed: 3, startTime: 1_000 }),
      ),
    ];
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(['event']));
    expect(at(parse(records[0]!), ['timestamp'])).toBe(1_000);
    expect(new Set(records.map((r) => r.key)).size).toBe(50);
  });

  it('refuses, before any record, a schema it cannot draw valid events from', () => {
    const options: ProgramSimOptions = resolveProgramSimOptions({ keys: 1, seed: 1 });
    const lookahead = structuredClone(ordersSchema) as {
      properties: { customerId: { pattern: string } };
    };
    lookahead.properties.customerId.pattern = '^(?!x)cus-[0-9]+$';
    expect(configIssues(() => generateProgramEvents(ordersProgram, lookahead, options))).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: expect.stringContaining('lookaround') as unknown }),
      ]),
    );
    // A keyword outside what the drawer reads: its events would be refused, so the schema is.
    const conditional = {
      ...structuredClone(ordersSchema),
      if: { properties: { type: { const: 'OrderPaid' } } },
      then: { required: ['promo'] },
    };
    expect(configIssues(() => generateProgramEvents(ordersProgram, conditional, options))).toEqual([
      {
        path: 'schema',
        message: expect.stringContaining(
          'an event of type OrderPaid drawn from its branch does not meet the schema',
        ) as unknown,
      },
    ]);
    const noPacked = structuredClone(ordersSchema) as {
      oneOf: { properties: { type: { const: string } } }[];
    };
    noPacked.oneOf = noPacked.oneOf.filter((b) => b.properties.type.const !== 'OrderPacked');
    expect(configIssues(() => generateProgramEvents(ordersProgram, noPacked, options))).toEqual([
      { path: 'schema', message: 'no oneOf/anyOf branch admits event type OrderPacked' },
    ]);
  });
});
