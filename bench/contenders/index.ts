import { join } from 'node:path';
import { ProgramReader } from '../../src/state/program-reader.js';
import { contenderScript, kafkaStreamsJar, workerCli } from '../paths.js';
import { totalsDiff, type Totals } from '../reference.js';
import { createTopics, offsetTotal, topicSize } from '../topics.js';
import { writeOrdersTopology } from '../topology-file.js';
import type { BenchContext, Contender, ContenderId, Launch, Workload } from '../types.js';
import type { ContenderSettings } from './process-kit.js';
import { readChangelogTotals } from './changelog-totals.js';

const node = process.execPath;

function inHouse(
  ctx: BenchContext,
  workload: Workload,
  script: string,
  settings: Omit<ContenderSettings, 'brokers' | 'redisUrl' | 'input'>,
): Pick<Launch, 'command' | 'args' | 'env' | 'group'> {
  const full: ContenderSettings = {
    brokers: ctx.conn.brokers.join(','),
    redisUrl: ctx.conn.redisUrl,
    input: workload.input,
    ...settings,
  };
  return {
    command: node,
    args: [contenderScript(script), JSON.stringify(full)],
    env: process.env,
    group: settings.group,
  };
}

/** The full input was consumed exactly once: every partition committed to its end. */
function allCommitted(workload: Workload, committed: ReadonlyMap<number, number>): string[] {
  const done = offsetTotal(committed);
  return done === workload.events ? [] : [`committed ${done} of ${workload.events} records`];
}

const b0a: Contender = {
  id: 'b0a',
  label: 'B0a consume-only',
  description: 'batch consume, count, commit per batch; the client and broker ceiling',
  launch: (ctx, workload, tag) =>
    Promise.resolve({
      ...inHouse(ctx, workload, 'consume-only', {
        group: `${tag}-group`,
        concurrency: workload.partitions,
      }),
      topics: [],
      verify: ({ committed, report }) =>
        Promise.resolve([
          ...allCommitted(workload, committed),
          ...(report?.consumed === workload.events
            ? []
            : [`consumed ${String(report?.consumed)} records, expected ${workload.events}`]),
        ]),
    }),
};

const b0c: Contender = {
  id: 'b0c',
  label: 'B0c passthrough',
  description: 'batch consume, produce every record unchanged, commit per batch',
  launch: async (ctx, workload, tag) => {
    const output = `${tag}-copy`;
    await createTopics(ctx.admin, workload.partitions, [output]);
    return {
      ...inHouse(ctx, workload, 'passthrough', {
        group: `${tag}-group`,
        output,
        concurrency: workload.partitions,
      }),
      topics: [output],
      verify: async ({ committed }) => {
        const copied = await topicSize(ctx.admin, output);
        return [
          ...allCommitted(workload, committed),
          ...(copied === workload.events ? [] : [`copied ${copied} of ${workload.events} records`]),
        ];
      },
    };
  },
};

function naive(id: ContenderId, concurrency: 'one' | 'partitions'): Contender {
  return {
    id,
    label: concurrency === 'one' ? 'B1 naive, 1 at a time' : 'B1 naive, 1 per partition',
    description: `per-message handler, awaited Redis writes and send, commit per message; ${
      concurrency === 'one' ? 'one partition at a time' : 'partitions concurrently'
    }`,
    budgeted: true,
    launch: async (ctx, workload, tag, statusConfig) => {
      const output = `${tag}-status`;
      await createTopics(ctx.admin, workload.partitions, [output], statusConfig);
      const statePrefix = tag;
      return {
        ...inHouse(ctx, workload, 'naive', {
          group: `${tag}-group`,
          output,
          statePrefix,
          concurrency: concurrency === 'one' ? 1 : workload.partitions,
        }),
        statusTopic: output,
        topics: [output],
        statePrefix,
        verify: async ({ committed }) => {
          const stored = await ctx.redis.hgetall(`${statePrefix}:revenue`);
          const actual: Totals = Object.fromEntries(
            Object.entries(stored).map(([c, v]) => [c, Number(v)]),
          );
          return totalsDiff(workload.reference.totalsUpTo(committed), actual);
        },
      };
    },
  };
}

const TOPOLOGY = 'orders';

const sut: Contender = {
  id: 'sut',
  label: 'streamfold',
  description: 'the worker process (`streamfold run`): lifecycle and revenue, as the peer computes',
  launch: async (ctx, workload, tag, statusConfig) => {
    const outputs = {
      status: `${tag}-status`,
      revenue: `${tag}-revenue`,
      anomalies: `${tag}-anomalies`,
      deadLetter: `${tag}-dlt`,
    };
    await createTopics(ctx.admin, workload.partitions, [outputs.status], statusConfig);
    await createTopics(ctx.admin, workload.partitions, [
      outputs.revenue,
      outputs.anomalies,
      outputs.deadLetter,
    ]);
    const group = `${tag}-group`;
    const file = writeOrdersTopology(join(ctx.scratch, `${tag}.yaml`), {
      name: TOPOLOGY,
      topic: workload.input,
      group,
      partitions: workload.partitions,
      outputs,
    });
    const statePrefix = tag;
    return {
      command: node,
      args: [
        ...(ctx.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', ctx.cpuProfileDir] : []),
        workerCli,
        'run',
        file,
        ...ctx.workerArgs,
      ],
      env: {
        ...process.env,
        KAFKA_BROKERS: ctx.conn.brokers.join(','),
        REDIS_URL: ctx.conn.redisUrl,
        STATE_PREFIX: statePrefix,
        HTTP_ADDR: '127.0.0.1:0',
        LOG_LEVEL: 'warn',
      },
      group,
      statusTopic: outputs.status,
      topics: Object.values(outputs),
      statePrefix,
      verify: async ({ committed }) => {
        const reader = new ProgramReader(ctx.redis, statePrefix, TOPOLOGY);
        const partitions = await reader.partitions();
        const actual: Totals = {};
        for (const groups of (await reader.partials('revenue', partitions)).values()) {
          for (const [currency, partial] of groups) {
            actual[currency] = (actual[currency] ?? 0) + Number(partial.cents ?? 0);
          }
        }
        return [
          ...allCommitted(workload, committed),
          ...totalsDiff(workload.reference.totals(), actual),
        ];
      },
    };
  },
};

/** Kafka Streams' changelog of the peer's `revenue-totals` store. */
const KS_TOTALS_STORE = 'revenue-totals';

const ks: Contender = {
  id: 'ks',
  label: 'Kafka Streams',
  description:
    'Kafka Streams 4.4 peer (bench/peers/kafka-streams): same rules, RocksDB stores, at-least-once, 2 threads',
  launch: async (ctx, workload, tag, statusConfig) => {
    const status = `${tag}-status`;
    await createTopics(ctx.admin, workload.partitions, [status], statusConfig);
    const appId = `${tag}-app`;
    const changelog = `${appId}-${KS_TOTALS_STORE}-changelog`;
    return {
      command: 'java',
      args: [
        '-jar',
        kafkaStreamsJar,
        '--bootstrap',
        ctx.conn.brokers.join(','),
        '--input',
        workload.input,
        '--status',
        status,
        '--application-id',
        appId,
        '--state-dir',
        join(ctx.scratch, appId),
        '--threads',
        '2',
      ],
      env: process.env,
      group: appId,
      statusTopic: status,
      // Kafka Streams makes its changelogs itself; they go with the run.
      topics: [status, changelog, `${appId}-orders-changelog`],
      verify: async ({ committed }) => [
        ...allCommitted(workload, committed),
        ...totalsDiff(workload.reference.totals(), await readChangelogTotals(ctx, changelog)),
      ],
    };
  },
};

export const contenders: Readonly<Record<ContenderId, Contender>> = {
  b0a,
  b0c,
  'b1-1': naive('b1-1', 'one'),
  'b1-p': naive('b1-p', 'partitions'),
  sut,
  ks,
};
