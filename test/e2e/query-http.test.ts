import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { scenarioPerTest } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';

async function getJson(url: URL): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('queries over the worker’s HTTP endpoint', () => {
  const scenario = scenarioPerTest(3);

  it('answer exactly as `streamfold query`, with the applied offsets they reflect', async () => {
    await scenario().simulate(['--orders', '150', '--seed', '21']);
    const worker = scenario().startWorker();
    await scenario().waitDrained();
    const url = await workerHttpUrl(scenario().dir, worker.pid!);
    const reader = await scenario().reader();
    const partitions = await reader.partitions();
    const applied = await reader.applied(partitions);

    // A few real orders: the first stored in each partition.
    const ids: string[] = [];
    for (const p of partitions) {
      for await (const state of reader.states(p)) {
        ids.push(state.orderId);
        break;
      }
    }
    expect(ids.length).toBeGreaterThan(1);

    for (const id of ids) {
      const { status, body } = await getJson(new URL(`/orders/${encodeURIComponent(id)}`, url));
      expect(status).toBe(200);
      const { appliedOffsets, ...order } = body;
      const cli = await runCli(['query', 'order', id, scenario().file, '--json'], scenario().env);
      expect(cli.code).toBe(0);
      // Byte for byte, key order included, once the offsets are taken out.
      expect(JSON.stringify(order)).toBe(cli.stdout.trim());
      const found = await reader.order(id, partitions);
      expect(appliedOffsets).toEqual({ [String(found!.partition)]: applied.get(found!.partition) });
    }

    const revenue = await getJson(new URL('/revenue', url));
    expect(revenue.status).toBe(200);
    const { appliedOffsets, ...totals } = revenue.body;
    const cli = await runCli(['query', 'revenue', scenario().file, '--json'], scenario().env);
    expect(JSON.stringify(totals)).toBe(cli.stdout.trim());
    expect(appliedOffsets).toEqual(
      Object.fromEntries(partitions.map((p) => [String(p), applied.get(p)])),
    );

    expect(await getJson(new URL('/orders/no-such-order', url))).toEqual({
      status: 404,
      body: { error: 'not found' },
    });
    // Decoded before the lookup: an encoded slash is part of the id, not a path.
    expect((await getJson(new URL(`/orders/${encodeURIComponent('a/b')}`, url))).status).toBe(404);
    expect((await getJson(new URL(`/orders/${'x'.repeat(64)}`, url))).status).toBe(404);
    const tooLong = await getJson(new URL(`/orders/${'x'.repeat(65)}`, url));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toHaveProperty('error');
    expect((await fetch(new URL('/revenue', url), { method: 'POST' })).status).toBe(405);

    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
