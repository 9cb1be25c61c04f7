/**
 * Whether a language topology takes the order simulator's events: `simulate <file> --orders N`
 * runs the order simulator of src/sim (the order wire contract), and a topology whose input
 * schema refuses those events would dead-letter the whole run, so it is refused up front.
 */
import { generate, type SimOptions } from '../sim/index.js';
import type { LanguageTopology } from '../topology/index.js';

/**
 * Events checked: enough that every event type the simulator makes shows up (its lifecycles
 * interleave, so the first few dozen events hold placements, payments, shipments, cancels).
 */
export const ORDER_EVENTS_CHECKED = 32;

export type OrderEventsFit =
  { readonly ok: true } | { readonly ok: false; readonly type: string; readonly message: string };

/**
 * Validates the first generated events of the run itself (same options, so the same events)
 * against the topology's input schema. Only `event` records are checked: the malformed and
 * duplicate records are the simulator's deliberate noise, not its contract.
 */
export function orderEventsFit(
  topology: LanguageTopology,
  options: Readonly<SimOptions>,
): OrderEventsFit {
  let checked = 0;
  for (const record of generate(options)) {
    if (record.kind !== 'event' || record.value === null) continue;
    const value: unknown = JSON.parse(record.value.toString('utf8'));
    const verdict = topology.schema.validate(value);
    if (!verdict.ok) {
      const type = (value as { type?: unknown }).type;
      return { ok: false, type: typeof type === 'string' ? type : '?', message: verdict.message };
    }
    checked += 1;
    if (checked >= ORDER_EVENTS_CHECKED) break;
  }
  return { ok: true };
}
