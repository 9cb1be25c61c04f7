/**
 * Random walks over a topology's state machine, many keys interleaved: each key starts at the
 * initial state and takes transitions allowed from where it is until it stops, with duplicates,
 * dead-letter values, schema-invalid events and anomalies mixed in at the requested rates.
 */
import type { JsonValue, Program } from '../../pipeline/program/types.js';
import { createRandom } from '../random.js';
import {
  encodeDraft,
  eventHeaders,
  ProgramEventFactory,
  type BuiltEvent,
} from './event-factory.js';
import { breakCondition, satisfyGuard, type ShapeContext } from './guard-shape.js';
import { SchemaInvalidClasses, invalidDraft } from './invalid.js';
import { outgoing, statusOf, stepKey, type GuardScope, type SimKeyState } from './machine.js';
import { ProgramMalformedClasses, malformedRecord } from './malformed.js';
import { resolveProgramSimOptions } from './options.js';
import { prepareSchema, type PreparedSchema } from './prepare-schema.js';
import { accepts } from './schema-accepts.js';
import type { ProgramSimKind, ProgramSimOptions, ProgramSimRecord } from './types.js';

/** Keys in progress at once: enough to interleave many keys in every partition. */
const WINDOW = 64;
const P_START = 0.5;
/** Once in a state with a way on, a key stops here with this chance after each event. */
const P_STOP = 0.15;
/** A duplicate arrives this many steps after its original, at most: a retry, not a replay. */
const MAX_DUPLICATE_DELAY = 200;
const ANOMALY_ATTEMPTS = 3;

/** Separate random streams (see ../random.ts): structure decides counts, content fills values. */
const STRUCTURE = 1;
const CONTENT = 2;

interface ActiveKey {
  readonly key: string;
  state: SimKeyState | undefined;
  /** Values drawn per path for this key, reused by its later events. */
  readonly facts: Map<string, JsonValue>;
  /** The key's next event is one the machine refuses. */
  anomalyNext: boolean;
  /** The walk has ended; the key stays only for its pending anomaly. */
  stopping: boolean;
}

interface Pending {
  due: number;
  record: ProgramSimRecord;
}

function* walk(
  program: Program,
  schema: PreparedSchema,
  options: Readonly<ProgramSimOptions>,
): Generator<ProgramSimRecord> {
  const { root } = schema;
  const s = createRandom(options.seed, STRUCTURE);
  const factory = new ProgramEventFactory(
    program,
    root,
    schema.branches,
    createRandom(options.seed, CONTENT),
    options,
    options.seed.toString(36),
  );
  const active: ActiveKey[] = [];
  let pending: Pending[] = [];
  let started = 0;
  let step = 0;
  let malformedTurn = 0;
  let invalidTurn = 0;

  const scopeOf = (k: ActiveKey, built: BuiltEvent): GuardScope => ({
    program,
    key: k.key,
    state: k.state,
    event: built.draft,
  });
  const shapeOf = (type: string): ShapeContext => ({
    root,
    branch: factory.branch(type)!,
    fresh: factory.fresh,
  });
  const record = (kind: ProgramSimKind, key: string, built: BuiltEvent): ProgramSimRecord => {
    factory.settle();
    return {
      key,
      value: encodeDraft(built.draft),
      headers: eventHeaders(built.type, built.eventId),
      kind,
    };
  };

  /** An event some transition from the key's state applies, or undefined when none can be built. */
  const legal = (k: ActiveKey): { built: BuiltEvent; state: SimKeyState } | undefined => {
    const ways = [...outgoing(program, statusOf(program, k.state))];
    while (ways.length > 0) {
      const t = ways.splice(s.int(0, ways.length - 1), 1)[0]!;
      const built = factory.build(t.on, k.key, k.facts);
      if (built === undefined) continue;
      const scope = scopeOf(k, built);
      satisfyGuard(shapeOf(t.on), scope, t);
      if (!accepts(root, root, built.draft)) continue;
      const result = stepKey(scope);
      if (result.kind === 'applied') return { built, state: result.state };
    }
    return undefined;
  };

  /** A schema-valid event the machine refuses: a type nothing accepts here, or a broken guard. */
  const anomaly = (k: ActiveKey): BuiltEvent | undefined => {
    const from = outgoing(program, statusOf(program, k.state));
    const accepted = new Set(from.map((t) => t.on));
    const unaccepted = schema.types.filter((t) => !accepted.has(t));
    const guarded = from.filter((t) => t.guard.length > 0 && schema.branches.has(t.on));
    const ways: ('type' | 'guard')[] = [];
    if (unaccepted.length > 0) ways.push('type');
    if (guarded.length > 0) ways.push('guard');
    if (ways.length === 2 && s.chance(0.5)) ways.reverse();
    for (const way of ways) {
      for (let i = 0; i < ANOMALY_ATTEMPTS; i++) {
        const t = way === 'guard' ? s.pick(guarded) : undefined;
        const built = factory.build(t?.on ?? s.pick(unaccepted), k.key, k.facts);
        if (built === undefined) continue;
        const scope = scopeOf(k, built);
        if (t !== undefined) {
          satisfyGuard(shapeOf(t.on), scope, t);
          if (!breakCondition(shapeOf(t.on), scope, s.pick(t.guard))) continue;
        }
        if (accepts(root, root, built.draft) && stepKey(scope).kind === 'anomaly') return built;
      }
    }
    return undefined;
  };

  /** The type a dead-letter or invalid value is made from: one the key could send next. */
  const baseType = (k: ActiveKey): string => {
    const from = outgoing(program, statusOf(program, k.state)).filter((t) =>
      schema.branches.has(t.on),
    );
    return from.length > 0 ? s.pick(from).on : s.pick(schema.types);
  };

  const remove = (at: number): void => {
    // Swap-remove: O(1), and as deterministic as a splice.
    active[at] = active[active.length - 1]!;
    active.pop();
  };

  function* due(upTo: number): Generator<ProgramSimRecord> {
    if (!pending.some((p) => p.due <= upTo)) return;
    const later: Pending[] = [];
    for (const p of pending) {
      if (p.due <= upTo) yield p.record;
      else later.push(p);
    }
    pending = later;
  }

  while (started < options.keys || active.length > 0) {
    step += 1;
    yield* due(step);

    const start =
      started < options.keys &&
      (active.length === 0 || (active.length < WINDOW && s.chance(P_START)));
    let at: number;
    if (start) {
      const key = factory.keyName(started);
      started += 1;
      at =
        active.push({
          key,
          state: undefined,
          facts: new Map(),
          anomalyNext: false,
          stopping: false,
        }) - 1;
    } else {
      at = s.int(0, active.length - 1);
    }
    const k = active[at]!;

    if (k.anomalyNext) {
      k.anomalyNext = false;
      const built = anomaly(k);
      if (built !== undefined) yield record('anomaly', k.key, built);
      if (k.stopping) remove(at);
      continue;
    }

    const next = legal(k);
    if (next === undefined) {
      remove(at);
      continue;
    }
    k.state = next.state;
    const event = record('event', k.key, next.built);
    yield event;

    if (s.chance(options.duplicates)) {
      pending.push({
        due: step + s.int(1, MAX_DUPLICATE_DELAY),
        record: { ...event, headers: { ...event.headers }, kind: 'duplicate' },
      });
    }
    if (s.chance(options.malformed)) {
      const cls = ProgramMalformedClasses[malformedTurn++ % ProgramMalformedClasses.length]!;
      const base = factory.build(baseType(k), k.key, k.facts)!;
      const bad = malformedRecord(cls, program, base, k.key, factory.random, options.maxValueBytes);
      factory.settle();
      yield { ...bad, kind: 'malformed' };
    }
    if (s.chance(options.invalid)) {
      const turn = invalidTurn++;
      const base = factory.build(baseType(k), k.key, k.facts)!;
      // A class with no place in this event (no enum, say) gives way to the next one.
      for (let j = 0; j < SchemaInvalidClasses.length; j++) {
        const cls = SchemaInvalidClasses[(turn + j) % SchemaInvalidClasses.length]!;
        const draft = invalidDraft(
          cls,
          root,
          factory.branch(base.type)!,
          base.draft,
          factory.random,
        );
        if (draft !== undefined) {
          yield record('invalid', k.key, { ...base, draft });
          break;
        }
      }
    }

    k.stopping = outgoing(program, k.state.status).length === 0 || s.chance(P_STOP);
    k.anomalyNext = s.chance(options.invalidTransitions);
    if (k.stopping && !k.anomalyNext) remove(at);
  }
  yield* due(Number.POSITIVE_INFINITY);
}

/**
 * A seeded stream of records for any topology: random walks of `keys` keys over the program's
 * state machine, interleaved, each key's events in order under the key, with values drawn from
 * the topology's JSON Schema. The same program, schema and options always give the same bytes.
 * Throws a ConfigError for bad options, or for a schema it cannot draw valid events from.
 */
export function generateProgramEvents(
  program: Program,
  schema: object,
  options: ProgramSimOptions,
): Generator<ProgramSimRecord> {
  const resolved = resolveProgramSimOptions(options);
  return walk(program, prepareSchema(program, schema, resolved.keys), resolved);
}
