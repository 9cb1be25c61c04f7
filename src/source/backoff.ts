export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  factor: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 200, maxMs: 30_000, factor: 2 };

/**
 * Exponential backoff with full jitter: a random delay up to the exponential cap, so workers
 * that failed together (Redis restarted) do not retry together.
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
): number {
  const cap = Math.min(policy.maxMs, policy.initialMs * policy.factor ** Math.max(0, attempt - 1));
  return Math.max(policy.initialMs / 2, Math.round(random() * cap));
}
