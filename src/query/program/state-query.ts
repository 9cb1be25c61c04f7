import { decodeState, stateObject } from '../../pipeline/program/index.js';
import type { ProgramShardReader } from '../../state/index.js';
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import type { QueriedTopology, StateQueryResult } from './types.js';

/**
 * `query state <topology> <key>`: the key's stored state without `eventIds`, in the stored key
 * order (for the orders program, today's `query order` JSON byte for byte).
 */
export async function queryState(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  key: string,
): Promise<StateQueryResult> {
  const found = await reader.state(key, await reader.partitions());
  if (found === undefined) return { kind: 'not-found' };
  const shape = topology.program.state;
  // Decoded, not printed as stored: a value of another shape is reported, never half-shown.
  const read = decodeState(shape, found.json);
  if (!read.ok) {
    throw new StreamfoldError(ErrorCodes.REDIS_SCRIPT, `state of ${key}: ${read.message}`);
  }
  const state = stateObject(shape, read.state);
  delete state.eventIds;
  return { kind: 'found', partition: found.partition, state };
}
