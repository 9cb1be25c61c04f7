import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { Logger } from '../logger.js';

/**
 * Runs a start-up step that needs the broker, again and again while it fails only because
 * Kafka is unreachable (a broker restarting as the worker starts), until `waitMs` has passed.
 * Anything else (bad credentials, a refused certificate, a missing topic) fails at once.
 */
export async function whileKafkaUnavailable<T>(
  step: () => Promise<T>,
  waitMs: number,
  log: Logger,
  pauseMs = 1000,
): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const transient =
        error instanceof StreamfoldError &&
        error.code === ErrorCodes.KAFKA_UNAVAILABLE &&
        error.retriable;
      if (!transient || Date.now() + pauseMs >= deadline) throw error;
      const leftS = Math.round((deadline - Date.now()) / 1000);
      log.warn({ attempt, err: error }, `waiting for Kafka (${leftS} s left): ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
