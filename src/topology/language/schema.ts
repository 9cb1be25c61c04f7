import { z } from 'zod';
import type { Literal } from '../../pipeline/program/types.js';
import { topicName, topologyName, windowsSchema } from '../schema.js';

// Messages of regexes, refinements and custom checks are phrased as the thing expected, like
// ../schema.ts: `streamfold validate` prints them as `expected <message>, got <value>`. Names and
// refs are checked here for their shape only; whether they name something declared is
// ./check-program.ts's to say, with the declared names in the message.

export function isLiteral(value: unknown): value is Literal {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

const literal = z.custom<Literal>(isLiteral, 'a literal: a string, number, boolean or null');

/** A dotted path into the event's JSON value; array elements are not addressed. */
const pathText = z
  .string()
  .regex(
    /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/,
    'a dotted path of field names, such as data.amountCents',
  );

const stateName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    'a state name of 1-64 letters, digits, "_" and "-", starting with a letter',
  );

/** Refs are parsed by ./refs.ts, which says what a malformed one should look like. */
const refText = z.string();

export const TestOps = [
  'eq',
  'ne',
  'in',
  'notIn',
  'gt',
  'gte',
  'lt',
  'lte',
  'sameAs',
  'differs',
  'exists',
] as const;

const testObject = z
  .strictObject({
    eq: literal.optional(),
    ne: literal.optional(),
    in: z.array(literal).optional(),
    notIn: z.array(literal).optional(),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    sameAs: refText.optional(),
    differs: refText.optional(),
    exists: z.boolean().optional(),
  })
  .refine((test) => Object.keys(test).length === 1, {
    message: `exactly one test of ${TestOps.join(', ')}`,
    // An unknown operator is reported as such; counting what is left would blame it twice.
    when: (payload) => payload.issues.length === 0,
  });

/** A bare literal stands for `eq` (docs/language.md#refs-and-conditions). */
const test = z.preprocess((value) => (isLiteral(value) ? { eq: value } : value), testObject);

export type TestData = z.output<typeof testObject>;

/** Ref text → test; every entry must hold. */
const condition = z.record(z.string(), test);

const fieldDeclaration = z.strictObject({
  type: z.enum(['string', 'integer', 'number', 'boolean', 'status']),
  from: pathText.optional(),
  default: literal.optional(),
});

const transition = z.strictObject({
  on: z.string().min(1),
  from: z.array(stateName).min(1),
  to: stateName,
  guard: condition.optional(),
  anomaly: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'an anomaly reason of 1-64 letters, digits, ".", "_" and "-"',
    )
    .optional(),
  set: z.record(z.string(), refText).optional(),
});

/** A group field: a ref (named after its last segment) or `{ name: ref }`. */
const groupField = z.custom<string | Record<string, string>>(
  (value) =>
    typeof value === 'string' ||
    (isMapping(value) &&
      Object.keys(value).length === 1 &&
      Object.values(value).every((ref) => typeof ref === 'string')),
  'a ref, or a mapping of one group field name to a ref',
);

const transitionFilter = z.strictObject({
  on: z.array(z.string().min(1)).min(1).optional(),
  from: z.array(stateName).min(1).optional(),
  to: z.array(stateName).min(1).optional(),
  where: condition.optional(),
});

export const MetricKindFields = ['count', 'sum', 'min', 'max', 'last', 'distinct'] as const;

const metric = z
  .strictObject({
    count: z.custom<true>((value) => value === true, 'true (a count reads nothing)').optional(),
    sum: refText.optional(),
    min: refText.optional(),
    max: refText.optional(),
    last: refText.optional(),
    distinct: refText.optional(),
    when: transitionFilter.optional(),
    while: condition.optional(),
    by: refText.optional(),
  })
  .refine(
    (m) => MetricKindFields.filter((kind) => m[kind] !== undefined).length === 1,
    `exactly one of ${MetricKindFields.join(', ')}`,
  );

export type MetricData = z.output<typeof metric>;
export type ConditionData = z.output<typeof condition>;

const aggregate = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,63}$/,
      'an aggregate name of 1-64 lower-case letters, digits and "-", starting with a letter',
    ),
  groupBy: z.array(groupField).default([]),
  metrics: z
    .record(z.string(), metric)
    .refine((metrics) => Object.keys(metrics).length > 0, 'at least one metric'),
  windows: windowsSchema.optional(),
});

export const QueryViews = ['state', 'totals', 'totals-windows', 'group'] as const;

/**
 * A named view the topology serves (docs/language.md#queries): the shape of its fields here,
 * what they must refer to in ./check-queries.ts.
 */
const query = z.strictObject({
  name: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{0,63}$/,
      'a query name of 1-64 lower-case letters, digits and "-", starting with a letter',
    ),
  path: z
    .string()
    .regex(
      /^(\/:?[A-Za-z0-9._~-]+)+$/,
      'a path of /segments, a parameter written :name, such as /orders/:key',
    ),
  view: z.enum(QueryViews),
  aggregate: z.string().optional(),
});

/** The topology language (YAML); docs/language.md documents every field. */
export const languageSchema = z.strictObject({
  name: topologyName,
  description: z.string().max(500).default(''),
  input: z.strictObject({
    topic: topicName,
    group: z.string().min(1).max(249),
    partitions: z.int().min(1).max(10_000).default(6),
    replicationFactor: z.int().min(1).max(32).default(1),
    schema: z.custom<string | Record<string, unknown>>(
      (value) => (typeof value === 'string' && value.length > 0) || isMapping(value),
      'a JSON Schema: a file name beside the topology file, or a mapping',
    ),
    maxValueBytes: z.int().min(256).max(10_485_760).default(65_536),
    key: pathText,
    eventId: pathText,
    time: pathText,
    type: pathText,
  }),
  state: z.strictObject({
    key: z.string().optional(),
    fields: z.record(z.string(), fieldDeclaration),
    machine: z.strictObject({
      initial: stateName,
      states: z.array(stateName).min(1),
      transitions: z.array(transition).min(1),
    }),
  }),
  aggregates: z.array(aggregate).default([]),
  parking: z
    .strictObject({ maxAttempts: z.int().min(1).max(100).default(3) })
    .default({ maxAttempts: 3 }),
  outputs: z.strictObject({
    status: topicName.optional(),
    anomalies: topicName.optional(),
    deadLetter: topicName,
    aggregates: topicName.optional(),
    windows: topicName.optional(),
    late: topicName.optional(),
  }),
  queries: z.array(query).default([]),
});

export type LanguageFile = z.input<typeof languageSchema>;
export type LanguageData = z.output<typeof languageSchema>;
