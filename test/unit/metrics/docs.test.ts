import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { metricDefinitions, type MetricDefinition } from '../../../src/metrics/index.js';

// docs/metrics.md is written by hand and compared here, never generated: a catalogue change
// that does not update the docs fails, and so does a docs edit the catalogue does not match.

const root = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const doc = read('docs/metrics.md');

/** The rows of the first table under a `## heading`, each as trimmed cells. */
function table(heading: string): string[][] {
  const start = doc.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/metrics.md has no "## ${heading}" section`);
  const end = doc.indexOf('\n## ', start + 1);
  const lines = doc
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .map((l) => l.trim());
  const first = lines.findIndex((l) => l.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  }
  // Header and separator rows.
  return rows.slice(2);
}

const code = (s: string): string => `\`${s}\``;

function expectedRow(def: MetricDefinition): string[] {
  return [
    code(def.name),
    def.type,
    def.labelNames.length > 0 ? def.labelNames.map(code).join(', ') : '—',
    def.help,
    def.buckets ? def.buckets.join(', ') : '—',
  ];
}

describe('docs/metrics.md', () => {
  it('lists exactly the catalogue, in its order, with its types, labels, help and buckets', () => {
    expect(table('Catalogue')).toEqual(metricDefinitions.map(expectedRow));
  });

  it('lists exactly the alert rules', () => {
    const rules = parse(read('stack/prometheus/rules/streamfold.yml')) as {
      groups: { rules: { alert?: string; labels?: { severity?: string } }[] }[];
    };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert !== undefined);
    expect(table('Alerts').map(([name, severity]) => [name, severity])).toEqual(
      alerts.map((r) => [code(r.alert ?? ''), r.labels?.severity]),
    );
  });

  it('names every dashboard by title and uid: the two fixed ones, then one per topology', () => {
    const topologies = readdirSync(new URL('dashboards/', root))
      .filter((name) => /^topology-.+\.json$/.test(name))
      .map((name) => name.replace(/\.json$/, ''))
      .sort();
    const dashboards = ['worker-overview', 'consumer-lag', ...topologies].map(
      (name) => JSON.parse(read(`dashboards/${name}.json`)) as { title: string; uid: string },
    );
    expect(table('Dashboards').map(([title, uid]) => [title, uid])).toEqual(
      dashboards.map((d) => [d.title, code(d.uid)]),
    );
  });
});
