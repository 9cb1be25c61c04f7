import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** A 1-based place in the YAML text. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Where an issue about a field path points: `value` (the default) at the field's value, `key` at
 * the key itself (an unknown field is its key's fault, not its value's). A path that is not in
 * the document (a missing field) points at the nearest mapping or list that holds it.
 */
export type PositionOf = (
  path: readonly PropertyKey[],
  at?: 'key' | 'value',
) => Position | undefined;

interface Located {
  readonly node: Node | null;
  readonly key: Node | null;
}

/** The child of `node` at one path segment: the pair's key and value, or a list item. */
function child(node: Node | null, segment: PropertyKey): Located | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
    if (pair === undefined) return undefined;
    return { node: (pair.value as Node | null) ?? null, key: (pair.key as Node | null) ?? null };
  }
  if (isSeq(node)) {
    const index = typeof segment === 'number' ? segment : Number(segment);
    if (!Number.isInteger(index)) return undefined;
    const item = node.items[index] as Node | null | undefined;
    return item === undefined ? undefined : { node: item, key: null };
  }
  return undefined;
}

function isEmpty(node: Node): boolean {
  const range = node.range;
  return isScalar(node) && range != null && range[0] === range[1];
}

/** Positions of field paths in a parsed YAML document. */
export function positionsOf(document: Document, lines: LineCounter): PositionOf {
  const place = (node: Node | null): Position | undefined => {
    const offset = node?.range?.[0];
    if (offset === undefined) return undefined;
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return (path, at = 'value') => {
    let current: Node | null = document.contents;
    for (const [i, segment] of path.entries()) {
      const next = child(current, segment);
      if (next === undefined) return place(current);
      if (i === path.length - 1 && at === 'key' && next.key !== null) return place(next.key);
      // A key with an empty value (`to:`) has no value node, or an empty one placed after the
      // colon: its key is the place to look.
      if (next.node === null || isEmpty(next.node)) return place(next.key) ?? place(current);
      current = next.node;
    }
    return place(current);
  };
}
