import type { Literal } from '../../pipeline/program/types.js';
import { located, type LocatedIssue } from './located-issue.js';
import { parsePath } from './refs.js';
import type { LanguageData } from './schema.js';
import { pathInfo, typeWords, type JsonType } from './schema-paths.js';

/** The parts of an event every record must carry, and the one JSON type each must have. */
const EVENT_PARTS = [
  ['key', 'string'],
  ['eventId', 'string'],
  ['time', 'integer'],
  ['type', 'string'],
] as const satisfies readonly (readonly [keyof LanguageData['input'], JsonType])[];

/**
 * The key, event id, time and type are read from every event, so the schema must guarantee them
 * in every branch and with their type: otherwise a schema-valid event could reach the fold
 * without a key to file it under.
 */
export function checkEventPaths(
  input: LanguageData['input'],
  schema: Record<string, unknown>,
): LocatedIssue[] {
  const issues: LocatedIssue[] = [];
  for (const [part, type] of EVENT_PARTS) {
    const text = input[part];
    const at = ['input', part];
    const info = pathInfo(schema, parsePath(text) ?? []);
    const shown = JSON.stringify(text);
    if (!info.exists) {
      issues.push(located(at, 'an event path the schema defines', `${shown} (not in the schema)`));
    } else if (!info.required) {
      issues.push(
        located(
          at,
          'a path every branch of the schema requires',
          `${shown} (optional in the schema)`,
        ),
      );
    } else if (info.types === undefined || [...info.types].some((t) => t !== type)) {
      issues.push(
        located(
          at,
          `a path whose schema type is ${type}`,
          `${shown} (${typeWords(info.types)} in the schema)`,
        ),
      );
    }
  }
  return issues;
}

/**
 * The event types the schema allows (`const`/`enum` at the type path, in schema order), or
 * undefined when it does not constrain them and any string is a type.
 */
export function schemaEventTypes(
  input: LanguageData['input'],
  schema: Record<string, unknown>,
): readonly string[] | undefined {
  const values = pathInfo(schema, parsePath(input.type) ?? []).values;
  return values?.filter((v: Literal): v is string => typeof v === 'string');
}
