/**
 * Bytes → event, or the reason it cannot be one. Every failure becomes a dead letter rather than
 * an exception: one bad record must never stall its partition.
 */
import type { z } from 'zod';
import { capMessage } from './cap-message.js';
import { orderEventSchema } from './event-schema.js';
import { isWellFormedEvent } from './fast-validate.js';
import type { Decoded, DecodeFailure, OrderEvent, SourceRecord } from './types.js';

export const DecodeErrorClasses = {
  EMPTY_VALUE: 'empty-value',
  TOO_LARGE: 'too-large',
  INVALID_UTF8: 'invalid-utf8',
  NOT_JSON: 'not-json',
  SCHEMA: 'schema',
  KEY_MISMATCH: 'key-mismatch',
} as const;

export type DecodeErrorClass = (typeof DecodeErrorClasses)[keyof typeof DecodeErrorClasses];

/** How many zod issues the message lists; the rest are only counted. */
const MAX_LISTED_ISSUES = 5;
/** How much of a mismatched key the message quotes. */
const MAX_QUOTED_KEY = 80;

// `fatal` makes malformed bytes an error instead of silently becoming U+FFFD.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeRecord(record: SourceRecord, maxValueBytes: number): Decoded {
  const fail = (errorClass: DecodeErrorClass, message: string): Decoded => {
    const failure: DecodeFailure = { errorClass, message: capMessage(message) };
    return { ok: false, record, failure };
  };

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

  let text: string;
  try {
    text = utf8.decode(value);
  } catch (error) {
    return fail(DecodeErrorClasses.INVALID_UTF8, `value is not valid UTF-8: ${describe(error)}`);
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return fail(DecodeErrorClasses.NOT_JSON, `value is not JSON: ${describe(error)}`);
  }
  if (!isPlainObject(parsed)) {
    return fail(DecodeErrorClasses.NOT_JSON, `value is JSON ${jsonKind(parsed)}, not an object`);
  }

  const checked: SchemaVerdict = isWellFormedEvent(parsed)
    ? { ok: true, event: parsed }
    : schemaCheck(parsed);
  if (!checked.ok) return fail(DecodeErrorClasses.SCHEMA, checked.message);
  const { event } = checked;

  // The key decides the partition, and so which shard holds the order's state: a record keyed
  // by something else would fork that order's state across shards.
  if (record.key !== null && !record.key.equals(Buffer.from(event.orderId, 'utf8'))) {
    const key = record.key.toString('utf8').slice(0, MAX_QUOTED_KEY);
    return fail(
      DecodeErrorClasses.KEY_MISMATCH,
      `record key ${JSON.stringify(key)} does not match orderId ${JSON.stringify(event.orderId)}`,
    );
  }

  return { ok: true, record, event };
}

type SchemaVerdict = { ok: true; event: OrderEvent } | { ok: false; message: string };

/** The schema's verdict: the event as it returns it, or why it is not one. */
function schemaCheck(parsed: unknown): SchemaVerdict {
  let result: ReturnType<typeof orderEventSchema.safeParse>;
  try {
    result = orderEventSchema.safeParse(parsed);
  } catch (error) {
    return { ok: false, message: `schema validation failed: ${describe(error)}` };
  }
  return result.success
    ? { ok: true, event: result.data }
    : { ok: false, message: formatIssues(result.error.issues) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.');
    return `${path}: ${issue.message}`;
  });
  const more = issues.length - listed.length;
  return `invalid event: ${listed.join('; ')}${more > 0 ? `; (+${more} more)` : ''}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
