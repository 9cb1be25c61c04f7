import { LineCounter, parseDocument, visit, type Document, type YAMLError } from 'yaml';
import { issue } from './describe-issue.js';
import type { TopologyIssue } from './types.js';

export type YamlRead =
  | {
      readonly ok: true;
      readonly value: unknown;
      /** The parsed document and its line counter, for callers that position their issues. */
      readonly document: Document;
      readonly lines: LineCounter;
    }
  | { readonly ok: false; readonly issues: TopologyIssue[] };

function at(
  lines: LineCounter,
  offset: number | undefined,
): Pick<TopologyIssue, 'line' | 'column'> {
  if (offset === undefined) return {};
  const { line, col } = lines.linePos(offset);
  return { line, column: col };
}

/** One YAML error, positioned so editors can jump to it. */
function syntaxIssue(error: YAMLError, lines: LineCounter): TopologyIssue {
  const first = error.message.split('\n')[0] ?? error.message;
  // The parser appends the position and, for several documents, advice about its own API.
  const sentence = first.replace(/ at line \d+, column \d+:?$/, '').replace(/; please use .*$/, '');
  return { ...issue('(yaml)', 'valid YAML', sentence), ...at(lines, error.pos[0]) };
}

/**
 * The parser accepts `*name` without a matching `&name` and only fails when converting, without
 * a position; finding them first lets the report point at the line.
 */
function danglingAliases(document: Document, lines: LineCounter): TopologyIssue[] {
  const issues: TopologyIssue[] = [];
  visit(document, {
    Alias(_key, node) {
      if (node.resolve(document) !== undefined) return;
      issues.push({
        ...issue('(yaml)', 'an alias to an anchor defined above it', `*${node.source}`),
        ...at(lines, node.range?.[0]),
      });
    },
  });
  return issues;
}

/** Parses one YAML document, reporting every syntax error instead of only the first. */
export function readYaml(text: string): YamlRead {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines });
  if (document.errors.length > 0) {
    return { ok: false, issues: document.errors.map((e) => syntaxIssue(e, lines)) };
  }
  const dangling = danglingAliases(document, lines);
  if (dangling.length > 0) return { ok: false, issues: dangling };
  try {
    return { ok: true, value: document.toJS(), document, lines };
  } catch (cause) {
    // e.g. alias expansion past the parser's limit (a "billion laughs" document).
    return { ok: false, issues: [issue('(yaml)', 'valid YAML', (cause as Error).message)] };
  }
}
