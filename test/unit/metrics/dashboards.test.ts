import { readdirSync, readFileSync } from 'node:fs';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricDefinitions } from '../../../src/metrics/index.js';
import { calls, metricNames, rangeOf } from './promql.js';

// A renamed metric must fail here rather than leave an empty panel or a silent alert
// (STYLE.md item 11).

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

interface Target {
  expr?: string;
  datasource?: unknown;
}
interface Panel {
  type: string;
  title?: string;
  description?: string;
  datasource?: unknown;
  fieldConfig?: { defaults?: { unit?: string } };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: unknown;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}
interface RuleFile {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

const fixedDashboards: Readonly<Record<string, { uid: string; title: string }>> = {
  'dashboards/worker-overview.json': {
    uid: 'streamfold-worker-overview',
    title: 'streamfold — worker overview',
  },
  'dashboards/consumer-lag.json': {
    uid: 'streamfold-consumer-lag',
    title: 'streamfold — consumer lag',
  },
};

/** Every file in dashboards/ with the uid and title it must have; a file of no known kind fails. */
const dashboards: Record<string, { uid: string; title: string } | undefined> = Object.fromEntries(
  readdirSync(new URL('dashboards/', root))
    .filter((name) => name.endsWith('.json'))
    .map((name) => {
      const path = `dashboards/${name}`;
      const topology = /^topology-(.+)\.json$/.exec(name)?.[1];
      const expected = topology
        ? { uid: `streamfold-topology-${topology}`, title: `streamfold — topology ${topology}` }
        : fixedDashboards[path];
      return [path, expected];
    }),
);

const loaded = Object.keys(dashboards)
  .sort()
  .map((path) => ({
    path,
    dashboard: JSON.parse(read(path)) as Dashboard,
  }));
const rules = parse(read('stack/prometheus/rules/streamfold.yml')) as RuleFile;
const ruleExprs = rules.groups.flatMap((g) => g.rules.map((r) => r.expr));

const datasourceRef = { type: 'prometheus', uid: '${datasource}' };
/** Rows group panels; they draw no data, so they carry no query, unit or datasource. */
const dataPanels = (d: Dashboard): Panel[] =>
  d.panels.flatMap((p) => (p.type === 'row' ? (p.panels ?? []) : [p]));
const panelExprs = (d: Dashboard): string[] =>
  dataPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
const variableQuery = (v: Variable): string =>
  typeof v.query === 'string' ? v.query : (v.query?.query ?? '');
const queryVariables = (d: Dashboard): Variable[] =>
  d.templating.list.filter((v) => v.type === 'query');

/** Names Prometheus or prom-client export besides the catalogue. */
async function externalNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const defaults = (await registry.getMetricsAsJSON()).map((m) => m.name);
  return new Set(['up', ...defaults]);
}

const histogramSuffix = /_(bucket|sum|count)$/;
function baseName(name: string, known: ReadonlySet<string>): string {
  const base = name.replace(histogramSuffix, '');
  return base !== name && known.has(base) ? base : name;
}

describe('dashboards/', () => {
  it('holds the worker overview, the consumer lag and the topology dashboards', () => {
    expect(Object.keys(dashboards).sort()).toEqual(
      expect.arrayContaining(Object.keys(fixedDashboards).sort()),
    );
    expect(Object.keys(dashboards).filter((p) => p.includes('/topology-')).length).toBeGreaterThan(
      0,
    );
  });
});

describe.each(loaded)('$path', ({ path, dashboard }) => {
  const expected = dashboards[path];

  it('has its fixed uid and title and a current schema', () => {
    expect(expected, `${path} is a known dashboard`).toBeDefined();
    expect(dashboard.uid).toBe(expected?.uid);
    expect(dashboard.title).toBe(expected?.title);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39);
  });

  it('offers a Prometheus datasource variable and job, instance, topic variables', () => {
    const variables = Object.fromEntries(dashboard.templating.list.map((v) => [v.name, v]));
    expect(variables.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['job', 'instance', 'topic']) {
      expect(variables[name], name).toMatchObject({ type: 'query', datasource: datasourceRef });
      expect(variableQuery(variables[name]!)).toMatch(/^label_values\(/);
    }
  });

  it('gives every panel a unit, a description and the datasource variable', () => {
    const panels = dataPanels(dashboard);
    expect(panels.length).toBeGreaterThan(5);
    for (const panel of panels) {
      const name = panel.title ?? '(untitled)';
      expect(panel.fieldConfig?.defaults?.unit, name).toMatch(/\S/);
      expect(panel.description, name).toMatch(/\S{3}/);
      expect(panel.datasource, name).toEqual(datasourceRef);
      expect(panel.targets?.length, name).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.datasource, name).toEqual(datasourceRef);
        expect(target.expr, name).toMatch(/\S/);
      }
    }
  });

  it('takes every rate() and increase() over $__rate_interval', () => {
    const exprs = panelExprs(dashboard);
    const rated = exprs.flatMap((e) => calls(e, ['rate', 'irate', 'increase']));
    expect(rated.length).toBeGreaterThan(0);
    expect(rated.filter(({ args }) => rangeOf(args) !== '$__rate_interval')).toEqual([]);
    // Any other range too: a fixed window breaks at both short and long zoom levels.
    const ranges = exprs.flatMap((e) => [...e.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1]));
    expect(ranges.filter((r) => r !== '$__rate_interval')).toEqual([]);
  });

  it('filters every query by the job and instance variables', () => {
    for (const expr of panelExprs(dashboard)) {
      expect(expr).toContain('job=~"$job"');
      expect(expr).toContain('instance=~"$instance"');
    }
  });
});

describe('consumer lag dashboard', () => {
  it('has a partition variable over a catalogue metric', () => {
    const lag = loaded.find((d) => d.dashboard.uid === 'streamfold-consumer-lag')!.dashboard;
    const partition = lag.templating.list.find((v) => v.name === 'partition');
    expect(partition).toMatchObject({ type: 'query', datasource: datasourceRef });
    expect(variableQuery(partition!)).toMatch(/^label_values\(streamfold_\w+\{.*\}, partition\)$/);
  });
});

describe('dashboards and alert rules against the metric catalogue', () => {
  const catalogue = new Set<string>(metricDefinitions.map((d) => d.name));
  const dashboardExprs = loaded.flatMap(({ dashboard }) => [
    ...panelExprs(dashboard),
    ...queryVariables(dashboard).map(variableQuery),
  ]);

  it('references only metrics that exist', async () => {
    const external = await externalNames();
    const known = new Set([...catalogue, ...external]);
    const referenced = [...dashboardExprs, ...ruleExprs].flatMap(metricNames);
    expect(referenced.length).toBeGreaterThan(20);
    const unknown = referenced.map((n) => baseName(n, known)).filter((n) => !known.has(n));
    expect([...new Set(unknown)]).toEqual([]);
  });

  it('reads histograms only through their _bucket, _sum or _count series', () => {
    const histograms = new Set<string>(
      metricDefinitions.filter((d) => d.type === 'histogram').map((d) => d.name),
    );
    const bare = [...dashboardExprs, ...ruleExprs]
      .flatMap(metricNames)
      .filter((n) => histograms.has(n));
    expect(bare).toEqual([]);
  });

  it('shows or alerts on every catalogue metric', () => {
    const referenced = new Set(
      [...dashboardExprs, ...ruleExprs].flatMap(metricNames).map((n) => baseName(n, catalogue)),
    );
    expect([...catalogue].filter((name) => !referenced.has(name))).toEqual([]);
  });
});
