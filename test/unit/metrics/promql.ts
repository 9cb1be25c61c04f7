/**
 * Just enough PromQL reading for the dashboard and alert checks: which metric names an
 * expression selects, and which range each rate-like call uses. Not a parser; the checks run it
 * over the project's own queries, and promql.test.ts pins its behaviour.
 */

const keywords = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);
const modifiers = /\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;

/** Metric names an expression selects (Grafana's `label_values(selector, label)` included). */
export function metricNames(expr: string): string[] {
  const labelValues = /^\s*label_values\((.*),\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$/s.exec(expr);
  const source = labelValues?.[1] ?? expr;
  const stripped = source
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(modifiers, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const end = match.index + match[0].length;
    const before = stripped[match.index - 1] ?? ' ';
    if (/[0-9.$]/.test(before)) continue; // a duration suffix (5m) or a variable
    if (/^\s*\(/.test(stripped.slice(end))) continue; // a function or an aggregation
    if (keywords.has(match[0].toLowerCase())) continue;
    names.push(match[0]);
  }
  return names;
}

/** Every call to one of `functions` in `expr`, with the text between its parentheses. */
export function calls(expr: string, functions: readonly string[]): { fn: string; args: string }[] {
  const found: { fn: string; args: string }[] = [];
  const pattern = new RegExp(`\\b(${functions.join('|')})\\s*\\(`, 'g');
  for (const match of expr.matchAll(pattern)) {
    const open = match.index + match[0].length;
    let depth = 1;
    let i = open;
    for (; i < expr.length && depth > 0; i++) {
      if (expr[i] === '(') depth++;
      else if (expr[i] === ')') depth--;
    }
    found.push({ fn: match[1] ?? '', args: expr.slice(open, i - 1) });
  }
  return found;
}

/** The range of a call's outermost range selector (`[...]`), if any. */
export function rangeOf(args: string): string | undefined {
  return /\[([^\]]*)\]\s*$/.exec(args)?.[1];
}
