import type { OrderEvent } from './types.js';

/**
 * Distinct orderIds of a batch's decodable events, in first-seen order: the keys whose states must
 * be loaded before the fold. Dead letters touch no state.
 */
export function keysTouched(events: readonly OrderEvent[]): string[] {
  const keys = new Set<string>();
  for (const event of events) keys.add(event.orderId);
  return [...keys];
}
