/** The report's chart: median throughput per contender, and open-loop latency percentiles. */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchResults } from './results.js';

export function chartSpec(results: BenchResults): TopLevelSpec {
  const throughput = results.summary
    .filter((s) => s.ok)
    .map((s) => ({ contender: s.label, eventsPerSecond: Math.round(s.eventsPerSecond) }));
  const latency = results.latency
    .filter((l) => l.ok)
    .flatMap((l) => {
      const label = results.summary.find((s) => s.id === l.contender)?.label ?? l.contender;
      return [
        { contender: label, percentile: 'p50', ms: l.p50Ms },
        { contender: label, percentile: 'p99', ms: l.p99Ms },
      ];
    });
  const panels: TopLevelSpec[] = [
    {
      title: `Throughput, events/s (median of ${results.settings.rounds} rounds)`,
      data: { values: throughput },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        y: { field: 'contender', type: 'nominal', sort: null, title: null },
        x: { field: 'eventsPerSecond', type: 'quantitative', title: 'events/s' },
      },
      width: 420,
    },
  ];
  if (latency.length > 0) {
    panels.push({
      title: `Open-loop latency at ${Math.round(results.latency[0]?.targetRate ?? 0)} events/s, ms`,
      data: { values: latency },
      mark: 'bar',
      encoding: {
        y: { field: 'contender', type: 'nominal', title: null },
        yOffset: { field: 'percentile' },
        color: { field: 'percentile', type: 'nominal' },
        x: { field: 'ms', type: 'quantitative', title: 'ms' },
      },
      width: 420,
    });
  }
  return { vconcat: panels, config: { font: 'sans-serif' } } as unknown as TopLevelSpec;
}

export async function renderChartSvg(results: BenchResults): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(results)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
