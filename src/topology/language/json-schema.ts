import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { readProblem } from '../load-topology.js';
import type { SchemaVerdict } from './types.js';
import { located, type LocatedIssue } from './located-issue.js';
import { isMapping } from './schema.js';

/** Ajv errors shown in a dead-letter message; the rest are counted, so one record stays small. */
const MAX_SHOWN_ERRORS = 5;

export interface LoadedSchema {
  readonly json: Record<string, unknown>;
  readonly validate: (value: unknown) => SchemaVerdict;
}

export type SchemaLoad =
  | { readonly ok: true; readonly schema: LoadedSchema }
  | { readonly ok: false; readonly issues: readonly LocatedIssue[] };

const DRAFT_07 = /^https?:\/\/json-schema\.org\/draft-07\/schema#?$/;
const DRAFT_2020 = /^https?:\/\/json-schema\.org\/draft\/2020-12\/schema#?$/;

/** `<instancePath or (root)>: <message>` for the first errors, then `(+N more)`. */
export function schemaMessage(errors: readonly ErrorObject[]): string {
  const shown = errors
    .slice(0, MAX_SHOWN_ERRORS)
    .map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath}: ${e.message ?? e.keyword}`);
  const more = errors.length - MAX_SHOWN_ERRORS;
  return more > 0 ? `${shown.join('; ')}; (+${more} more)` : shown.join('; ');
}

function failed(expected: string, got: string, at: readonly PropertyKey[]): SchemaLoad {
  return { ok: false, issues: [located(at, expected, got)] };
}

/** The JSON text of a schema file, parsed; a problem is an issue at `input.schema`. */
function readSchemaFile(name: string, dir: string): SchemaLoad | { ok: 'read'; json: unknown } {
  const at = ['input', 'schema'];
  let text: string;
  try {
    text = readFileSync(path.resolve(dir, name), 'utf8');
  } catch (cause) {
    return failed('a readable JSON Schema file', `"${name}" (${readProblem(cause)})`, at);
  }
  try {
    return { ok: 'read', json: JSON.parse(text) as unknown };
  } catch (cause) {
    return failed(
      'a JSON Schema file of valid JSON',
      `"${name}" (${(cause as Error).message})`,
      at,
    );
  }
}

/**
 * Loads the events' JSON Schema (a file relative to the topology's directory, or the inline
 * mapping) and compiles it once: the validator built here is the one every event meets, since
 * Ajv compiles a schema into generated code, which costs far more than running it. Draft 2020-12
 * unless `$schema` names draft-07.
 */
export function loadJsonSchema(source: string | Record<string, unknown>, dir: string): SchemaLoad {
  const inline = typeof source !== 'string';
  const at = ['input', 'schema'];
  let json: unknown = source;
  if (!inline) {
    const read = readSchemaFile(source, dir);
    if (read.ok !== 'read') return read;
    json = read.json;
  }
  if (!isMapping(json)) {
    return failed('a JSON Schema: a mapping of keywords', `a JSON file of ${kindWord(json)}`, at);
  }
  const draft = json.$schema;
  // `format` is an annotation only (as JSON Schema 2020-12 makes it by default): no format
  // vocabulary is installed, and a schema that uses one must compile without warnings on stderr.
  const options = { allErrors: false, strict: false, validateFormats: false } as const;
  let ajv: Ajv | Ajv2020;
  if (draft === undefined || (typeof draft === 'string' && DRAFT_2020.test(draft))) {
    ajv = new Ajv2020(options);
  } else if (typeof draft === 'string' && DRAFT_07.test(draft)) {
    ajv = new Ajv(options);
  } else {
    return failed(
      'a JSON Schema of draft 2020-12 or draft-07 ($schema)',
      JSON.stringify(draft),
      inline ? [...at, '$schema'] : at,
    );
  }
  let compiled: ValidateFunction;
  try {
    compiled = ajv.compile(json);
  } catch (cause) {
    return failed('a JSON Schema that compiles', (cause as Error).message, at);
  }
  const validate = (value: unknown): SchemaVerdict =>
    compiled(value) ? { ok: true } : { ok: false, message: schemaMessage(compiled.errors ?? []) };
  return { ok: true, schema: { json, validate } };
}

function kindWord(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : typeof value;
}
