/**
 * Builds one event of a type for a key: values drawn from the type's schema branch (the key's
 * facts reused), then the program's paths set: key, a fresh event id, the event time, the type.
 * Every value comes from the content stream, so building never shifts a structural decision.
 */
import type { JsonValue, Program } from '../../pipeline/program/types.js';
import type { Random } from '../random.js';
import { setPath, type Draft } from './json-draft.js';
import type { Schema, SchemaNode } from './json-schema.js';
import { draw, nameStem, type DrawContext } from './schema-draw.js';
import type { Fresh } from './guard-shape.js';

/** Records are a few hundred milliseconds apart, like a busy topic. */
const MAX_GAP_MS = 400;
/** Now and then an event is stamped a few seconds in the past: producers' clocks and retries. */
const P_LATE = 0.03;
const MAX_LATE_MS = 5_000;
/** Optional properties are mostly sent. */
const P_OPTIONAL = 0.8;

export interface BuiltEvent {
  readonly type: string;
  readonly eventId: string;
  readonly draft: Draft;
}

export class ProgramEventFactory {
  private clock: number;
  private started = false;
  private sequence = 0;
  /** Time and id of the next record out: attempts the generator discards do not use them up. */
  private next: { readonly time: number; readonly eventId: string } | undefined;
  private readonly fixed: ReadonlySet<string>;
  private readonly poolSize: number;
  private readonly pools = new Map<string, Map<number, string>>();

  constructor(
    private readonly program: Program,
    private readonly root: Schema,
    private readonly branches: ReadonlyMap<string, SchemaNode>,
    private readonly rng: Random,
    private readonly options: { readonly startTime: number; readonly keys: number },
    private readonly tag: string,
  ) {
    this.clock = options.startTime;
    const { key, eventId, time, type } = program.paths;
    this.fixed = new Set([key, eventId, time, type].map((p) => p.join('.')));
    // Free names repeat across keys, about three keys each, like returning customers.
    this.poolSize = Math.max(10, Math.ceil(options.keys / 3));
  }

  get random(): Random {
    return this.rng;
  }

  keyName(n: number): string {
    return `${nameStem(this.program.paths.key)}-${this.tag}-${n.toString(36)}`;
  }

  private eventId(): string {
    return `evt-${this.tag}-${(this.sequence++).toString(36)}`;
  }

  /** Mostly increasing event times; the first is the start time and none is before it. */
  private tick(): number {
    if (!this.started) {
      this.started = true;
      return this.clock;
    }
    this.clock += this.rng.int(1, MAX_GAP_MS);
    if (!this.rng.chance(P_LATE)) return this.clock;
    return Math.max(this.options.startTime, this.clock - this.rng.int(1_000, MAX_LATE_MS));
  }

  private context(
    facts: Map<string, JsonValue> | undefined,
    time: number,
    optional: number,
  ): DrawContext {
    return {
      root: this.root,
      rng: this.rng,
      time,
      poolSize: this.poolSize,
      pools: this.pools,
      fixed: this.fixed,
      facts,
      optional,
    };
  }

  /** Fresh values for guard shaping: no facts, so a broken guard really differs. */
  readonly fresh: Fresh = (schema, path) =>
    draw(this.context(undefined, this.clock, P_OPTIONAL), schema, path);

  /** A record built since the last call has left: the next one gets a new time and id. */
  settle(): void {
    this.next = undefined;
  }

  branch(type: string): SchemaNode | undefined {
    return this.branches.get(type);
  }

  /** Undefined when the schema has no branch for the type. */
  build(
    type: string,
    key: string,
    facts: Map<string, JsonValue> | undefined,
    optional = P_OPTIONAL,
  ): BuiltEvent | undefined {
    const branch = this.branches.get(type);
    if (branch === undefined) return undefined;
    this.next ??= { time: this.tick(), eventId: this.eventId() };
    const { time, eventId } = this.next;
    const value = draw(this.context(facts, time, optional), branch, []);
    const draft: Draft =
      typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...value } : {};
    const { paths } = this.program;
    setPath(draft, paths.key, key);
    setPath(draft, paths.eventId, eventId);
    setPath(draft, paths.time, time);
    setPath(draft, paths.type, type);
    return { type, eventId, draft };
  }
}

export function encodeDraft(draft: Draft): Buffer {
  return Buffer.from(JSON.stringify(draft), 'utf8');
}

export function eventHeaders(
  type: string | undefined,
  eventId: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (type !== undefined) headers['event-type'] = type;
  if (eventId !== undefined) headers['event-id'] = eventId;
  return headers;
}
