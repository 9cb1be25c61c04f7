import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { positionsOf } from '../../../../src/topology/language/positions.js';

function positions(text: string) {
  const lines = new LineCounter();
  return positionsOf(parseDocument(text, { lineCounter: lines }), lines);
}

const text = [
  'name: x', // 1
  'state:', // 2
  '  fields:', // 3
  '    a: { type: string }', // 4
  '  list:', // 5
  '    - first', // 6
  '    - { on: B, to: c }', // 7
  '  empty:', // 8
  'guard: { event.data.x: { gt: 1 } }', // 9
].join('\n');

describe('positionsOf', () => {
  const at = positions(text);

  it('points at the value of a field, a list item, a field in a flow mapping', () => {
    expect(at(['name'])).toEqual({ line: 1, column: 7 });
    expect(at(['state', 'list', 0])).toEqual({ line: 6, column: 7 });
    expect(at(['state', 'list', 1, 'to'])).toEqual({ line: 7, column: 20 });
    expect(at(['state', 'fields', 'a', 'type'])).toEqual({ line: 4, column: 16 });
  });

  it('points at the key when asked (an unknown field is its key)', () => {
    expect(at(['state', 'fields', 'a'], 'key')).toEqual({ line: 4, column: 5 });
    // A key holding dots is one segment.
    expect(at(['guard', 'event.data.x'], 'key')).toEqual({ line: 9, column: 10 });
    expect(at(['guard', 'event.data.x', 'gt'], 'key')).toEqual({ line: 9, column: 26 });
  });

  it('a missing field points at the mapping that lacks it; an empty value at its key', () => {
    expect(at(['state', 'fields', 'b'])).toEqual({ line: 4, column: 5 });
    expect(at(['state', 'list', 5])).toEqual({ line: 6, column: 5 });
    expect(at(['state', 'empty'])).toEqual({ line: 8, column: 3 });
    expect(at(['nothing', 'here'])).toEqual({ line: 1, column: 1 });
  });

  it('numbers in paths may come as text', () => {
    expect(at(['state', 'list', '1', 'on'])).toEqual({ line: 7, column: 13 });
  });
});
