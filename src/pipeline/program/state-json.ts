/**
 * A key's state as stored in the shard's states hash (types.ts `StateShape`): the key field, the
 * declared fields with the status field where the file puts it, then `appliedEvents`,
 * `updatedAt` and `eventIds`. Queries print this JSON as it is.
 */
import type { JsonValue, KeyState, StateShape } from './types.js';

export function stateObject(shape: StateShape, state: KeyState): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const name of shape.order) {
    if (name === shape.keyField) out[name] = state.key;
    else if (name === shape.statusField) out[name] = state.status;
    else out[name] = Object.hasOwn(state.fields, name) ? (state.fields[name] as JsonValue) : null;
  }
  out.appliedEvents = state.appliedEvents;
  out.updatedAt = state.updatedAt;
  out.eventIds = state.eventIds;
  return out;
}

export function encodeState(shape: StateShape, state: KeyState): string {
  return JSON.stringify(stateObject(shape, state));
}

export type StateRead = { ok: true; state: KeyState } | { ok: false; message: string };

/** Parses a stored state; a value of another shape is reported, never half-read. */
export function decodeState(shape: StateShape, json: string): StateRead {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    return { ok: false, message: `stored state is not JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'stored state is not an object' };
  }
  const v = value as Record<string, unknown>;
  const key = v[shape.keyField];
  const status = v[shape.statusField];
  const { appliedEvents, updatedAt, eventIds } = v;
  if (
    typeof key !== 'string' ||
    typeof status !== 'string' ||
    !Number.isSafeInteger(appliedEvents) ||
    !Number.isSafeInteger(updatedAt) ||
    !Array.isArray(eventIds) ||
    !eventIds.every((id) => typeof id === 'string')
  ) {
    return {
      ok: false,
      message: `stored state lacks ${shape.keyField}, ${shape.statusField} or its bookkeeping`,
    };
  }
  const fields: Record<string, JsonValue> = {};
  for (const field of shape.fields) {
    fields[field.name] = Object.hasOwn(v, field.name)
      ? (v[field.name] as JsonValue)
      : field.default;
  }
  return {
    ok: true,
    state: {
      key,
      status,
      fields,
      appliedEvents: appliedEvents as number,
      updatedAt: updatedAt as number,
      eventIds: eventIds,
    },
  };
}
