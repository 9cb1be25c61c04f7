/**
 * Parking in the generic batch fold against the built-in one: events whose processing fails are
 * retried until poisoned, then dead-lettered with their key parked; later events of a parked key
 * are held; an unpark applies them in order. For any stream, failing events and batch cuts, both
 * folds derive the same records and park the same keys holding the same offsets.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeRecord,
  foldBatch,
  keysTouched,
  ProcessingError,
  unparkBatch,
  type BatchResult,
  type DerivedRecord,
  type FoldContext,
  type OrderState,
  type ParkedEntry,
} from '../../../../src/pipeline/index.js';
import {
  compileFold,
  createEventDecoder,
  foldProgramBatch,
  unparkProgramBatch,
  type GroupPartial,
  type KeyState,
  type ProgramBatch,
  type ProgramBatchInput,
  type ProgramBatchOutcome,
  type ProgramFoldContext,
  type ProgramParkedEntry,
} from '../../../../src/pipeline/program/index.js';
import { ctx as baseCtx, MAX_BYTES } from '../fixtures.js';
import { buildStream, cut, streamArb } from '../order-stream.js';
import { ordersProgram, revenueAggregate } from './orders-program.js';

/** Revenue without windows: the built-in fold's context here has none either. */
const runningRevenue = { ...revenueAggregate, windows: undefined };
delete runningRevenue.windows;
const program = { ...ordersProgram, aggregates: [runningRevenue] };

const schema = JSON.parse(
  readFileSync(
    new URL('../../../../topologies/schemas/order-event.schema.json', import.meta.url),
    'utf8',
  ),
) as object;
const check = new Ajv2020().compile(schema);
const decode = createEventDecoder({
  paths: ordersProgram.paths,
  maxValueBytes: MAX_BYTES,
  validate: (v) => (check(v) ? { ok: true } : { ok: false, message: 'invalid' }),
});

function comparable(records: readonly DerivedRecord[]): unknown[] {
  return records.map((r) => {
    const headers = Object.fromEntries(
      Object.entries(r.headers).filter(([name]) => name !== 'sf-error-message'),
    );
    return { ...r, value: String(r.value), key: r.key === null ? null : String(r.key), headers };
  });
}

const parkedView = (m: ReadonlyMap<string, ParkedEntry | ProgramParkedEntry>) =>
  [...m.values()]
    .map((e) => ({ key: e.key, offset: e.offset, held: e.held.map((h) => h.offset) }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));

describe('parking in the generic batch fold', () => {
  it('parks, holds and unparks as the built-in fold does', () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        (input, failingPicks) => {
          const { records } = buildStream(input);
          const ids = records.map((r) => {
            try {
              return (JSON.parse(String(r.value)) as { eventId?: string }).eventId;
            } catch {
              return undefined;
            }
          });
          const failing = new Set(failingPicks.map((i) => ids[i % ids.length]).filter(Boolean));
          let broken = true;
          const throwIf = (eventId: string): void => {
            if (broken && failing.has(eventId)) throw new Error(`boom ${eventId}`);
          };
          const legacyCtx: FoldContext = { ...baseCtx, beforeApply: (e) => throwIf(e.eventId) };
          const programCtx: ProgramFoldContext = {
            fold: compileFold(program),
            sourceTopic: baseCtx.sourceTopic,
            outputs: baseCtx.outputs,
            workerVersion: baseCtx.workerVersion,
            now: baseCtx.now,
            beforeApply: (e) => throwIf(e.eventId),
          };
          const legacyStates = new Map<string, OrderState>();
          let legacyParked: ReadonlyMap<string, ParkedEntry> = new Map();
          const states = new Map<string, KeyState>();
          const partials = new Map<string, GroupPartial>();
          let parked: ReadonlyMap<string, ProgramParkedEntry> = new Map();

          const legacyRun = (run: (poisoned: Set<number>) => BatchResult): BatchResult => {
            const poisoned = new Set<number>();
            for (;;) {
              try {
                const result = run(poisoned);
                for (const [k, s] of result.states) legacyStates.set(k, s);
                legacyParked = result.parked.next;
                return result;
              } catch (error) {
                if (!(error instanceof ProcessingError)) throw error;
                poisoned.add(error.offset);
              }
            }
          };
          const programRun = (
            run: (input: ProgramBatchInput) => ProgramBatchOutcome,
          ): ProgramBatch => {
            const poisoned = new Set<number>();
            const loaded = new Map<string, GroupPartial | undefined>();
            for (;;) {
              const outcome = run({ states, partials: loaded, parked, poisoned });
              if (outcome.kind === 'failed') {
                poisoned.add(outcome.offset);
                continue;
              }
              if (outcome.kind === 'missing') {
                for (const f of outcome.fields) loaded.set(f, partials.get(f));
                continue;
              }
              for (const [k, s] of outcome.batch.states) states.set(k, s);
              for (const [f, p] of outcome.batch.partials) partials.set(f, p);
              parked = outcome.batch.parked.next;
              return outcome.batch;
            }
          };

          for (const batch of cut(records, input.batchSizes)) {
            const decoded = batch.map((r) => decodeRecord(r, MAX_BYTES));
            const events = decoded.flatMap((d) => (d.ok ? [d.event] : []));
            const loaded = new Map<string, OrderState>();
            for (const key of keysTouched(events)) {
              const s = legacyStates.get(key);
              if (s !== undefined) loaded.set(key, s);
            }
            const legacy = legacyRun((poisoned) =>
              foldBatch(
                decoded,
                {
                  states: loaded,
                  totals: new Map(),
                  aggregates: new Map(),
                  parked: legacyParked,
                  poisoned,
                },
                legacyCtx,
              ),
            );
            const generic = programRun((i) => foldProgramBatch(batch.map(decode), i, programCtx));
            expect(
              comparable(generic.outputs.filter((r) => r.topic !== 'revenue-updates')),
            ).toEqual(comparable(legacy.outputs.filter((r) => r.topic !== 'revenue-updates')));
            expect(generic.counts).toEqual(legacy.counts);
            expect(parkedView(parked)).toEqual(parkedView(legacyParked));
          }

          // The fault is fixed: unparking each key applies its held events in order.
          broken = false;
          for (const key of [...legacyParked.keys()].sort()) {
            const legacyEntry = legacyParked.get(key);
            const entry = parked.get(key);
            const legacy = legacyRun((poisoned) =>
              unparkBatch(
                0,
                legacyEntry,
                key,
                99,
                {
                  states: new Map(legacyStates),
                  totals: new Map(),
                  aggregates: new Map(),
                  parked: legacyParked,
                  poisoned,
                },
                legacyCtx,
              ),
            );
            const generic = programRun((i) => unparkProgramBatch(0, entry, key, 99, i, programCtx));
            expect(
              comparable(generic.outputs.filter((r) => r.topic !== 'revenue-updates')),
            ).toEqual(comparable(legacy.outputs.filter((r) => r.topic !== 'revenue-updates')));
            expect(generic.unparked).toEqual(legacy.unparked);
            expect(generic.unparkedAt).toBe(legacy.unparkedAt);
          }
          expect(parked.size).toBe(0);
          for (const [k, s] of legacyStates) {
            expect(JSON.stringify(Object.fromEntries(Object.entries(s)))).toBe(
              JSON.stringify(legacyStates.get(k)),
            );
          }
          expect([...states.keys()].sort()).toEqual([...legacyStates.keys()].sort());
        },
      ),
      { numRuns: 200 },
    );
  });
});
