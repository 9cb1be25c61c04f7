/**
 * Dead-letter values for any topology: the classes of src/sim/malformed.ts that do not depend on
 * the order schema, plus a record keyed by something other than its value's key. Each is built
 * from a schema-valid event of the key so that it breaks exactly one rule.
 */
import type { Program } from '../../pipeline/program/types.js';
import type { MalformedClass } from '../malformed.js';
import type { Random } from '../random.js';
import { encodeDraft, eventHeaders, type BuiltEvent } from './event-factory.js';
import { setPath } from './json-draft.js';

export const ProgramMalformedClasses = [
  'truncated-json',
  'binary',
  'empty-value',
  'tombstone',
  'invalid-utf8',
  'too-large',
  'key-mismatch',
] as const satisfies readonly (MalformedClass | 'key-mismatch')[];
export type ProgramMalformedClass = (typeof ProgramMalformedClasses)[number];

export interface MalformedRecord {
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
}

/**
 * Another top-level id of the event (`customerId`): the field a producer keys by mistake. Never
 * the key or the event id, which would not be a mistake or would be unique per record.
 */
function wrongKey(program: Program, base: BuiltEvent, key: string): string {
  const own = new Set([program.paths.key.join('.'), program.paths.eventId.join('.')]);
  for (const [name, value] of Object.entries(base.draft)) {
    if (own.has(name) || typeof value !== 'string') continue;
    if (name.endsWith('Id') && value !== key && value.length > 0 && value.length <= 64)
      return value;
  }
  return `${key}-x`;
}

export function malformedRecord(
  cls: ProgramMalformedClass,
  program: Program,
  base: BuiltEvent,
  key: string,
  rng: Random,
  maxValueBytes: number,
): MalformedRecord {
  const headers = eventHeaders(base.type, base.eventId);
  const text = JSON.stringify(base.draft);
  switch (cls) {
    case 'truncated-json':
      // Any proper prefix of an object's text is missing at least its closing brace.
      return {
        key,
        headers,
        value: Buffer.from(text.slice(0, rng.int(1, text.length - 1)), 'utf8'),
      };
    case 'binary':
      // 0xff never occurs in UTF-8; nothing about an event can be said of it.
      return {
        key,
        headers: eventHeaders(undefined, undefined),
        value: Buffer.from([
          0xff,
          ...Array.from({ length: rng.int(8, 48) }, () => rng.int(0, 255)),
        ]),
      };
    case 'empty-value':
      return { key, headers: eventHeaders(undefined, undefined), value: Buffer.alloc(0) };
    case 'tombstone':
      return { key, headers: eventHeaders(undefined, undefined), value: null };
    case 'invalid-utf8': {
      const mark = '\u0001MARK\u0001';
      const draft = structuredClone(base.draft);
      setPath(draft, program.paths.eventId, `${base.eventId}${mark}`);
      const [before = '', after = ''] = JSON.stringify(draft).split(
        JSON.stringify(mark).slice(1, -1),
      );
      // 0xc3 opens a two-byte sequence; '(' is not a continuation byte.
      return {
        key,
        headers,
        value: Buffer.concat([Buffer.from(before), Buffer.from([0xc3, 0x28]), Buffer.from(after)]),
      };
    }
    case 'too-large': {
      // Valid JSON, valid by the schema, only too large: the padding is insignificant whitespace.
      const padding = Math.max(0, maxValueBytes + 1 - Buffer.byteLength(text));
      return {
        key,
        headers,
        value: Buffer.from(`{${' '.repeat(padding)}${text.slice(1)}`, 'utf8'),
      };
    }
    case 'key-mismatch':
      return { key: wrongKey(program, base, key), headers, value: encodeDraft(base.draft) };
  }
}
