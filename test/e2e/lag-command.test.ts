import { describe, expect, it } from 'vitest';
import type { LagReport } from '../../src/lag/index.js';
import { runCli, runCliJson } from '../helpers/cli.js';
import { eventually, testConnection } from '../helpers/env.js';
import { describeGroup } from '../helpers/kafka-tools.js';
import { scenarioPerTest } from '../helpers/scenario.js';

const partitions = [0, 1, 2, 3, 4, 5];

describe('streamfold lag', () => {
  const scenario = scenarioPerTest(partitions.length);

  const lag = async () =>
    (await runCliJson<LagReport>(['lag', scenario().file, '--json'], scenario().env)).json;

  it('reports a known backlog exactly, agrees with Kafka’s own tool, and names the owners', async () => {
    // Some history, applied and committed by a worker that then stops cleanly.
    await scenario().simulate(['--orders', '600', '--seed', '11']);
    const first = scenario().startWorker();
    await scenario().waitDrained();
    expect(await first.stop()).toEqual({ code: 0, signal: null });
    const appliedBefore = await (await scenario().reader()).applied(partitions);

    // The backlog: produced while no worker runs.
    const producedAt = Date.now();
    await scenario().simulate(['--orders', '900', '--seed', '12']);
    const highs = await scenario().highWatermarks();
    const backlog = new Map(
      [...highs].map(([p, high]) => [p, high - ((appliedBefore.get(p) ?? -1) + 1)]),
    );
    expect([...backlog.values()].every((n) => n > 0)).toBe(true);

    const idle = await lag();
    expect(idle).toMatchObject({
      topology: 'orders',
      topic: scenario().topics.source,
      group: `${scenario().name}-group`,
    });
    expect(idle.partitions.map((r) => r.partition)).toEqual(partitions);
    for (const row of idle.partitions) {
      expect(row.lag).toBe(backlog.get(row.partition));
      expect(row.highWatermark).toBe(highs.get(row.partition));
      expect(row.applied).toBe((appliedBefore.get(row.partition) ?? -1) + 1);
      // Dated by the first backlog record: produced during this test, so younger than it.
      expect(row.lagSeconds).toBeGreaterThan(0);
      expect(row.lagSeconds).toBeLessThanOrEqual((Date.now() - producedAt) / 1000 + 1);
      // The group is empty: the worker left it cleanly.
      expect(row.owner).toBeNull();
    }
    expect(idle.totalLag).toBe([...backlog.values()].reduce((a, b) => a + b, 0));

    // Kafka's view of the same group: the committed offset and the lag against it.
    const rows = await describeGroup(
      testConnection().brokers.join(','),
      `${scenario().name}-group`,
      scenario().topics.source,
    );
    expect(rows.map((r) => r.partition)).toEqual(partitions);
    for (const row of rows) {
      const ours = idle.partitions[row.partition];
      expect(ours?.committed).toBe(row.currentOffset);
      expect(row.logEndOffset).toBe(ours?.highWatermark);
      expect(row.lag).toBe(ours?.lag);
    }

    // A paused worker owns every partition but applies nothing: owners appear, lag stays.
    const worker = scenario().startWorker({}, ['--paused']);
    const owned = await eventually(
      'the paused worker to own every partition',
      async () => {
        const report = await lag();
        return report.partitions.every((r) => r.owner !== null) ? report : undefined;
      },
      60_000,
      500,
    );
    for (const row of owned.partitions) {
      expect(row.owner).toMatch(/^streamfold-orders@/);
      expect(row.lag).toBe(backlog.get(row.partition));
    }

    const table = await runCli(['lag', scenario().file], scenario().env);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain('PARTITION  COMMITTED');
    expect(table.stdout).toContain(`total lag ${owned.totalLag}`);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
