import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.js';
import { describeIssue, issue } from '../describe-issue.js';
import { readTopologyDocument } from '../load-topology.js';
import type { TopologyIssue } from '../types.js';
import { checkProgram } from './check-program.js';
import { compileProgram, deepFreeze } from './compile-program.js';
import { loadJsonSchema } from './json-schema.js';
import type { LocatedIssue } from './located-issue.js';
import { positionsOf, type PositionOf } from './positions.js';
import { isMapping, languageSchema } from './schema.js';
import type { LanguageTopology } from './types.js';

export interface CompileOptions {
  /** The directory a schema file name is read relative to: the topology file's. */
  readonly dir: string;
  /** Where a field path is in the YAML text, for line and column of every issue. */
  readonly positions?: PositionOf;
}

/** A language document has `input`; the legacy format (docs/topologies.md) has `source`. */
export function isLanguageDocument(doc: unknown): boolean {
  return isMapping(doc) && Object.hasOwn(doc, 'input');
}

/** The fields of the object schema a path leads to, through lists, records and defaults. */
function knownFields(schema: z.ZodType, segments: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  let i = 0;
  for (;;) {
    if (current instanceof z.ZodDefault || current instanceof z.ZodOptional) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.out;
    } else if (i === segments.length) {
      return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
    } else if (current instanceof z.ZodObject) {
      current = current.shape[String(segments[i++])];
    } else if (current instanceof z.ZodRecord) {
      current = current.valueType;
      i++;
    } else if (current instanceof z.ZodArray) {
      current = current.element;
      i++;
    } else {
      return [];
    }
  }
}

function schemaIssues(error: z.ZodError, doc: unknown): LocatedIssue[] {
  return error.issues.flatMap((zodIssue): LocatedIssue[] => {
    if (zodIssue.code === 'unrecognized_keys') {
      const known = knownFields(languageSchema, zodIssue.path);
      const expected = known.length > 0 ? `one of the fields ${known.join(', ')}` : 'no such field';
      return zodIssue.keys.map((key) => {
        const segments = [...zodIssue.path, key];
        return {
          ...issue(segments.join('.'), expected, `unknown field \`${key}\``),
          segments,
          at: 'key',
        };
      });
    }
    return describeIssue(zodIssue, doc, languageSchema).map((i) => ({
      ...i,
      segments: zodIssue.path,
    }));
  });
}

/** Positions the issues and puts them in document order (the order of their lines). */
function finish(
  issues: readonly LocatedIssue[],
  positions: PositionOf | undefined,
): TopologyIssue[] {
  const placed = issues.map(({ segments, at, ...rest }): TopologyIssue => {
    const position = positions?.(segments, at);
    return position === undefined
      ? rest
      : { ...rest, line: position.line, column: position.column };
  });
  // A stable sort: issues of one node keep the order the checks found them in.
  return placed.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/**
 * Validates a parsed language document (docs/language.md), loads and compiles its events'
 * schema, checks the program and freezes it. Throws a ConfigError with every issue found.
 */
export function compileLanguageTopology(
  doc: unknown,
  file: string,
  opts: CompileOptions,
): LanguageTopology {
  if (doc === null || doc === undefined) {
    throw new ConfigError(file, [
      issue('(root)', 'a mapping with name, input, state and outputs', 'an empty document'),
    ]);
  }
  const parsed = languageSchema.safeParse(doc);
  if (!parsed.success) {
    throw new ConfigError(file, finish(schemaIssues(parsed.error, doc), opts.positions));
  }
  const data = parsed.data;
  const loaded = loadJsonSchema(data.input.schema, opts.dir);
  const issues = [
    ...(loaded.ok ? [] : loaded.issues),
    ...checkProgram(data, loaded.ok ? loaded.schema.json : undefined, doc),
  ];
  if (!loaded.ok || issues.length > 0) throw new ConfigError(file, finish(issues, opts.positions));
  const { validate, json } = loaded.schema;
  return Object.freeze({
    kind: 'language',
    name: data.name,
    description: data.description,
    file,
    input: Object.freeze({
      topic: data.input.topic,
      group: data.input.group,
      partitions: data.input.partitions,
      replicationFactor: data.input.replicationFactor,
      maxValueBytes: data.input.maxValueBytes,
    }),
    source: Object.freeze({
      topic: data.input.topic,
      group: data.input.group,
      partitions: data.input.partitions,
      replicationFactor: data.input.replicationFactor,
    }),
    event: Object.freeze({ maxValueBytes: data.input.maxValueBytes }),
    program: compileProgram(data, json),
    schema: Object.freeze({ json: deepFreeze(json), validate }),
    outputs: Object.freeze({ ...data.outputs }),
    parking: Object.freeze({ ...data.parking }),
    queries: deepFreeze(
      data.queries.map(({ name, path: at, view, aggregate }) =>
        aggregate === undefined ? { name, path: at, view } : { name, path: at, view, aggregate },
      ),
    ),
  });
}

/** Reads and compiles a language topology file, with line and column on every issue. */
export function loadLanguageTopology(file: string): LanguageTopology {
  const { shown, yaml } = readTopologyDocument(file);
  return compileLanguageTopology(yaml.value, shown, {
    dir: path.dirname(file),
    positions: positionsOf(yaml.document, yaml.lines),
  });
}
