import { describe, expect, it } from 'vitest';
import { eventually, testConnection } from '../helpers/env.js';
import { describeGroup } from '../helpers/kafka-tools.js';
import { scenarioPerTest } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';

type Series = Map<number, number>;

/** One gauge's value per partition from a scrape, for one topic. */
function perPartition(scrape: string, metric: string, topic: string): Series {
  const series: Series = new Map();
  const pattern = new RegExp(`^${metric}\\{([^}]*)\\} (\\S+)$`, 'gm');
  for (const [, labels = '', value = ''] of scrape.matchAll(pattern)) {
    if (!labels.includes(`topic="${topic}"`)) continue;
    const partition = /partition="(\d+)"/.exec(labels)?.[1];
    if (partition !== undefined) series.set(Number(partition), Number(value));
  }
  return series;
}

describe('exported consumer lag', () => {
  const scenario = scenarioPerTest(6);

  it('equals a known backlog exactly, and Kafka’s own tool agrees on the committed lag', async () => {
    // Some history, applied and committed by a worker that then stops cleanly.
    await scenario().simulate(['--orders', '800', '--seed', '5']);
    const first = scenario().startWorker();
    await scenario().waitDrained();
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const appliedBefore = await (await scenario().reader()).applied([0, 1, 2, 3, 4, 5]);

    // The backlog: produced while no worker runs.
    await scenario().simulate(['--orders', '1500', '--seed', '6']);
    const highs = await scenario().highWatermarks();
    const backlog = new Map(
      [...highs].map(([p, high]) => [p, high - ((appliedBefore.get(p) ?? -1) + 1)]),
    );
    expect([...backlog.values()].every((n) => n > 0)).toBe(true);

    const worker = scenario().startWorker({}, ['--paused']);
    const url = await workerHttpUrl(scenario().dir, worker.pid!);
    const topic = scenario().topics.source;
    const scrape = async () => (await fetch(new URL('/metrics', url))).text();

    const exported = await eventually(
      'the paused worker to export the backlog as lag',
      async () => {
        const lag = perPartition(await scrape(), 'streamfold_consumer_lag', topic);
        return [...backlog].every(([p, n]) => lag.get(p) === n) ? lag : undefined;
      },
    );
    expect(Object.fromEntries(exported)).toEqual(Object.fromEntries(backlog));

    const text = await scrape();
    const committed = perPartition(text, 'streamfold_committed_offset', topic);
    const lagSeconds = perPartition(text, 'streamfold_consumer_lag_seconds', topic);
    for (const p of backlog.keys()) {
      expect(committed.get(p)).toBe((appliedBefore.get(p) ?? -1) + 1);
      expect(lagSeconds.get(p)).toBeGreaterThan(0);
    }

    // Kafka's view of the same group: committed offset, log end and lag per partition.
    const rows = await describeGroup(
      testConnection().brokers.join(','),
      `${scenario().name}-group`,
      topic,
    );
    expect(rows.map((r) => r.partition)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const row of rows) {
      expect(row.currentOffset).toBe(committed.get(row.partition));
      expect(row.logEndOffset).toBe(highs.get(row.partition));
      expect(row.lag).toBe(exported.get(row.partition));
    }

    // Resumed, the worker catches up and the lag in messages and seconds returns to 0.
    const resumed = await fetch(new URL('/resume', url), { method: 'POST' });
    expect(resumed.status).toBe(200);
    await scenario().waitDrained();
    await eventually('lag 0 on every partition', async () => {
      const t = await scrape();
      const lag = perPartition(t, 'streamfold_consumer_lag', topic);
      const seconds = perPartition(t, 'streamfold_consumer_lag_seconds', topic);
      return lag.size === 6 && [...lag.values(), ...seconds.values()].every((v) => v === 0)
        ? true
        : undefined;
    });
    expect((await scenario().reconcile()).report).toMatchObject({ ok: true });
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
