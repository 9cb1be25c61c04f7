/** Longest string shown verbatim in a message; longer ones are cut so one issue stays one line. */
const MAX_SHOWN = 60;

/** The YAML-level kind of a value: the words a topology author knows, not JavaScript's. */
export function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value;
}

/** A value as it appears after "got": `"six"`, `0`, `a list of 2 items`, `nothing`. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return String(value);
  }
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  return kindOf(value);
}

/** A value with its kind, for type mismatches: `string "six"`, `number 1.5`, `nothing`. */
export function showTypedValue(value: unknown): string {
  const kind = kindOf(value);
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? `${kind} ${showValue(value)}`
    : showValue(value);
}

/** The value a field path points at in the parsed document, or undefined when absent. */
export function valueAt(doc: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = doc;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** `['source', 'partitions']` → `source.partitions`; the document itself is `(root)`. */
export function fieldPath(segments: readonly PropertyKey[]): string {
  return segments.map(String).join('.') || '(root)';
}
