/**
 * docs/tutorial.md, "Write your own topology", run as written: the file it shows is the shipped
 * one, `validate` reports its example mistake as the page says, and the topology runs on the
 * real stack through simulate, run, query and reconcile.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, runCliJson } from '../helpers/cli.js';
import { ProgramScenario } from '../helpers/program-scenario.js';

const root = new URL('../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const tutorial = read('docs/tutorial.md');
const file = 'topologies/tickets.yaml';

/** The fenced blocks of one language in the page, in order. */
function blocks(language: string): string[] {
  const fence = new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g');
  return [...tutorial.matchAll(fence)].map((m) => m[1] ?? '');
}

describe('the tutorial', () => {
  let scenario: ProgramScenario | undefined;

  afterEach(async () => {
    await scenario?.cleanup();
    scenario = undefined;
  });

  it('shows the shipped topology file, and its example mistake as validate reports it', async () => {
    expect(blocks('yaml')[0]).toBe(read(file));
    const dir = mkdtempSync(path.join(tmpdir(), 'streamfold-tutorial-'));
    const bad = path.join(dir, 'tickets.yaml');
    const schema = fileURLToPath(new URL('topologies/schemas/', root));
    writeFileSync(
      bad,
      read(file)
        .replace('schema: schemas/', `schema: ${schema}`)
        .replace('to: resolved }', 'to: reslved }'),
    );
    const result = await runCli(['validate', bad]);
    expect(result.code).toBe(1);
    // Same lines and columns as the page; only the file's name differs.
    const unnamed = (line: string) => line.replace(/^[^:]*:/, '');
    const expected = (blocks('text')[0] ?? '').trim().split('\n').map(unnamed);
    expect(result.stdout.trim().split('\n').map(unnamed)).toEqual(expected);
  });

  it('runs as the page says: simulate, run, query, reconcile', async () => {
    const s = (scenario = new ProgramScenario(file));
    await s.createTopics();
    const simulate = blocks('sh')
      .join('\n')
      .split('\n')
      .find((line) => line.includes('streamfold simulate'));
    const args = (simulate ?? '').split(' ').slice(4);
    expect(args).toContain('--keys');
    const summary = await s.simulate(args);
    expect(summary.records).toBeGreaterThan(2000);
    const worker = s.startWorker();
    await s.waitDrained();

    const { json: backlog } = await runCliJson<{ groups: { team: string; open: number }[] }>(
      ['query', 'aggregate', s.file, 'backlog', '--json'],
      s.env,
    );
    expect(backlog.groups.map((g) => g.team).sort()).toEqual(['accounts', 'billing', 'shipping']);
    const { json: billing } = await runCliJson<{ groups: { team: string }[] }>(
      ['query', 'aggregate', s.file, 'resolutions', '--group', 'team=billing', '--json'],
      s.env,
    );
    expect(billing.groups.map((g) => g.team)).toEqual(['billing']);

    const { report } = await s.reconcile();
    expect(report).toMatchObject({ ok: true });
    const states = report.states as { expected: number; actual: number };
    expect(states.actual).toBe(states.expected);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
