import { collectDefaultMetrics, Registry } from 'prom-client';
import { Metrics } from './metrics.js';
import type { MetricsOptions } from './types.js';

/**
 * One worker's metrics on a registry of its own (never prom-client's global one: a second
 * worker or test in the same process would then throw on duplicate names), with prom-client's
 * process and Node.js metrics alongside.
 */
export function createMetrics(
  registry: Registry = new Registry(),
  options: MetricsOptions = {},
): Metrics {
  collectDefaultMetrics({ register: registry });
  return new Metrics(registry, options);
}
