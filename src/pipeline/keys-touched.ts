import type { Decoded } from './types.js';

/**
 * Distinct orderIds of a batch's decodable events, in first-seen order: the keys whose states must
 * be loaded before the fold. Dead letters touch no state.
 */
export function keysTouched(decoded: readonly Decoded[]): string[] {
  const keys = new Set<string>();
  for (const item of decoded) if (item.ok) keys.add(item.event.orderId);
  return [...keys];
}
