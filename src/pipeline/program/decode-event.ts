/**
 * Bytes → a program's event, or the reason it cannot be one (docs/language.md, "Input"). Every
 * failure becomes a dead letter rather than an exception: one bad record must never stall its
 * partition. The schema check is the topology's compiled JSON Schema, passed in, so this stays
 * pure and knows no domain.
 */
import { capMessage } from '../cap-message.js';
import { DecodeErrorClasses, type DecodeErrorClass } from '../decode.js';
import type { DecodeFailure, SourceRecord } from '../types.js';
import { readPath } from './read-ref.js';
import type { EventPaths, JsonValue, ProgramEvent } from './types.js';

export type ProgramDecoded =
  | { readonly ok: true; readonly record: SourceRecord; readonly event: ProgramEvent }
  | { readonly ok: false; readonly record: SourceRecord; readonly failure: DecodeFailure };

export type SchemaCheck = (value: unknown) => { ok: true } | { ok: false; message: string };

export interface EventDecoderOptions {
  readonly paths: EventPaths;
  readonly maxValueBytes: number;
  readonly validate: SchemaCheck;
}

/** Ids and keys beyond this are refused: they become Redis fields and record headers. */
export const MAX_KEY_LENGTH = 64;
/** How much of a mismatched key the message quotes. */
const MAX_QUOTED_KEY = 80;

// `fatal` makes malformed bytes an error instead of silently becoming U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

const isId = (v: JsonValue | undefined): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY_LENGTH;

export type EventDecoder = (record: SourceRecord) => ProgramDecoded;

export function createEventDecoder(opts: EventDecoderOptions): EventDecoder {
  const { paths, maxValueBytes, validate } = opts;
  const show = (path: readonly string[]) => path.join('.');
  return (record) => {
    const fail = (errorClass: DecodeErrorClass, message: string): ProgramDecoded => ({
      ok: false,
      record,
      failure: { errorClass, message: capMessage(message) },
    });
    const { value } = record;
    if (value === null || value.length === 0) {
      return fail(DecodeErrorClasses.EMPTY_VALUE, 'record has no value (tombstone)');
    }
    if (value.length > maxValueBytes) {
      return fail(
        DecodeErrorClasses.TOO_LARGE,
        `value is ${value.length} bytes, over the limit of ${maxValueBytes}`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8.decode(value));
    } catch (error) {
      const invalidUtf8 = error instanceof TypeError;
      return invalidUtf8
        ? fail(DecodeErrorClasses.INVALID_UTF8, `value is not valid UTF-8: ${describe(error)}`)
        : fail(DecodeErrorClasses.NOT_JSON, `value is not JSON: ${describe(error)}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return fail(DecodeErrorClasses.NOT_JSON, `value is JSON ${jsonKind(parsed)}, not an object`);
    }
    let verdict: ReturnType<SchemaCheck>;
    try {
      verdict = validate(parsed);
    } catch (error) {
      verdict = { ok: false, message: `schema validation failed: ${describe(error)}` };
    }
    if (!verdict.ok) return fail(DecodeErrorClasses.SCHEMA, verdict.message);
    const json = parsed as { readonly [key: string]: JsonValue };
    // The schema should guarantee these; checked again because the engine relies on them.
    const key = readPath(json, paths.key);
    const eventId = readPath(json, paths.eventId);
    const time = readPath(json, paths.time);
    const type = readPath(json, paths.type);
    if (!isId(key)) {
      return fail(
        DecodeErrorClasses.SCHEMA,
        `invalid event: ${show(paths.key)}: expected an id of 1-${MAX_KEY_LENGTH} characters`,
      );
    }
    if (!isId(eventId)) {
      return fail(
        DecodeErrorClasses.SCHEMA,
        `invalid event: ${show(paths.eventId)}: expected an id of 1-${MAX_KEY_LENGTH} characters`,
      );
    }
    if (typeof time !== 'number' || !Number.isSafeInteger(time) || time < 0) {
      return fail(
        DecodeErrorClasses.SCHEMA,
        `invalid event: ${show(paths.time)}: expected epoch milliseconds`,
      );
    }
    if (typeof type !== 'string') {
      return fail(
        DecodeErrorClasses.SCHEMA,
        `invalid event: ${show(paths.type)}: expected a string`,
      );
    }
    // The key decides the partition, and so which shard holds the key's state: a record keyed
    // by something else would fork that state across shards.
    if (record.key !== null && !record.key.equals(Buffer.from(key, 'utf8'))) {
      const quoted = record.key.toString('utf8').slice(0, MAX_QUOTED_KEY);
      return fail(
        DecodeErrorClasses.KEY_MISMATCH,
        `record key ${JSON.stringify(quoted)} does not match ${show(paths.key)} ${JSON.stringify(key)}`,
      );
    }
    return { ok: true, record, event: { key, eventId, time, type, value: json } };
  };
}
