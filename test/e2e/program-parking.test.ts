/**
 * Parking on the generic engine: an event of a language topology whose processing keeps failing
 * is dead-lettered after the topology's attempts and its key parked; later events of the key are
 * held while the rest flows; `unpark` applies them in order, and `reconcile` is exact.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readTopic } from '../../src/kafka/read-topic.js';
import { runCliJson } from '../helpers/cli.js';
import { testConnection, testLogger } from '../helpers/env.js';
import { ProgramScenario } from '../helpers/program-scenario.js';

describe('a poisoned event in a language topology', () => {
  let scenario: ProgramScenario | undefined;

  afterEach(async () => {
    await scenario?.cleanup();
    scenario = undefined;
  });

  it('parks its key, holds what follows, and unpark applies it', async () => {
    const s = (scenario = new ProgramScenario('topologies/shipments.yaml', 2));
    await s.createTopics();
    await s.simulate(['--keys', '200', '--seed', '11']);

    // The second event of the first key that has at least four: later events will be held.
    const byKey = new Map<string, string[]>();
    await readTopic(testConnection(), testLogger(), s.topics.source, {
      onRecord: (r) => {
        const e = JSON.parse(r.value?.toString() ?? '{}') as {
          eventId: string;
          shipmentId: string;
        };
        byKey.set(e.shipmentId, [...(byKey.get(e.shipmentId) ?? []), e.eventId]);
      },
    });
    const [key, ids] = [...byKey].find(([, events]) => events.length >= 4) ?? [];
    if (key === undefined || ids === undefined) throw new Error('no key with four events');
    const failing = ids[1] ?? '';

    const broken = s.startWorker({ STREAMFOLD_FAIL_EVENT_IDS: failing });
    await s.waitDrained();
    const { json: listed } = await runCliJson<{ parked: { key: string; held: number }[] }>(
      ['unpark', s.file, '--list', '--json'],
      s.env,
    );
    expect(listed.parked.map((p) => ({ key: p.key, held: p.held }))).toEqual([
      { key, held: ids.length - 2 },
    ]);
    const dead: string[] = [];
    await readTopic(testConnection(), testLogger(), s.topics.outputs.deadLetter ?? '', {
      onRecord: (r) => {
        if (r.headers['sf-error-class'] === 'processing') dead.push(r.key?.toString() ?? '');
      },
    });
    expect(dead).toEqual([key]);
    expect(await broken.stop()).toEqual({ code: 0, signal: null });

    const fixed = s.startWorker();
    const { json: released } = await runCliJson<{ key: string; released: number }>(
      ['unpark', s.file, key, '--json'],
      s.env,
    );
    expect(released).toMatchObject({ key, released: ids.length - 2 });
    await s.waitDrained();
    const { report } = await s.reconcile();
    expect(report).toMatchObject({ ok: true });
    expect(report.parked).toMatchObject({ poisoned: 1, keys: [] });
    expect(await fixed.stop()).toEqual({ code: 0, signal: null });
  });
});
