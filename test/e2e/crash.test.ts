import { describe, expect, it } from 'vitest';
import { readTopic } from '../../src/kafka/read-topic.js';
import { eventually, testConnection, testLogger } from '../helpers/env.js';
import { scenarioPerTest } from '../helpers/scenario.js';

const crashPoints = ['after-commit-script', 'after-outbox-publish', 'before-kafka-commit'] as const;

/** A seeded source of "random moments", so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the worker killed with SIGKILL, again and again', () => {
  const scenario = scenarioPerTest(6);

  it('reconciles exactly and publishes every applied transition at least once', async () => {
    const random = seeded(20261128);
    const workerArgs = ['--max-batch', '100'];
    let round = 0;
    // Each round adds fresh orders (a new seed), so a crash always lands mid-work.
    const addLoad = () =>
      scenario().simulate([
        '--orders',
        '1200',
        '--seed',
        String(1000 + round++),
        '--duplicates',
        '0.01',
        '--malformed',
        '0.01',
        '--invalid-transitions',
        '0.01',
      ]);

    const kills: string[] = [];
    for (const point of crashPoints) {
      for (const after of [1, 4]) {
        await addLoad();
        const worker = scenario().startWorker(
          { STREAMFOLD_CRASH_AT: point, STREAMFOLD_CRASH_AFTER: String(after) },
          workerArgs,
        );
        expect((await worker.exited).signal).toBe('SIGKILL');
        kills.push(`${point}#${after}`);
      }
    }
    for (let i = 0; i < 6; i++) {
      await addLoad();
      const worker = scenario().startWorker({}, workerArgs);
      await eventually('the worker to own its partitions', () =>
        worker.hasLogged('partition owned') ? true : undefined,
      );
      // The random moment of the kill: fault injection, not synchronisation.
      await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 1500)));
      await worker.kill();
      kills.push('random');
    }
    expect(kills.length).toBeGreaterThanOrEqual(10);

    const survivor = scenario().startWorker({}, workerArgs);
    await scenario().waitDrained(180_000, { published: true });
    const { report } = await scenario().reconcile();
    expect(report).toMatchObject({ ok: true });

    // order-status: every applied transition (an eventId in a final state) at least once.
    const reader = await scenario().reader();
    const applied = new Set<string>();
    for (const p of await reader.partitions()) {
      for await (const state of reader.states(p)) {
        for (const eventId of state.eventIds) applied.add(`${state.orderId}/${eventId}`);
      }
    }
    const published = new Map<string, number>();
    await readTopic(testConnection(), testLogger(), scenario().topics.status, {
      onRecord: (r) => {
        const v = JSON.parse(r.value?.toString() ?? '{}') as { orderId: string; eventId: string };
        const id = `${v.orderId}/${v.eventId}`;
        published.set(id, (published.get(id) ?? 0) + 1);
      },
    });
    const missing = [...applied].filter((id) => !published.has(id));
    const unexpected = [...published.keys()].filter((id) => !applied.has(id));
    const duplicates = [...published.values()].reduce((n, c) => n + c - 1, 0);
    console.log(
      `crash test: ${kills.length} kills, ${applied.size} transitions, ${duplicates} duplicate status records`,
    );
    expect(missing).toEqual([]);
    expect(unexpected).toEqual([]);
    expect(await survivor.stop()).toEqual({ code: 0, signal: null });
  });
});
