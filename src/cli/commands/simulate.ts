import type { Command } from 'commander';
import type { ConnectionConfig } from '../../config/index.js';
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import { connectKafka, createAdmin, createProducer } from '../../kafka/index.js';
import { createLogger, type Logger } from '../../logger.js';
import { generate, plan, SimKinds } from '../../sim/index.js';
import { generateProgramEvents, ProgramSimKinds } from '../../sim/program/index.js';
import type { AnyTopology } from '../../topology/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { produceRecords, type KindedRecord } from '../produce-records.js';
import { simulateOptions, type SimulateFlagValues, type SimulateRun } from '../simulate-options.js';
import { DEFAULT_TOPOLOGY, loadAnyTopologyArgument } from '../topology-argument.js';

interface Flags extends SimulateFlagValues {
  json?: boolean;
}

/** What one stream is: its records, their kinds, and what the summary says of it. */
interface Stream<K extends string> {
  readonly records: Iterable<KindedRecord<K>>;
  readonly kinds: readonly K[];
  /** Known beforehand for the orders simulator only (its plan). */
  readonly total?: number;
  /** `orders` or `keys`, and how many. */
  readonly unit: 'orders' | 'keys';
  readonly count: number;
  readonly seed: number;
  readonly rate: number | undefined;
}

function streamOf(run: SimulateRun): Stream<string> {
  const { seed } = run.options;
  if (run.kind === 'orders') {
    return {
      records: generate(run.options),
      kinds: SimKinds,
      total: plan(run.options).records,
      unit: 'orders',
      count: run.options.orders,
      seed,
      rate: run.rate,
    };
  }
  const { program, schema } = run.topology;
  return {
    records: generateProgramEvents(program, schema.json, run.options),
    kinds: ProgramSimKinds,
    unit: 'keys',
    count: run.options.keys,
    seed,
    rate: run.rate,
  };
}

function inputTopic(loaded: AnyTopology): string {
  return loaded.kind === 'legacy' ? loaded.topology.source.topic : loaded.topology.input.topic;
}

// Fail fast and clearly: with auto-creation off, a missing topic would only show up as delivery
// timeouts minutes later.
async function checkTopic(conn: ConnectionConfig, log: Logger, loaded: AnyTopology) {
  const topic = inputTopic(loaded);
  const admin = await connectKafka(
    createAdmin(conn, log, { clientId: 'streamfold-simulate' }),
    conn,
    'simulate',
  );
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(topic)) {
      const { name, file } = loaded.topology;
      throw new StreamfoldError(
        ErrorCodes.TOPIC_MISSING,
        `topic ${topic} (input of topology ${name}) does not exist on ${conn.brokers.join(',')}; create it with \`streamfold topics create ${file}\``,
      );
    }
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export function registerSimulate(program: Command): void {
  withConnectionOptions(
    program
      .command('simulate')
      .description(
        "produce a seeded, reproducible stream to the topology's input topic: order events with --orders, random walks over a language topology's state machine with values from its schema with --keys",
      )
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .option('--keys <n>', 'keys to simulate with the program simulator (language topologies)')
      .option(
        '--orders <n>',
        'orders to simulate with the order simulator (legacy topologies, and language ones whose input takes order events)',
      )
      .option('--seed <s>', 'required: the same seed and options give the same records')
      .option(
        '--rate <records/s>',
        'records per second (default: as fast as the broker takes them)',
      )
      .option('--duplicates <p>', 'chance per event that it is re-sent later (default 0)')
      .option('--malformed <p>', 'chance per event that a dead-letter record follows (default 0)')
      .option(
        '--invalid <p>',
        'chance per event that a schema-invalid event follows (with --keys; default 0)',
      )
      .option(
        '--invalid-transitions <p>',
        'chance per event that the next one is refused by the state machine (default 0)',
      )
      .option(
        '--currencies <list>',
        'currencies orders are placed in (with --orders; default USD,EUR,GBP)',
      )
      .option('--start-time <ms|now>', 'event time of the first record (default 1764300000000)')
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, flags: Flags & Parameters<typeof connectionFrom>[0]) => {
    const conn = connectionFrom(flags);
    const log = createLogger(
      conn.logLevel === 'info' ? 'warn' : conn.logLevel,
      'streamfold-simulate',
    );
    const loaded = loadAnyTopologyArgument(file);
    const topic = inputTopic(loaded);
    const stream = streamOf(simulateOptions(flags, loaded));
    await checkTopic(conn, log, loaded);

    const producer = await connectKafka(
      createProducer(conn, log, { clientId: 'streamfold-simulate' }),
      conn,
      'simulate',
    );
    let result: Awaited<ReturnType<typeof produceRecords>>;
    try {
      result = await produceRecords(producer, stream.records, {
        topic,
        kinds: stream.kinds,
        rate: stream.rate,
        progress: process.stderr.isTTY && !flags.json,
        ...(stream.total === undefined ? {} : { total: stream.total }),
      });
    } finally {
      await producer.disconnect().catch(() => undefined);
    }

    const { delivered, kinds, elapsedMs } = result;
    const summary = {
      topic,
      seed: stream.seed,
      [stream.unit]: stream.count,
      records: delivered,
      kinds,
      elapsedMs,
      eventsPerSecond: Math.round(delivered / Math.max(elapsedMs / 1000, 0.001)),
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      const byKind = stream.kinds.map((k) => `${kinds[k]} ${k}`).join(', ');
      process.stdout.write(
        `simulate: ${delivered} records (${byKind}) for ${stream.count} ${stream.unit} to ${topic} in ${elapsedMs} ms, ${summary.eventsPerSecond} events/s\n`,
      );
    }
  });
}
