import { z } from 'zod';
import { fieldPath, kindOf, showTypedValue, showValue, valueAt } from './describe-value.js';
import type { TopologyIssue } from './types.js';

type ZodIssue = z.core.$ZodIssue;

/** zod's type names in the words of a YAML author. */
const typeWords: Readonly<Record<string, string>> = {
  int: 'integer',
  object: 'mapping',
  array: 'list',
};

/** Builds an issue whose message is the `expected …, got …` sentence itself. */
export function issue(path: string, expected: string, got: string): TopologyIssue {
  return { path, message: `expected ${expected}, got ${got}`, expected, got };
}

/** The object schema a path leads to, looking through defaults and optionals. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodObject | undefined {
  let current: unknown = schema;
  for (let i = 0; ; i++) {
    while (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
      current = current.unwrap();
    }
    if (!(current instanceof z.ZodObject)) return undefined;
    if (i === path.length) return current;
    current = current.shape[String(path[i])];
  }
}

function bound(
  direction: 'small' | 'big',
  origin: string,
  limit: number | bigint,
  inclusive: boolean | undefined,
): string {
  const words =
    direction === 'small'
      ? inclusive === false
        ? 'more than'
        : 'at least'
      : inclusive === false
        ? 'less than'
        : 'at most';
  if (origin === 'string') return `${words} ${limit} character${limit === 1 ? '' : 's'}`;
  if (origin === 'array') return `${words} ${limit} item${limit === 1 ? '' : 's'}`;
  return `${words} ${limit}`;
}

function lengthNote(value: unknown): string {
  return typeof value === 'string' ? ` (${value.length} characters)` : '';
}

/**
 * Turns one zod issue into what `streamfold validate` prints. The offending value is read from
 * the parsed document by path rather than from the issue, so it is shown even for checks that
 * do not report their input (custom refinements).
 */
export function describeIssue(
  zodIssue: ZodIssue,
  doc: unknown,
  schema: z.ZodType,
): TopologyIssue[] {
  const path = fieldPath(zodIssue.path);
  const value = valueAt(doc, zodIssue.path);
  switch (zodIssue.code) {
    case 'invalid_type': {
      const expected = typeWords[zodIssue.expected] ?? zodIssue.expected;
      return [issue(path, expected, showTypedValue(value))];
    }
    case 'unrecognized_keys': {
      const known = Object.keys(objectAt(schema, zodIssue.path)?.shape ?? {});
      const expected = known.length > 0 ? `one of the fields ${known.join(', ')}` : 'no such field';
      return zodIssue.keys.map((key) =>
        issue(fieldPath([...zodIssue.path, key]), expected, `unknown field \`${key}\``),
      );
    }
    case 'too_small':
    case 'too_big': {
      const direction = zodIssue.code === 'too_small' ? 'small' : 'big';
      const limit = zodIssue.code === 'too_small' ? zodIssue.minimum : zodIssue.maximum;
      const expected = bound(direction, zodIssue.origin, limit, zodIssue.inclusive);
      return [issue(path, expected, `${showValue(value)}${lengthNote(value)}`)];
    }
    case 'invalid_format': {
      // The schema phrases every regex message as the thing expected (see schema.ts).
      const expected =
        zodIssue.format === 'regex' ? zodIssue.message : `a valid ${zodIssue.format}`;
      return [issue(path, expected, showValue(value))];
    }
    case 'invalid_value': {
      const values = zodIssue.values.map((v) => JSON.stringify(v));
      const expected = values.length === 1 ? (values[0] ?? '') : `one of ${values.join(', ')}`;
      return [issue(path, expected, showTypedValue(value))];
    }
    case 'custom':
      // Custom checks carry the expectation as their message, like regexes.
      return [issue(path, zodIssue.message, showValue(value))];
    default:
      return [{ path, message: zodIssue.message, got: kindOf(value) }];
  }
}
