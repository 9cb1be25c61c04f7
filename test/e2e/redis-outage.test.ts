import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/env.js';
import { OwnRedisServer } from '../helpers/redis-server.js';
import { Scenario } from '../helpers/scenario.js';

describe('Redis paused for 10 s mid-run', () => {
  let scenario: Scenario;
  let redis: OwnRedisServer;

  beforeEach(async () => {
    redis = await OwnRedisServer.start();
    scenario = new Scenario(6, { REDIS_URL: redis.url });
    await scenario.createTopics();
  });
  afterEach(async () => {
    await scenario.cleanup();
    await redis.stop();
  });

  it('keeps running, loses nothing and reconciles exactly', async () => {
    await scenario.simulate([
      '--orders',
      '12000',
      '--seed',
      '7',
      '--malformed',
      '0.01',
      '--duplicates',
      '0.01',
    ]);
    // Small batches keep the worker busy long enough for the outage to land mid-run.
    const worker = scenario.startWorker({}, ['--max-batch', '100', '--concurrency', '2']);
    await eventually('the worker to apply some batches', async () => {
      const applied = await (await scenario.reader()).applied([0, 1, 2, 3, 4, 5]);
      return [...applied.values()].some((a) => a > 200) ? true : undefined;
    });

    redis.signal('SIGSTOP');
    // The outage itself: a fixed fault duration, not a synchronisation wait.
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    redis.signal('SIGCONT');

    await scenario.waitDrained(180_000);
    expect(worker.running).toBe(true);
    const { report } = await scenario.reconcile();
    expect(report).toMatchObject({ ok: true });
    expect(worker.hasLogged('batch failed; partition paused')).toBe(true);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
