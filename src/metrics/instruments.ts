import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { metricCatalogue, type MetricCatalogue, type MetricKey } from './catalogue.js';

type LabelsOf<D> = D extends { readonly labelNames: readonly (infer L extends string)[] }
  ? L
  : never;

/** The prom-client object a catalogue entry becomes, typed by its labels. */
export type InstrumentOf<D> = D extends { readonly type: 'counter' }
  ? Counter<LabelsOf<D>>
  : D extends { readonly type: 'gauge' }
    ? Gauge<LabelsOf<D>>
    : Histogram<LabelsOf<D>>;

export type Instruments = { readonly [K in MetricKey]: InstrumentOf<MetricCatalogue[K]> };

/** Called before a scrape reads the metric, to refresh values computed from the clock. */
export type Collectors = Partial<Record<MetricKey, () => void>>;

/**
 * Builds every catalogue metric on `registry`. Nothing else constructs a prom-client metric,
 * so a name, label or bucket can only come from the catalogue.
 */
export function createInstruments(registry: Registry, collectors: Collectors = {}): Instruments {
  const built: Partial<Record<MetricKey, Counter | Gauge | Histogram>> = {};
  for (const key of Object.keys(metricCatalogue) as MetricKey[]) {
    const def = metricCatalogue[key];
    const config = {
      name: def.name,
      help: def.help,
      labelNames: [...def.labelNames],
      registers: [registry],
      ...(collectors[key] ? { collect: collectors[key] } : {}),
    };
    switch (def.type) {
      case 'counter':
        built[key] = new Counter(config);
        break;
      case 'gauge':
        built[key] = new Gauge(config);
        break;
      case 'histogram':
        built[key] = new Histogram({ ...config, buckets: [...def.buckets] });
        break;
    }
  }
  return built as Instruments;
}
