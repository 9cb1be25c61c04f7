import type { WindowSize } from '../pipeline/index.js';
import { durationLabel, parseDuration } from '../topology/duration.js';
import type { CompiledTopology } from '../topology/index.js';
import { WindowQueryError } from './window-query.js';

/** A window size the topology has, named as in the file or canonically (`60s` = `1m`). */
export function windowSizeOf(topology: CompiledTopology, text: string | null): WindowSize {
  const sizes = topology.windows?.sizes ?? [];
  if (sizes.length === 0) throw new WindowQueryError(`topology ${topology.name} has no windows`);
  const known = sizes.map((s) => s.label).join(', ');
  if (text === null) throw new WindowQueryError(`size is required: one of ${known}`);
  const ms = parseDuration(text);
  const size = sizes.find((s) => s.ms === ms);
  if (size === undefined) {
    const shown = Number.isNaN(ms) ? text : durationLabel(ms);
    throw new WindowQueryError(`no windows of size ${shown}: the topology has ${known}`);
  }
  return size;
}

/** An instant: epoch milliseconds, or an ISO 8601 date-time. */
export function parseInstant(name: string, text: string | null): number {
  if (text === null) throw new WindowQueryError(`${name} is required (epoch ms or ISO 8601)`);
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms)) {
    throw new WindowQueryError(`${name} must be epoch milliseconds or ISO 8601, got "${text}"`);
  }
  return ms;
}
