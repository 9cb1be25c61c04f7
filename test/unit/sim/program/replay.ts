/**
 * A tiny step function written from docs/language.md alone, to judge the simulator's labels
 * without sharing its code: which records a key's state machine applies, and which it refuses.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Condition, Program, Ref } from '../../../../src/pipeline/program/types.js';

export interface ReplayState {
  readonly status: string;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly eventIds: readonly string[];
}

type Json = Record<string, unknown>;

export function at(value: unknown, path: readonly string[]): unknown {
  let v = value;
  for (const p of path) {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.hasOwn(v, p))
      return undefined;
    v = (v as Json)[p];
  }
  return v;
}

function read(
  program: Program,
  ref: Ref,
  key: string,
  s: ReplayState | undefined,
  e: Json,
): unknown {
  if (ref.kind === 'key') return key;
  if (ref.kind === 'event') return at(e, ref.path);
  if (s === undefined) return undefined;
  if (ref.field === program.state.statusField) return s.status;
  return s.fields[ref.field];
}

function holds(
  program: Program,
  c: Condition,
  key: string,
  s: ReplayState | undefined,
  e: Json,
): boolean {
  const v = read(program, c.ref, key, s, e);
  const t = c.test;
  const same = (x: unknown): boolean => v !== undefined && isDeepStrictEqual(v, x);
  switch (t.op) {
    case 'exists':
      return (v !== undefined) === t.value;
    case 'eq':
      return same(t.value);
    case 'ne':
      return !same(t.value);
    case 'in':
      return t.values.some(same);
    case 'notIn':
      return !t.values.some(same);
    case 'sameAs':
    case 'differs': {
      const w = read(program, t.ref, key, s, e);
      if (v === undefined || w === undefined) return t.op === 'differs';
      return same(w) === (t.op === 'sameAs');
    }
    case 'gt':
      return typeof v === 'number' && v > t.value;
    case 'gte':
      return typeof v === 'number' && v >= t.value;
    case 'lt':
      return typeof v === 'number' && v < t.value;
    case 'lte':
      return typeof v === 'number' && v <= t.value;
  }
}

export type ReplayOutcome = 'duplicate' | 'anomaly' | ReplayState;

export function replayStep(program: Program, s: ReplayState | undefined, e: Json): ReplayOutcome {
  const id = at(e, program.paths.eventId) as string;
  const key = at(e, program.paths.key) as string;
  if (s?.eventIds.includes(id) === true) return 'duplicate';
  const status = s?.status ?? program.machine.initial;
  const type = at(e, program.paths.type);
  for (const t of program.machine.transitions) {
    if (t.on !== type || !t.from.includes(status)) continue;
    if (!t.guard.every((c) => holds(program, c, key, s, e))) continue;
    const fields: Json = {
      ...(s?.fields ?? Object.fromEntries(program.state.fields.map((f) => [f.name, f.default]))),
    };
    for (const f of program.state.fields) {
      const v = f.from === undefined ? undefined : at(e, f.from);
      if (v !== undefined) fields[f.name] = v;
    }
    for (const { field, ref } of t.set) {
      const v = read(program, ref, key, s, e);
      if (v !== undefined) fields[field] = v;
    }
    return { status: t.to, fields, eventIds: [...(s?.eventIds ?? []), id] };
  }
  return 'anomaly';
}
