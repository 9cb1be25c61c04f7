import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import { aggregatorNamed } from '../pipeline/aggregates/index.js';
import type { WindowSpec } from '../pipeline/windows.js';
import { checkOutputs, checkRequiredOutputs } from './check-outputs.js';
import { durationLabel, parseDuration } from './duration.js';
import { describeIssue, issue } from './describe-issue.js';
import { readYaml, type YamlRead } from './read-yaml.js';
import { topologySchema, type TopologyData } from './schema.js';
import type { CompiledTopology } from './types.js';

/** Validates a parsed topology document and freezes it; errors name the file and field. */
export function compileTopology(doc: unknown, file: string): CompiledTopology {
  if (doc === null || doc === undefined) {
    throw new ConfigError(file, [
      issue('(root)', 'a mapping with name, source and outputs', 'an empty document'),
    ]);
  }
  const parsed = topologySchema.safeParse(doc);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.flatMap((i) => describeIssue(i, doc, topologySchema)),
    );
  }
  const t = parsed.data;
  const outputIssues = [...checkOutputs(t.source.topic, t.outputs), ...checkRequiredOutputs(t)];
  if (outputIssues.length > 0) throw new ConfigError(file, outputIssues);
  const windows = t.windows && windowSpec(t.windows);
  return Object.freeze({
    name: t.name,
    description: t.description,
    file,
    source: Object.freeze({ ...t.source }),
    event: Object.freeze({ ...t.event }),
    outputs: Object.freeze({ ...t.outputs }),
    aggregates: Object.freeze([...t.aggregates]),
    aggregators: Object.freeze(t.aggregates.map(aggregatorNamed)),
    ...(windows ? { windows } : {}),
    parking: Object.freeze({ ...t.parking }),
  });
}

function windowSpec(windows: NonNullable<TopologyData['windows']>): WindowSpec {
  const sizes = windows.sizes
    .map(parseDuration)
    .sort((a, b) => a - b)
    .map((ms) => Object.freeze({ label: durationLabel(ms), ms }));
  return Object.freeze({
    sizes: Object.freeze(sizes),
    graceMs: parseDuration(windows.grace),
    idleTimeoutMs: parseDuration(windows.idleTimeout),
  });
}

/** What a failed read means to the author, rather than the errno name. */
export function readProblem(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'a file it has no permission to read';
  return (cause as Error).message;
}

/** A topology file read and parsed as YAML, with the name its messages show for it. */
export interface TopologyDocument {
  readonly shown: string;
  readonly yaml: Extract<YamlRead, { ok: true }>;
}

/** Reads and parses a topology file (YAML); a file that cannot be read or parsed is a ConfigError. */
export function readTopologyDocument(file: string): TopologyDocument {
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(shown, [issue('(file)', 'a readable topology file', readProblem(cause))]);
  }
  const yaml = readYaml(text);
  if (!yaml.ok) throw new ConfigError(shown, yaml.issues);
  return { shown, yaml };
}

/** Reads and compiles a topology file (YAML). */
export function loadTopology(file: string): CompiledTopology {
  const { shown, yaml } = readTopologyDocument(file);
  return compileTopology(yaml.value, shown);
}
