import { describe, expect, it } from 'vitest';
import { chartSpec, renderChartSvg } from '../../../bench/report/chart.js';
import { latency, results, summary } from './fixtures.js';

const benchResults = results({
  summary: [
    summary('b0a', { eventsPerSecond: 90_000 }),
    summary('b0c', { eventsPerSecond: 60_000 }),
    // A fast wrong run: it must not be charted as fast.
    summary('b1-1', { ok: false, eventsPerSecond: 5e6, problems: ['round 1: x'] }),
    summary('sut', { eventsPerSecond: 45_000.4 }),
    summary('ks', { eventsPerSecond: 30_000 }),
  ],
  latency: [latency('sut', { p50Ms: 6, p99Ms: 24 }), latency('ks', { ok: false, p99Ms: 1 })],
});

/** The inline data of each panel of the vconcat spec. */
function panelData(spec: unknown): Record<string, unknown>[][] {
  const panels = (spec as { vconcat: { data: { values: Record<string, unknown>[] } }[] }).vconcat;
  return panels.map((p) => p.data.values);
}

describe('chartSpec', () => {
  it('charts the rates of the correct contenders only, in report order', () => {
    const [throughput] = panelData(chartSpec(benchResults));
    expect(throughput).toEqual([
      { contender: 'B0a consume-only', eventsPerSecond: 90_000 },
      { contender: 'B0c passthrough', eventsPerSecond: 60_000 },
      { contender: 'streamfold', eventsPerSecond: 45_000 },
      { contender: 'Kafka Streams', eventsPerSecond: 30_000 },
    ]);
  });

  it('charts p50 and p99 of the correct latency runs, and no latency panel without one', () => {
    const panels = panelData(chartSpec(benchResults));
    expect(panels).toHaveLength(2);
    expect(panels[1]).toEqual([
      { contender: 'streamfold', percentile: 'p50', ms: 6 },
      { contender: 'streamfold', percentile: 'p99', ms: 24 },
    ]);
    expect(panelData(chartSpec({ ...benchResults, latency: [] }))).toHaveLength(1);
    expect(
      panelData(chartSpec({ ...benchResults, latency: [latency('sut', { ok: false })] })),
    ).toHaveLength(1);
  });
});

describe('renderChartSvg', () => {
  it('renders an SVG naming every correct contender and not the failed one', async () => {
    const svg = await renderChartSvg(benchResults);
    expect(svg.trimStart()).toMatch(/^<svg[\s>]/);
    expect(svg.trimEnd()).toMatch(/<\/svg>$/);
    for (const label of ['B0a consume-only', 'B0c passthrough', 'streamfold', 'Kafka Streams']) {
      expect(svg).toContain(label);
    }
    expect(svg).not.toContain('B1 naive');
    expect(svg).toContain('Throughput, events/s (median of 3 rounds)');
    expect(svg).toContain('Open-loop latency');
  });

  it('renders throughput alone when no latency was measured', async () => {
    const svg = await renderChartSvg({ ...benchResults, latency: [] });
    expect(svg).toContain('streamfold');
    expect(svg).not.toContain('Open-loop latency');
  });
});
