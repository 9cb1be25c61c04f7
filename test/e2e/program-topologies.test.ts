/**
 * The topologies of other domains, written in the language, on the real stack: each runs under
 * `simulate` with duplicates, malformed and invalid events and impossible transitions, a worker
 * is killed with SIGKILL mid-batch twice, and `reconcile` is exact against the independent
 * interpreter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { GroupPartial, JsonValue } from '../../src/pipeline/program/index.js';
import { stateJson } from '../../src/reconcile/interpreter/index.js';
import { loadLanguageTopology } from '../../src/topology/index.js';
import { runCliJson } from '../helpers/cli.js';
import { interpretTopic } from '../helpers/interpreted-topic.js';
import { ProgramScenario } from '../helpers/program-scenario.js';

/** Every `step`-th of the sorted values: a sample that is the same on every run. */
function sample<T>(values: readonly T[], count: number): T[] {
  const step = Math.max(1, Math.floor(values.length / count));
  return values.filter((_, i) => i % step === 0).slice(0, count);
}

/** A merged partial as a query shows its metrics: distinct as a count, last as its value. */
function metricViews(partial: GroupPartial): Record<string, JsonValue> {
  return Object.fromEntries(
    Object.entries(partial).map(([name, value]) => {
      if (Array.isArray(value)) return [name, value.length];
      if (value !== null && typeof value === 'object' && 'time' in value)
        return [name, value.value];
      return [name, value];
    }),
  );
}

const topologies = ['topologies/payments.yaml', 'topologies/shipments.yaml'];

describe.each(topologies)('%s under faults', (file) => {
  let scenario: ProgramScenario | undefined;

  afterEach(async () => {
    await scenario?.cleanup();
    scenario = undefined;
  });

  it('is reconciled exactly after two kills mid-batch', async () => {
    const s = (scenario = new ProgramScenario(file));
    await s.createTopics();
    let seed = 7;
    const addLoad = () =>
      s.simulate([
        '--keys',
        '1500',
        '--seed',
        String(seed++),
        '--duplicates',
        '0.02',
        '--malformed',
        '0.01',
        '--invalid',
        '0.01',
        '--invalid-transitions',
        '0.02',
      ]);
    const workerArgs = ['--max-batch', '100'];
    for (const point of ['after-commit-script', 'before-kafka-commit']) {
      await addLoad();
      const worker = s.startWorker(
        { STREAMFOLD_CRASH_AT: point, STREAMFOLD_CRASH_AFTER: '3' },
        workerArgs,
      );
      expect((await worker.exited).signal).toBe('SIGKILL');
    }
    await addLoad();
    const survivor = s.startWorker({}, workerArgs);
    await s.waitDrained();
    const { report } = await s.reconcile();
    expect(report).toMatchObject({ ok: true });
    const input = report.input as { records: number; duplicates: number; invalid: number };
    expect(input.duplicates).toBeGreaterThan(0);
    expect(input.invalid).toBeGreaterThan(0);

    // Queries answer what the independent interpreter computes, for sampled keys and groups.
    const topology = loadLanguageTopology(s.file);
    const expected = await interpretTopic(topology);
    const keys = sample([...expected.states.keys()].sort(), 12);
    expect(keys.length).toBeGreaterThan(5);
    for (const key of keys) {
      const { json } = await runCliJson(['query', 'state', s.file, key, '--json'], s.env);
      const state = expected.states.get(key);
      if (state === undefined) throw new Error(`no state for ${key}`);
      const want = stateJson(topology.program, state);
      delete want.eventIds;
      expect(json).toEqual(want);
    }
    for (const aggregate of topology.program.aggregates) {
      const groups = [
        ...(expected.aggregates.get(aggregate.name) ?? new Map<string, GroupPartial>()),
      ];
      for (const [group, partial] of sample(
        groups.sort(([a], [b]) => (a < b ? -1 : 1)),
        5,
      )) {
        const values: string[] =
          aggregate.groupBy.length === 1 ? [group] : (JSON.parse(group) as string[]);
        const filter = aggregate.groupBy.flatMap((g, i) => ['--group', `${g.name}=${values[i]}`]);
        const { json } = await runCliJson<{ groups: Record<string, JsonValue>[] }>(
          ['query', 'aggregate', s.file, aggregate.name, ...filter, '--json'],
          s.env,
        );
        expect(json.groups).toHaveLength(1);
        const row = json.groups[0] ?? {};
        const metrics = Object.fromEntries(
          aggregate.metrics.map((m) => [m.name, row[m.name] ?? null]),
        );
        expect(metrics).toEqual(metricViews(partial));
      }
    }
    expect(await survivor.stop()).toEqual({ code: 0, signal: null });
  });
});
