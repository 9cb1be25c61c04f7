import { metricCatalogue, type MetricCatalogue } from '../../src/metrics/catalogue.js';

/**
 * Catalogue names by key, for the queries: a metric renamed or removed in the catalogue breaks
 * the generator's build instead of leaving an empty panel.
 */
export const metric = Object.fromEntries(
  Object.entries(metricCatalogue).map(([key, definition]) => [key, definition.name]),
) as { readonly [K in keyof MetricCatalogue]: MetricCatalogue[K]['name'] };

/** Series Prometheus itself and prom-client's default collectors export (not in the catalogue). */
export const externalMetric = {
  up: 'up',
  processCpuSeconds: 'process_cpu_seconds_total',
  processResidentMemory: 'process_resident_memory_bytes',
  eventLoopLagP99: 'nodejs_eventloop_lag_p99_seconds',
} as const;
