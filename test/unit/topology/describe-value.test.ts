import { describe, expect, it } from 'vitest';
import {
  fieldPath,
  showTypedValue,
  showValue,
  valueAt,
} from '../../../src/topology/describe-value.js';

describe('describe-value', () => {
  it('shows values the way a YAML author wrote them', () => {
    expect(showValue('six')).toBe('"six"');
    expect(showValue(0)).toBe('0');
    expect(showValue(undefined)).toBe('nothing');
    expect(showValue(null)).toBe('an empty value');
    expect(showValue([1, 2])).toBe('a list of 2 items');
    expect(showValue({ a: 1 })).toBe('a mapping');
    expect(showTypedValue('six')).toBe('string "six"');
    expect(showTypedValue(true)).toBe('boolean true');
    expect(showTypedValue(null)).toBe('an empty value');
  });

  it('cuts long strings so one issue stays one line', () => {
    expect(showValue('y'.repeat(100))).toBe(`"${'y'.repeat(60)}…"`);
  });

  it('finds values by path and names paths with dots', () => {
    const doc = { source: { partitions: 'six' } };
    expect(valueAt(doc, ['source', 'partitions'])).toBe('six');
    expect(valueAt(doc, ['source', 'topic'])).toBeUndefined();
    expect(valueAt('scalar', ['source'])).toBeUndefined();
    expect(fieldPath(['source', 'partitions'])).toBe('source.partitions');
    expect(fieldPath([])).toBe('(root)');
  });
});
