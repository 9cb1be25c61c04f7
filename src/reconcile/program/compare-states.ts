import type { JsonValue, KeyState, Program } from '../../pipeline/program/types.js';
import { stateJson } from '../interpreter/index.js';
import { sameJson } from '../interpreter/values.js';
import { MAX_LISTED } from '../types.js';
import type { StateMismatch, StateRef, StatesSection } from './types.js';

/** What a comparison shows of an absent field: JSON has no undefined. */
const shown = (value: JsonValue | undefined): unknown => value ?? null;

function parsed(text: string): { ok: true; value: JsonValue } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false };
  }
}

function isObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Field by field, both ways: a field one side lacks differs unless the other has none either. */
function stateDiffs(want: Record<string, JsonValue>, text: string): StateMismatch['diffs'] {
  const got = parsed(text);
  if (!got.ok || !isObject(got.value)) {
    return { '': { expected: want, actual: text } };
  }
  const stored = got.value;
  const diffs: StateMismatch['diffs'] = {};
  for (const field of new Set([...Object.keys(want), ...Object.keys(stored)])) {
    const a = Object.hasOwn(want, field) ? want[field] : undefined;
    const b = Object.hasOwn(stored, field) ? stored[field] : undefined;
    if (a !== undefined && b !== undefined && sameJson(a, b)) continue;
    diffs[field] = { expected: shown(a), actual: shown(b) };
  }
  return diffs;
}

/**
 * The states hash of every partition against the interpreter's states of that partition: each
 * key's stored JSON must equal `stateJson` of the interpreter's state, field by field (the order
 * of the fields does not matter). A stored value that is not a JSON object differs as a whole
 * (field "").
 */
export function compareStates(
  program: Program,
  expected: ReadonlyMap<number, ReadonlyMap<string, KeyState>>,
  actual: ReadonlyMap<number, Readonly<Record<string, string>>>,
): StatesSection {
  const mismatches: StateMismatch[] = [];
  const missing: StateRef[] = [];
  const unexpected: StateRef[] = [];
  let expectedCount = 0;
  let actualCount = 0;
  const partitions = [...new Set([...expected.keys(), ...actual.keys()])].sort((a, b) => a - b);
  for (const partition of partitions) {
    const want = expected.get(partition) ?? new Map<string, KeyState>();
    const got = actual.get(partition) ?? {};
    expectedCount += want.size;
    for (const key of [...want.keys()].sort()) {
      const state = want.get(key);
      if (state === undefined) continue;
      const text = Object.hasOwn(got, key) ? got[key] : undefined;
      if (text === undefined) {
        missing.push({ partition, key });
        continue;
      }
      const diffs = stateDiffs(stateJson(program, state), text);
      if (Object.keys(diffs).length > 0) mismatches.push({ partition, key, diffs });
    }
    for (const key of Object.keys(got).sort()) {
      actualCount += 1;
      if (!want.has(key)) unexpected.push({ partition, key });
    }
  }
  return {
    ok: mismatches.length + missing.length + unexpected.length === 0,
    expected: expectedCount,
    actual: actualCount,
    mismatchCount: mismatches.length,
    mismatches: mismatches.slice(0, MAX_LISTED),
    missing: missing.length,
    missingKeys: missing.slice(0, MAX_LISTED),
    unexpected: unexpected.length,
    unexpectedKeys: unexpected.slice(0, MAX_LISTED),
  };
}
