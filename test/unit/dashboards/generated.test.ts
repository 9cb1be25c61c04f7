import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderDashboards } from '../../../scripts/dashboards/generate-dashboards.js';
import type { DashboardTopology } from '../../../scripts/dashboards/dashboard-topology.js';
import { topologyDashboard } from '../../../scripts/dashboards/topology-dashboard.js';
import type { MetricDefinition } from '../../../src/metrics/catalogue.js';

// The shipped dashboards are the generator's output (docs/metrics.md, Dashboards): a file edited
// by hand, or left stale by a generator change, fails here until `npm run dashboards` rewrites it.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const shipped = readdirSync(new URL('dashboards/', `file://${root}`))
  .filter((name) => name.endsWith('.json'))
  .map((name) => `dashboards/${name}`)
  .sort();

describe('dashboards/*.json', () => {
  let rendered = new Map<string, string>();
  beforeAll(async () => {
    rendered = await renderDashboards(root);
  });

  it('are exactly the files the generator writes: none missing, none extra', () => {
    expect(shipped).toEqual([...rendered.keys()].sort());
    expect(shipped).toEqual([
      'dashboards/consumer-lag.json',
      'dashboards/topology-customers.json',
      'dashboards/topology-orders.json',
      'dashboards/topology-payments.json',
      'dashboards/topology-shipments.json',
      'dashboards/topology-tickets.json',
      'dashboards/worker-overview.json',
    ]);
  });

  it.each(shipped)('%s equals the generator output byte for byte', (file) => {
    expect(readFileSync(new URL(file, `file://${root}`), 'utf8')).toBe(rendered.get(file));
  });
});

interface Built {
  uid: string;
  title: string;
  panels: { id: number; type: string; title: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; allValue?: string }[] };
}

const topology: DashboardTopology = {
  name: 'payments',
  description: 'Payments per merchant.',
  source: { topic: 'payment-events', group: 'streamfold-payments' },
  outputs: { deadLetter: 'payment-events-dlt', aggregates: 'merchant.totals' },
  aggregates: [
    { name: 'merchant-totals', metrics: [] },
    {
      name: 'merchant-volume',
      metrics: [
        {
          name: 'streamfold_aggregate_updates_total',
          type: 'counter',
          help: 'Aggregate partials changed.',
          labelNames: ['topology', 'aggregate'],
        },
        {
          name: 'streamfold_aggregate_fold_seconds',
          type: 'histogram',
          help: 'Time to fold a batch into an aggregate.',
          labelNames: ['topology', 'aggregate'],
          buckets: [0.01, 0.1, 1],
        },
      ] satisfies MetricDefinition[],
    },
  ],
};
const built = topologyDashboard(topology) as unknown as Built;
const exprs = (title: string) =>
  built.panels.find((p) => p.title === title)?.targets?.map((t) => t.expr);

describe('topologyDashboard', () => {
  it('names the dashboard after the topology', () => {
    expect(built.uid).toBe('streamfold-topology-payments');
    expect(built.title).toBe('streamfold — topology payments');
  });

  it("lists as instances only the workers exporting the topology's group lag, and All means them", () => {
    const instance = built.templating.list.find((v) => v.name === 'instance');
    expect(instance).toMatchObject({
      query: {
        query:
          'label_values(streamfold_consumer_lag{job=~"$job", group="streamfold-payments"}, instance)',
      },
    });
    expect(instance?.allValue).toBeUndefined();
  });

  it('reads records produced on its own output topics, escaped as a regex', () => {
    expect(exprs('Records produced')).toEqual([
      'sum by (topic) (rate(streamfold_records_produced_total{job=~"$job", instance=~"$instance", topic=~"merchant\\\\.totals|payment-events-dlt"}[$__rate_interval]))',
    ]);
  });

  it('has no anomalies panel for a topology without an anomalies topic', () => {
    expect(built.panels.map((p) => p.title)).not.toContain('Anomalies');
    expect(built.panels.map((p) => p.title)).toContain('Dead letters');
  });

  it('reads the handoff histogram by its topology label', () => {
    expect(exprs('Partition handoff')?.[0]).toBe(
      'histogram_quantile(0.5, sum by (le) (rate(streamfold_partition_handoff_seconds_bucket{job=~"$job", instance=~"$instance", topology="payments"}[$__rate_interval])))',
    );
  });

  it('gives an aggregate with metrics a row and a panel per metric, by topology and aggregate', () => {
    const rows = built.panels.filter((p) => p.type === 'row').map((p) => [p.id, p.title]);
    expect(rows).toEqual([
      [1, 'Throughput'],
      [5, 'Dead letters'],
      [9, 'Lag and handoff'],
      [100, 'Aggregate merchant-volume'],
    ]);
    const labels =
      '{job=~"$job", instance=~"$instance", topology="payments", aggregate="merchant-volume"}';
    expect(exprs('aggregate_updates_total')).toEqual([
      `sum(rate(streamfold_aggregate_updates_total${labels}[$__rate_interval]))`,
    ]);
    expect(exprs('aggregate_fold_seconds')).toEqual(
      ['0.5', '0.95', '0.99'].map(
        (q) =>
          `histogram_quantile(${q}, sum by (le) (rate(streamfold_aggregate_fold_seconds_bucket${labels}[$__rate_interval])))`,
      ),
    );
    expect(built.panels.slice(-2).map((p) => p.id)).toEqual([101, 102]);
  });
});
