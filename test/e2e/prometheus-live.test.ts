import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricDefinitions } from '../../src/metrics/index.js';
import { eventually } from '../helpers/env.js';
import { dashboardTopology } from '../../scripts/dashboards/dashboard-topology.js';
import { topologyDashboard } from '../../scripts/dashboards/topology-dashboard.js';
import { loadAnyTopology } from '../../src/topology/index.js';
import {
  dataPanels,
  interpolate,
  loadDashboard,
  resolveVariables,
  variableQuery,
  type Dashboard,
  type ResolvedVariable,
  type SelectionMode,
} from '../helpers/grafana-dashboard.js';
import { PrometheusServer, type Sample } from '../helpers/prometheus-server.js';
import { Scenario } from '../helpers/scenario.js';
import type { WorkerProcess } from '../helpers/worker-process.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';
import { metricNames } from '../unit/metrics/promql.js';

// docs/metrics.md (Dashboards): a real Prometheus scrapes real workers and every dashboard query
// returns data. Grafana is not started: the dashboards' variable and panel queries are sent to
// Prometheus's HTTP API the way Grafana's Prometheus datasource sends them.

const root = new URL('../../', import.meta.url);
const rulesFile = fileURLToPath(new URL('stack/prometheus/rules/streamfold.yml', root));
const dashboardFiles = ['dashboards/worker-overview.json', 'dashboards/consumer-lag.json'];
// The shipped dashboards/topology-<name>.json pin the names of topologies/<name>.yaml (its group,
// its output topics), which no test worker uses: the topology dashboards are checked as the
// generator draws them for the test's own topologies, by the function that wrote the shipped
// ones (test/unit/dashboards/generated.test.ts holds those equal to its output).
const JOB = 'streamfold';
const PARTITIONS = 6;
const workerArgs = ['--max-batch', '100'];
// Rounds of fresh orders (a new seed each) keep records flowing until the checks are done.
const simulateArgs = [
  '--orders',
  '300',
  '--malformed',
  '0.02',
  '--duplicates',
  '0.01',
  '--invalid-transitions',
  '0.01',
];
/** Alerts that would be wrong with two healthy workers sharing the partitions. */
const mustNotFire = ['StreamfoldWorkerDown', 'StreamfoldNoPartitionsAssigned'];

interface RuleFile {
  groups: { rules: { alert?: string; record?: string; expr: string }[] }[];
}

const byInstance = (samples: Sample[]): Map<string, number> =>
  new Map(samples.map((s) => [s.metric.instance ?? '', Number(s.value[1])]));

describe('a real Prometheus scraping streamfold workers', () => {
  let scenario: Scenario;
  let prometheus: PrometheusServer | undefined;
  let targets: string[] = [];
  let producing = false;
  let load: Promise<unknown> | undefined;

  beforeEach(async () => {
    scenario = new Scenario(PARTITIONS);
    targets = [];
    await scenario.createTopics();
  });

  afterEach(async () => {
    producing = false;
    // The last round must finish before its topic is deleted under it.
    await load;
    load = undefined;
    await prometheus?.stop();
    prometheus = undefined;
    await scenario.cleanup();
  });

  async function startPrometheus(): Promise<PrometheusServer> {
    prometheus = await PrometheusServer.start({ job: JOB, ruleFiles: [rulesFile] });
    return prometheus;
  }

  /** Adds a worker to the job's targets; returns its `instance` label. */
  async function scrape(
    prom: PrometheusServer,
    worker: WorkerProcess,
    dir = scenario.dir,
  ): Promise<string> {
    const { host } = await workerHttpUrl(dir, worker.pid ?? -1);
    targets.push(host);
    prom.setTargets(targets);
    return host;
  }

  /** Simulates rounds of fresh orders until the test ends; the error of a failed round, if any. */
  function keepProducing(): { error: () => unknown } {
    let failure: unknown;
    producing = true;
    load = (async () => {
      for (let seed = 1; producing; seed++) {
        await scenario.simulate([...simulateArgs, '--seed', String(seed)]);
      }
    })().catch((error: unknown) => {
      failure = error;
    });
    return { error: () => failure };
  }

  it('resolves every dashboard variable, returns data for every panel query and loads every alert rule', async () => {
    const prom = await startPrometheus();
    const instant = (expr: string) => prom.vector(expr);

    const first = scenario.startWorker({}, workerArgs);
    const firstInstance = await scrape(prom, first);
    const producer = keepProducing();

    await eventually(
      'Prometheus to see the first worker apply records',
      async () => {
        const processed = byInstance(
          await instant(
            `sum by (instance) (streamfold_records_processed_total{job="${JOB}", result="applied"})`,
          ),
        );
        return (processed.get(firstInstance) ?? 0) > 0 ? true : undefined;
      },
      60_000,
      250,
    );

    // The rebalance: a second worker joins the group mid-run and takes some partitions over.
    const second = scenario.startWorker({}, workerArgs);
    const secondInstance = await scrape(prom, second);
    const instances = [firstInstance, secondInstance].sort();

    await eventually(
      'both targets up in Prometheus',
      async () => {
        const up = byInstance(await instant(`up{job="${JOB}"}`));
        return instances.every((i) => up.get(i) === 1) && up.size === 2 ? true : undefined;
      },
      30_000,
      250,
    );
    await eventually(
      'the partitions to move: both workers own some, the first saw a revoke',
      async () => {
        const owned = byInstance(
          await instant(`sum by (instance) (streamfold_assigned_partitions{job="${JOB}"})`),
        );
        const revokes = byInstance(
          await instant(
            `sum by (instance) (streamfold_rebalances_total{job="${JOB}", type="revoke"})`,
          ),
        );
        const total = [...owned.values()].reduce((a, b) => a + b, 0);
        return instances.every((i) => (owned.get(i) ?? 0) > 0) &&
          total === PARTITIONS &&
          (revokes.get(firstInstance) ?? 0) > 0
          ? true
          : undefined;
      },
      90_000,
      250,
    );
    await eventually(
      'both workers to apply records, seen by Prometheus',
      async () => {
        const processed = byInstance(
          await instant(
            `sum by (instance) (streamfold_records_processed_total{job="${JOB}", result="applied"})`,
          ),
        );
        return instances.every((i) => (processed.get(i) ?? 0) > 0) ? true : undefined;
      },
      60_000,
      250,
    );
    await eventually(
      'every source partition exported by exactly one owner',
      async () => {
        const owners = await instant(
          `count by (partition) (streamfold_applied_offset{job="${JOB}", topic="${scenario.topics.source}"})`,
        );
        return owners.length === PARTITIONS && owners.every((s) => s.value[1] === '1')
          ? true
          : undefined;
      },
      30_000,
      250,
    );
    // rate(), increase() and deriv() need two samples of a series inside their window.
    await eventually(
      'two scrapes of each worker inside the rate window',
      async () => {
        const scrapes = byInstance(await instant(`count_over_time(up{job="${JOB}"}[1m])`));
        return instances.every((i) => (scrapes.get(i) ?? 0) >= 2) ? true : undefined;
      },
      30_000,
      250,
    );
    // A histogram with no observation has buckets but nothing for a quantile to work on.
    const histograms = metricDefinitions.filter((d) => d.type === 'histogram').map((d) => d.name);
    await eventually(
      'an observation in every histogram',
      async () => {
        for (const name of histograms) {
          const [count] = await instant(`sum(${name}_count{job="${JOB}"})`);
          if (!count || Number(count.value[1]) <= 0) return undefined;
        }
        return true;
      },
      30_000,
      250,
    );

    const rules = parse(readFileSync(rulesFile, 'utf8')) as RuleFile;
    const alertNames = rules.groups.flatMap((g) => g.rules.flatMap((r) => r.alert ?? []));
    expect(alertNames).toEqual(expect.arrayContaining(mustNotFire));
    // A rule's health is "unknown" until its first evaluation; "err" means its query fails.
    const loaded = await eventually(
      'every alert rule evaluated once',
      async () => {
        const states = await prom.rules();
        return alertNames.every((n) => states.some((r) => r.name === n && r.health !== 'unknown'))
          ? states
          : undefined;
      },
      30_000,
      250,
    );
    for (const name of alertNames) {
      const rule = loaded.find((r) => r.name === name && r.type === 'alerting');
      expect(rule, `alert ${name} is not loaded`).toBeDefined();
      expect(rule?.health, `alert ${name}: ${rule?.lastError ?? ''}`).toBe('ok');
    }
    // Pending (not yet firing) alerts of these are only transient while a worker joins.
    const active = await eventually(
      `none of ${mustNotFire.join(', ')} active`,
      async () => {
        const alerts = await prom.alerts();
        const bad = alerts.filter((a) => mustNotFire.includes(a.labels.alertname ?? ''));
        return bad.length === 0 ? alerts : undefined;
      },
      30_000,
      250,
    );
    expect(
      active.filter((a) => a.state === 'firing' && mustNotFire.includes(a.labels.alertname ?? '')),
    ).toEqual([]);

    const checked: string[] = [];
    const summary: string[] = [];
    for (const file of dashboardFiles) {
      const dashboard = loadDashboard(new URL(file, root));
      for (const mode of ['saved', 'every-value'] as const satisfies readonly SelectionMode[]) {
        const where = `${dashboard.title} (${file}, ${mode} selection)`;
        const variables = await resolveVariables(dashboard, prom, mode);
        expectResolved(variables, where);
        // Instances were chosen by the test; nothing else may show up in the dropdown.
        expect(variables.get('instance')?.options.sort(), where).toEqual(instances);
        const queries = await queryEveryPanel(prom, dashboard, variables, where);
        checked.push(...queries);
        summary.push(`${file} (${mode} selection): ${queries.length} queries`);
      }
    }
    const queryCount = dashboardFiles
      .map((f) => targetCount(loadDashboard(new URL(f, root))))
      .reduce((a, b) => a + b, 0);
    expect(checked).toHaveLength(queryCount * 2);
    console.info(`panel queries checked: ${checked.length}\n  ${summary.join('\n  ')}`);

    expect(producer.error()).toBeUndefined();
    expect(first.running && second.running, 'both workers still running').toBe(true);
  });

  it("returns data for every panel of each topology's dashboard, two topologies on one source", async () => {
    const prom = await startPrometheus();
    const customers = scenario.sibling({
      name: 'customers',
      aggregates: ['customer-value'],
      aggregatesOnly: true,
    });
    await customers.createTopics();
    const topologies = [
      { scenario, worker: scenario.startWorker({}, workerArgs) },
      { scenario: customers, worker: customers.startWorker({}, workerArgs) },
    ];
    const runs = await Promise.all(
      topologies.map(async (t) => ({
        ...t,
        instance: await scrape(prom, t.worker, t.scenario.dir),
        topology: loadAnyTopology(t.scenario.file),
      })),
    );
    const producer = keepProducing();

    for (const run of runs) {
      const { group } = run.topology.topology.source;
      await eventually(
        `${run.topology.topology.name}: its worker exports the lag of every partition for ${group}`,
        async () => {
          const [count] = await prom.vector(
            `count(streamfold_consumer_lag{job="${JOB}", instance="${run.instance}", group="${group}"})`,
          );
          return count?.value[1] === String(PARTITIONS) ? true : undefined;
        },
        60_000,
        250,
      );
      await eventually(
        `${run.topology.topology.name}: a partition handoff observed and records applied`,
        async () => {
          const [handoffs] = await prom.vector(
            `sum(streamfold_partition_handoff_seconds_count{job="${JOB}", topology="${run.topology.topology.name}"})`,
          );
          const [applied] = await prom.vector(
            `sum(streamfold_records_processed_total{job="${JOB}", instance="${run.instance}", result="applied"})`,
          );
          return Number(handoffs?.value[1] ?? 0) > 0 && Number(applied?.value[1] ?? 0) > 0
            ? true
            : undefined;
        },
        60_000,
        250,
      );
    }
    // rate(), increase() and deriv() need two samples of a series inside their window.
    await eventually(
      'two scrapes of each worker inside the rate window',
      async () => {
        const scrapes = byInstance(await prom.vector(`count_over_time(up{job="${JOB}"}[1m])`));
        return runs.every((r) => (scrapes.get(r.instance) ?? 0) >= 2) ? true : undefined;
      },
      30_000,
      250,
    );

    const summary: string[] = [];
    for (const run of runs) {
      const dashboard = topologyDashboard(dashboardTopology(run.topology)) as unknown as Dashboard;
      expect(dashboard.uid).toBe(`streamfold-topology-${run.topology.topology.name}`);
      let checked = 0;
      for (const mode of ['saved', 'every-value'] as const satisfies readonly SelectionMode[]) {
        const where = `${dashboard.title} (generated for ${run.scenario.file}, ${mode} selection)`;
        const variables = await resolveVariables(dashboard, prom, mode);
        expectResolved(variables, where);
        // Its own worker only: the other topology's worker reads the same source topic.
        expect(variables.get('instance')?.options, where).toEqual([run.instance]);
        checked += (await queryEveryPanel(prom, dashboard, variables, where)).length;
      }
      expect(checked).toBe(targetCount(dashboard) * 2);
      summary.push(`${dashboard.uid}: ${checked} queries`);
    }
    console.info(`topology panel queries checked:\n  ${summary.join('\n  ')}`);

    expect(producer.error()).toBeUndefined();
    expect(
      runs.every((r) => r.worker.running),
      'both workers still running',
    ).toBe(true);
  });

  // The dead-letter counter must carry the source topic (docs/metrics.md): the dashboards'
  // $topic lists source topics, and StreamfoldDeadLetterRate divides by records consumed per
  // topic. Counted under the dead-letter topic instead, both stay at zero on a bad stream.
  it('counts dead letters under their source topic, where the dashboard and the alert look', async () => {
    const prom = await startPrometheus();
    const worker = scenario.startWorker({}, workerArgs);
    const instance = await scrape(prom, worker);
    // Scraped once before any record, so rate() sees the counters start from their zeros.
    await eventually(
      'the worker to be scraped',
      async () => {
        const up = byInstance(await prom.vector(`up{job="${JOB}"}`));
        return up.get(instance) === 1 ? true : undefined;
      },
      30_000,
      250,
    );
    const sim = (await scenario.simulate([
      '--orders',
      '1000',
      '--seed',
      '4',
      '--malformed',
      '0.02',
    ])) as { records: number; kinds: { malformed: number } };
    const source = scenario.topics.source;
    const malformed = sim.kinds.malformed;
    // Well above the alert's 1% threshold, so the rule's condition must hold below.
    expect(malformed / sim.records).toBeGreaterThan(0.015);

    const failed = await eventually(
      'Prometheus to count every malformed record as failed',
      async () => {
        const [sum] = await prom.vector(
          `sum(streamfold_records_failed_total{job="${JOB}", topic="${source}"})`,
        );
        const count = Number(sum?.value[1] ?? 0);
        return count >= malformed ? count : undefined;
      },
      120_000,
      250,
    );
    expect(failed, 'records failed: once per malformed record').toBe(malformed);
    const deadLettered = await prom.vector(
      `sum by (topic) (streamfold_dead_letters_total{job="${JOB}"}) > 0`,
    );
    const byTopic = Object.fromEntries(
      deadLettered.map((s) => [s.metric.topic ?? '', Number(s.value[1])]),
    );
    expect
      .soft(byTopic, 'streamfold_dead_letters_total by topic: the source topic only')
      .toEqual({ [source]: malformed });

    const dashboard = loadDashboard(new URL('dashboards/worker-overview.json', root));
    const panel = dataPanels(dashboard).find((p) => p.title === 'Dead letters by error class');
    const expr = panel?.targets?.[0]?.expr;
    expect(expr, 'worker overview has a "Dead letters by error class" panel').toBeDefined();
    const variables = await resolveVariables(dashboard, prom, 'every-value');
    const shown = interpolate(`sum(${expr ?? ''})`, variables);
    const [rate] = await prom.vector(shown);
    expect
      .soft(
        Number(rate?.value[1] ?? 0),
        `${dashboard.title}: panel "${panel?.title}" with $topic=${source}: ${shown}`,
      )
      .toBeGreaterThan(0);

    const rules = parse(readFileSync(rulesFile, 'utf8')) as RuleFile;
    const rule = rules.groups
      .flatMap((g) => g.rules)
      .find((r) => r.alert === 'StreamfoldDeadLetterRate');
    expect(rule?.expr, 'StreamfoldDeadLetterRate is defined').toBeDefined();
    expect
      .soft(
        await prom.vector(rule?.expr ?? ''),
        `StreamfoldDeadLetterRate's condition on ${((100 * malformed) / sim.records).toFixed(1)}% dead-lettered records: ${rule?.expr ?? ''}`,
      )
      .not.toEqual([]);
  });
});

/** Every query variable of a dashboard resolved to at least one value. */
function expectResolved(variables: ReadonlyMap<string, ResolvedVariable>, where: string): void {
  for (const [name, resolved] of variables) {
    if (resolved.variable.type !== 'query') continue;
    expect(
      resolved.options.length,
      `${where}: variable $${name} resolved to no value; ${variableQuery(resolved.variable)} ran as ${resolved.query}`,
    ).toBeGreaterThan(0);
  }
}

/**
 * Runs every panel query of a dashboard with its variables substituted; a query with no series
 * is a soft failure naming the panel. Returns one line per query run.
 */
async function queryEveryPanel(
  prom: PrometheusServer,
  dashboard: Dashboard,
  variables: ReadonlyMap<string, ResolvedVariable>,
  where: string,
): Promise<string[]> {
  const checked: string[] = [];
  for (const panel of dataPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      if (target.hide || !target.expr) continue;
      const label = `${where}: panel "${panel.title ?? '(untitled)'}" ${target.refId ?? ''}`;
      let expr = target.expr;
      let series = 0;
      let problem = '';
      try {
        expr = interpolate(target.expr, variables);
        const data = await prom.query(expr);
        series = data.resultType === 'scalar' ? 1 : data.result.length;
      } catch (error) {
        problem = ` (${error instanceof Error ? error.message : String(error)})`;
      }
      if (series === 0 && problem === '') problem = await missingSeries(prom, expr);
      expect.soft(series, `${label}: ${expr} returned no series${problem}`).toBeGreaterThan(0);
      checked.push(`${label}: ${series} series`);
    }
  }
  return checked;
}

/** Queries of a dashboard's panels that Grafana runs (hidden and empty targets are not). */
const targetCount = (dashboard: Dashboard): number =>
  dataPanels(dashboard)
    .flatMap((p) => p.targets ?? [])
    .filter((t) => !t.hide && t.expr).length;

/** For an empty result: which metric the expression reads has no series at all for the job. */
async function missingSeries(prom: PrometheusServer, expr: string): Promise<string> {
  const counts = await Promise.all(
    [...new Set(metricNames(expr))].map(async (name) => {
      const [count] = await prom.vector(`count(${name}{job="${JOB}"})`);
      return `${name}: ${count?.value[1] ?? 0} series`;
    }),
  );
  return counts.length > 0 ? ` [${counts.join(', ')}]` : '';
}
