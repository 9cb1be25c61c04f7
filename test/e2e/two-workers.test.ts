import { describe, expect, it } from 'vitest';
import { eventually } from '../helpers/env.js';
import { scenarioPerTest } from '../helpers/scenario.js';

describe('two workers in one group', () => {
  const scenario = scenarioPerTest(6);

  it.each(['SIGTERM', 'SIGKILL'] as const)(
    'one stopped mid-run with %s: the other takes over and the result is exact',
    async (signal) => {
      await scenario().simulate([
        '--orders',
        '15000',
        '--seed',
        '11',
        '--duplicates',
        '0.01',
        '--malformed',
        '0.01',
      ]);
      const a = scenario().startWorker({}, ['--max-batch', '100']);
      const b = scenario().startWorker({}, ['--max-batch', '100']);
      await eventually('both workers to own partitions', () =>
        a.hasLogged('partition owned') && b.hasLogged('partition owned') ? true : undefined,
      );
      await eventually('some progress before the stop', async () => {
        const applied = await (await scenario().reader()).applied([0, 1, 2, 3, 4, 5]);
        return [...applied.values()].some((x) => x > 100) ? true : undefined;
      });
      b.signal(signal);
      await b.exited;

      await scenario().waitDrained(180_000, { published: true });
      const { report } = await scenario().reconcile();
      expect(report).toMatchObject({ ok: true });
      expect(a.running).toBe(true);
      expect(await a.stop()).toEqual({ code: 0, signal: null });
    },
  );
});
