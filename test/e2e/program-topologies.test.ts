/**
 * The topologies of other domains, written in the language, on the real stack: each runs under
 * `simulate` with duplicates, malformed and invalid events and impossible transitions, a worker
 * is killed with SIGKILL mid-batch twice, and `reconcile` is exact against the independent
 * interpreter.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProgramScenario } from '../helpers/program-scenario.js';

const topologies = ['topologies/next/payments.yaml', 'topologies/next/shipments.yaml'];

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
    expect(await survivor.stop()).toEqual({ code: 0, signal: null });
  });
});
