import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, YAMLParseError } from 'yaml';
import { ConfigError } from '../errors.js';
import { topologySchema } from './schema.js';
import type { CompiledTopology } from './types.js';

function fieldPath(segments: readonly PropertyKey[]): string {
  return segments.map(String).join('.') || '(root)';
}

/** Validates a parsed topology document and freezes it; errors name the file and field. */
export function compileTopology(doc: unknown, file: string): CompiledTopology {
  const parsed = topologySchema.safeParse(doc);
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((issue) => ({ path: fieldPath(issue.path), message: issue.message })),
    );
  }
  const t = parsed.data;
  const outputs = Object.values(t.outputs);
  if (new Set([...outputs, t.source.topic]).size !== outputs.length + 1) {
    throw new ConfigError(file, [
      {
        path: 'outputs',
        message: 'every output topic must differ from each other and from source.topic',
      },
    ]);
  }
  return Object.freeze({
    name: t.name,
    description: t.description,
    file,
    source: Object.freeze({ ...t.source }),
    event: Object.freeze({ ...t.event }),
    outputs: Object.freeze({ ...t.outputs }),
  });
}

/** Reads and compiles a topology file (YAML). */
export function loadTopology(file: string): CompiledTopology {
  const shown = path.relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ConfigError(shown, [{ path: '(file)', message: (cause as Error).message }]);
  }
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: true });
  } catch (cause) {
    const message = cause instanceof YAMLParseError ? cause.message : String(cause);
    throw new ConfigError(shown, [{ path: '(yaml)', message }]);
  }
  return compileTopology(doc, shown);
}
