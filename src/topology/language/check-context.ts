import type { FieldType, Ref } from '../../pipeline/program/types.js';
import { located, type LocatedIssue } from './located-issue.js';
import { REF_SHAPE, parseRef } from './refs.js';
import type { LanguageData } from './schema.js';
import { pathInfo, typeWords, type JsonType } from './schema-paths.js';

/**
 * What the semantic checks share: the parsed file, the events' schema (absent when it did not
 * load: the checks that need it are then skipped rather than reported twice), the declared names,
 * and the issues found so far.
 */
export interface CheckContext {
  readonly data: LanguageData;
  /** The document as parsed from YAML, before defaults: where the file's own spelling matters. */
  readonly doc: unknown;
  readonly schema: Record<string, unknown> | undefined;
  readonly keyField: string;
  /** The field of `type: status`, when exactly one is declared. */
  readonly statusField: string | undefined;
  /** Declared fields other than the status field. */
  readonly fields: ReadonlyMap<string, FieldType>;
  /** The event types the schema allows; undefined when it does not constrain them. */
  readonly eventTypes: readonly string[] | undefined;
  readonly issues: LocatedIssue[];
}

export function report(
  ctx: CheckContext,
  segments: readonly PropertyKey[],
  expected: string,
  got: string,
  at: 'key' | 'value' = 'value',
): void {
  ctx.issues.push(located(segments, expected, got, at));
}

const FIELD_JSON_TYPES: Readonly<Record<FieldType, readonly JsonType[]>> = {
  string: ['string'],
  integer: ['integer'],
  number: ['number', 'integer'],
  boolean: ['boolean'],
};

/** The JSON types a field of `type` holds. */
export function jsonTypesOf(type: FieldType): ReadonlySet<JsonType> {
  return new Set(FIELD_JSON_TYPES[type]);
}

/** Whether values of `types` fit a field of `type` (null fits any: fields start at null). */
export function fits(types: ReadonlySet<JsonType> | undefined, type: FieldType): boolean {
  if (types === undefined) return false;
  const allowed = FIELD_JSON_TYPES[type];
  return [...types].every((t) => t === 'null' || allowed.includes(t));
}

/** Names of the state a ref may read: declared fields and the status field, in file order. */
export function stateFieldNames(ctx: CheckContext): string[] {
  return Object.entries(ctx.data.state.fields).map(([name]) => name);
}

/** What a valid ref reads, for messages: `a string field`, `number in the schema`. */
export function refTypeWords(ctx: CheckContext, ref: Ref): string {
  if (ref.kind === 'key') return 'the key, a string';
  if (ref.kind === 'state') {
    if (ref.field === ctx.statusField) return 'the status field, a string';
    return `a ${ctx.fields.get(ref.field) ?? 'undeclared'} field`;
  }
  return `${typeWords(refTypes(ctx, ref))} in the schema`;
}

/** Without the schema (it did not load) an event ref's types are unknown rather than wrong. */
export function typesUnknown(ctx: CheckContext, ref: Ref): boolean {
  return ref.kind === 'event' && ctx.schema === undefined;
}

/** The JSON types a valid ref may yield, or undefined when nothing constrains them. */
export function refTypes(ctx: CheckContext, ref: Ref): ReadonlySet<JsonType> | undefined {
  if (ref.kind === 'key') return new Set(['string']);
  if (ref.kind === 'state') {
    if (ref.field === ctx.statusField) return new Set(['string']);
    const type = ctx.fields.get(ref.field);
    return type === undefined ? undefined : jsonTypesOf(type);
  }
  return ctx.schema === undefined ? undefined : pathInfo(ctx.schema, ref.path).types;
}

/**
 * Parses a ref and checks it names something declared: an event path the schema defines, a
 * declared state field. `stateOnly` refuses `event.` refs (a `while` and the groupBy of an
 * aggregate with a state metric read the state alone). Reports and returns undefined otherwise.
 */
export function checkRef(
  ctx: CheckContext,
  text: string,
  segments: readonly PropertyKey[],
  options: { readonly at?: 'key' | 'value'; readonly stateOnly?: string } = {},
): Ref | undefined {
  const at = options.at ?? 'value';
  const ref = parseRef(text);
  if (ref === undefined) {
    report(ctx, segments, REF_SHAPE, JSON.stringify(text), at);
    return undefined;
  }
  if (ref.kind === 'event') {
    if (options.stateOnly !== undefined) {
      report(
        ctx,
        segments,
        `a state.<field> or key ref (${options.stateOnly})`,
        JSON.stringify(text),
        at,
      );
      return undefined;
    }
    if (ctx.schema !== undefined && !pathInfo(ctx.schema, ref.path).exists) {
      report(
        ctx,
        segments,
        'an event path the schema defines',
        `${JSON.stringify(text)} (not in the schema)`,
        at,
      );
      return undefined;
    }
  }
  if (ref.kind === 'state' && !Object.hasOwn(ctx.data.state.fields, ref.field)) {
    report(
      ctx,
      segments,
      `one of the state fields ${stateFieldNames(ctx).join(', ')}`,
      JSON.stringify(text),
      at,
    );
    return undefined;
  }
  return ref;
}
