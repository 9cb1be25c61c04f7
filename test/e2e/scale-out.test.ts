import kafkaJavascript from '@confluentinc/kafka-javascript';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/env.js';
import { Scenario } from '../helpers/scenario.js';
import type { WorkerProcess } from '../helpers/worker-process.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';

const { ConsumerGroupTypes } = kafkaJavascript.KafkaJS;

/**
 * Scale-out under load (issue 8): 12 partitions, 3 workers at start, then every 20 s for two
 * minutes a worker joins or leaves, while the simulator keeps producing. Whatever the group
 * moved when, Redis must end exactly equal to a recomputation from the input topic. Run once
 * per rebalance protocol: classic (cooperative-sticky) and consumer (KIP-848).
 */

const PARTITIONS = 12;
const STEP_MS = 20_000;
/** The fixed schedule: `add` starts a worker, `remove` stops (SIGTERM) the oldest running. */
const schedule = ['add', 'add', 'remove', 'remove', 'add', 'remove'] as const;

const protocols = {
  classic: { env: {}, groupType: ConsumerGroupTypes.CLASSIC },
  consumer: {
    // The broker owns session and heartbeat timing under KIP-848: librdkafka refuses the
    // client settings the scenario sets for the classic protocol, and so does the worker.
    env: {
      KAFKA_GROUP_PROTOCOL: 'consumer',
      KAFKA_SESSION_TIMEOUT_MS: undefined,
      KAFKA_HEARTBEAT_INTERVAL_MS: undefined,
    },
    groupType: ConsumerGroupTypes.CONSUMER,
  },
} as const;

/** The value of an unlabelled-but-for-topology sample in a scrape, or undefined. */
function sampleValue(body: string, name: string, topology: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{topology="${topology}"} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('scale-out: workers join and leave every 20 s under load', () => {
  let scenario: Scenario | undefined;
  afterEach(async () => {
    await scenario?.cleanup();
    scenario = undefined;
  });

  it.each(Object.keys(protocols) as (keyof typeof protocols)[])(
    'group protocol %s: reconcile is exact and every handoff is measured',
    async (protocol) => {
      const { env, groupType } = protocols[protocol];
      const s = new Scenario(PARTITIONS, env);
      scenario = s;
      await s.createTopics();

      // ~35k events at 250/s: production lasts the whole schedule (~140 s).
      const producing = s
        .simulate([
          ...['--orders', '12000', '--seed', '848', '--rate', '250'],
          ...['--duplicates', '0.01', '--malformed', '0.005'],
        ])
        .then(
          (summary) => ({ summary }),
          (error: unknown) => ({ error }),
        );

      const workerArgs = ['--max-batch', '500'];
      const running: WorkerProcess[] = [];
      const added: WorkerProcess[] = [];
      for (let i = 0; i < 3; i++) running.push(s.startWorker({}, workerArgs));
      const started = Date.now();
      await eventually(
        'the three workers to own partitions',
        () => (running.every((w) => w.hasLogged('partition owned')) ? true : undefined),
        60_000,
      );

      const admin = await s.kafkaAdmin();
      const described = await admin.describeGroups([s.group]);
      expect(described.groups[0]?.type).toBe(groupType);

      for (const [i, step] of schedule.entries()) {
        // The schedule itself is the point of the test: wait for the next 20 s mark.
        await sleep(Math.max(0, started + (i + 1) * STEP_MS - Date.now()));
        if (step === 'add') {
          const worker = s.startWorker({}, workerArgs);
          running.push(worker);
          added.push(worker);
        } else {
          const worker = running.shift()!;
          expect(await worker.stop()).toEqual({ code: 0, signal: null });
        }
        for (const w of running) expect(w.running).toBe(true);
      }

      const produced = await producing;
      expect(produced).not.toHaveProperty('error');
      await s.waitDrained(180_000, { published: true });
      const { report } = await s.reconcile();
      expect(report).toMatchObject({ ok: true });

      // Every worker that joined mid-run took partitions over and logged each handoff.
      for (const w of added) {
        expect(w.hasLogged('"protocol":"' + protocol + '"')).toBe(true);
        expect(w.hasLogged('partition handoff complete')).toBe(true);
      }
      // ... and exports them: the first one added has been running since the 20 s mark.
      const first = added[0]!;
      const url = await workerHttpUrl(s.dir, first.pid!);
      const count = await eventually('the handoff histogram to be scraped', async () => {
        const body = await (await fetch(new URL('/metrics', url))).text();
        return sampleValue(body, 'streamfold_partition_handoff_seconds_count', 'orders');
      });
      expect(count).toBeGreaterThan(0);

      for (const w of running) expect(await w.stop()).toEqual({ code: 0, signal: null });
    },
  );
});
