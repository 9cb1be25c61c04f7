import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// promtool is installed by `make setup` (Debian's prometheus package), like the stack itself.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const read = (path: string): string => readFileSync(`${root}/${path}`, 'utf8');

const configs = ['stack/prometheus/prometheus.yml', 'stack/prometheus/prometheus.docker.yml'];
const rulesDir = 'stack/prometheus/rules';
const rulesFile = `${rulesDir}/streamfold.yml`;
const testsFile = `${rulesDir}/streamfold.test.yml`;

function promtool(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

interface PrometheusConfig {
  global?: { scrape_interval?: string };
  rule_files?: string[];
  scrape_configs?: { job_name: string; static_configs?: { targets: string[] }[] }[];
}
interface Rule {
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTests {
  rule_files: string[];
  tests: { name: string; alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[];
}

const alerts = (parse(read(rulesFile)) as { groups: { rules: Rule[] }[] }).groups.flatMap(
  (g) => g.rules,
);

describe('Prometheus configuration', () => {
  it.each(configs)('promtool check config %s', (config) => {
    const { status, output } = promtool('check', 'config', config);
    expect(status, output).toBe(0);
  });

  it('scrapes the worker every second as job streamfold: loopback locally, worker:9464 in Docker', () => {
    const [local, docker] = configs.map((c) => parse(read(c)) as PrometheusConfig);
    const targets = (c: PrometheusConfig | undefined): string[] | undefined =>
      c?.scrape_configs
        ?.find((s) => s.job_name === 'streamfold')
        ?.static_configs?.flatMap((s) => s.targets);
    expect(local?.global?.scrape_interval).toBe('1s');
    expect(targets(local)).toEqual(['127.0.0.1:9464']);
    expect(targets(docker)).toEqual(['worker:9464']);
    // Otherwise the two are the same file.
    const withoutTargets = (c: PrometheusConfig | undefined): unknown =>
      JSON.parse(JSON.stringify(c).replaceAll('"worker:9464"', '"127.0.0.1:9464"'));
    expect(withoutTargets(docker)).toEqual(withoutTargets(local));
  });

  it('loads every rule file in rules/, and no promtool test file', () => {
    const listed = (parse(read(configs[0]!)) as PrometheusConfig).rule_files ?? [];
    const ruleFiles = readdirSync(`${root}/${rulesDir}`)
      .filter((f) => /\.ya?ml$/.test(f) && !/\.test\.ya?ml$/.test(f))
      .map((f) => `rules/${f}`);
    expect([...listed].sort()).toEqual(ruleFiles.sort());
  });
});

describe('alert rules', () => {
  it('promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', rulesFile);
    expect(status, output).toBe(0);
  });

  it('promtool test rules', () => {
    const { status, output } = promtool('test', 'rules', testsFile);
    expect(status, output).toBe(0);
  });

  it('defines the alerts the runbook expects', () => {
    expect(alerts.map((r) => r.alert).sort()).toEqual(
      [
        'StreamfoldWorkerDown',
        'StreamfoldLagSecondsHigh',
        'StreamfoldLagGrowing',
        'StreamfoldPartitionStalled',
        'StreamfoldDeadLetterRate',
        'StreamfoldCommitFailures',
        'StreamfoldRebalanceStorm',
        'StreamfoldNoPartitionsAssigned',
      ].sort(),
    );
  });

  it('gives every alert a for:, a severity, a summary and a description', () => {
    for (const rule of alerts) {
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toMatch(/\S/);
      expect(rule.annotations?.description, rule.alert).toMatch(/\S/);
    }
  });

  it('tests every alert both firing and not firing', () => {
    const suite = parse(read(testsFile)) as RuleTests;
    const cases = suite.tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} fires`,
      ).toBe(true);
      expect(
        mine.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} stays quiet`,
      ).toBe(true);
    }
  });
});
