import type { JsonValue } from './types.js';

/** A value as text, for group keys and `by` sub-keys: a string as it is, anything else as JSON. */
export function valueText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The field of a group in the shard's hashes: the single value's text for one group field,
 * the JSON list of the texts for several, "" for a grouping of nothing.
 */
export function groupKeyOf(values: readonly JsonValue[]): string {
  if (values.length === 0) return '';
  if (values.length === 1) return valueText(values[0] as JsonValue);
  return JSON.stringify(values.map(valueText));
}

/** Equality of JSON values as the language compares them: by value, objects by their JSON. */
export function sameValue(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
