import { describe, expect, it } from 'vitest';
import { scenarioPerTest } from '../helpers/scenario.js';

describe('the worker process on a simulated stream', () => {
  const scenario = scenarioPerTest(6);

  it('applies 50,000 events with duplicates, malformed and invalid transitions exactly', async () => {
    const sim = await scenario().simulate([
      '--orders',
      '17000',
      '--seed',
      '42',
      '--duplicates',
      '0.01',
      '--malformed',
      '0.01',
      '--invalid-transitions',
      '0.01',
      '--currencies',
      'USD,EUR,GBP',
    ]);
    expect(sim.records).toBeGreaterThanOrEqual(50_000);

    const worker = scenario().startWorker();
    await scenario().waitDrained();
    const { code, report } = await scenario().reconcile();
    expect(report).toMatchObject({ ok: true });
    expect(code).toBe(0);
    // Without crashes every malformed record reaches the dead-letter topic exactly once.
    expect((report.dlt as { duplicates: number }).duplicates).toBe(0);

    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
