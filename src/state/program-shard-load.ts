/** Parsing what an owner reads from a program's shard when it acquires it. */
import {
  decodeState,
  type GroupPartial,
  type KeyState,
  type ProgramParkedEntry,
  type ProgramWindowState,
  type StateShape,
} from '../pipeline/program/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { idleCloseOffsets } from '../pipeline/index.js';
import { ProgramFields } from './program-fields.js';

function json<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new StreamfoldError(ErrorCodes.REDIS_SCRIPT, `stored ${what} is not JSON`, { cause });
  }
}

/** The clock hash and the open-windows hash as the lease's windows. */
export function parseProgramWindows(
  clock: Readonly<Record<string, string>>,
  open: Readonly<Record<string, string>>,
): ProgramWindowState {
  const watermark = clock[ProgramFields.watermark];
  const frontiers = new Map<string, number>();
  for (const [field, value] of Object.entries(clock)) {
    if (field.startsWith(ProgramFields.frontierPrefix)) {
      frontiers.set(field.slice(ProgramFields.frontierPrefix.length), Number(value));
    }
  }
  const windows = new Map<string, GroupPartial>();
  for (const [field, text] of Object.entries(open)) {
    windows.set(field, json<GroupPartial>(text, `window ${field}`));
  }
  return {
    watermark: watermark === undefined ? null : Number(watermark),
    frontiers,
    open: windows,
  };
}

export function parseProgramParked(
  hash: Readonly<Record<string, string>>,
): Map<string, ProgramParkedEntry> {
  return new Map(
    Object.entries(hash).map(([key, text]) => [
      key,
      json<ProgramParkedEntry>(text, `parked ${key}`),
    ]),
  );
}

/** Stored states by key; a value that is not a state of this shape is an error, never skipped. */
export function parseStates(
  shape: StateShape,
  keys: readonly string[],
  values: readonly (string | null)[],
): Map<string, KeyState> {
  const states = new Map<string, KeyState>();
  values.forEach((text, i) => {
    const key = keys[i];
    if (text === null || key === undefined) return;
    const read = decodeState(shape, text);
    if (!read.ok)
      throw new StreamfoldError(ErrorCodes.REDIS_SCRIPT, `state of ${key}: ${read.message}`);
    states.set(key, read.state);
  });
  return states;
}

/**
 * Idle closes logged in the clock hash, ascending by applied offset: the clock's `idle|<offset>`
 * fields are the same for both engines.
 */
export const idleCloses = idleCloseOffsets;
