import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import { InvalidArgumentError, type Command } from 'commander';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import { connectKafka, createAdmin, createProducer } from '../../kafka/index.js';
import { SendWindow } from '../../kafka/send-window.js';
import { createLogger } from '../../logger.js';
import {
  generate,
  plan,
  resolveSimOptions,
  simDefaults,
  SimKinds,
  type SimKind,
} from '../../sim/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { DEFAULT_TOPOLOGY, loadTopologyArgument } from '../topology-argument.js';

/** Largest send(); smaller when rate-limited, so pacing stays smooth. */
const MAX_CHUNK = 500;
/** Messages handed to the producer and not yet acknowledged. */
const MAX_IN_FLIGHT = 20_000;
/** Sends per second when rate-limited. */
const PACING_HZ = 20;

interface Flags {
  orders: number;
  seed: number;
  rate?: number;
  duplicates: number;
  malformed: number;
  invalidTransitions: number;
  currencies: string[];
  startTime: number;
  json?: boolean;
}

const positiveInteger = (value: string): number => {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
};

const integer = (value: string): number => {
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('must be an integer');
  }
  return n;
};

const positiveNumber = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive number (events per second)');
  }
  return n;
};

const probability = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new InvalidArgumentError('must be a probability between 0 and 1');
  }
  return n;
};

const currencyList = (value: string): string[] => {
  const list = value.split(',').map((c) => c.trim());
  const bad = list.filter((c) => !/^[A-Z]{3}$/.test(c));
  if (list.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(
      `expected comma-separated 3-letter upper-case codes, e.g. USD,EUR (bad: ${bad.map((b) => JSON.stringify(b)).join(', ')})`,
    );
  }
  return list;
};

const startTime = (value: string): number => {
  if (value === 'now') return Date.now();
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError('must be epoch milliseconds or "now"');
  }
  return n;
};

export function registerSimulate(program: Command): void {
  withConnectionOptions(
    program
      .command('simulate')
      .description(
        "produce a seeded, reproducible stream of order events to the topology's source topic",
      )
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .requiredOption('--orders <n>', 'orders to simulate', positiveInteger)
      .requiredOption('--seed <s>', 'the same seed and options give the same records', integer)
      .option(
        '--rate <events/s>',
        'records per second (default: as fast as the broker takes them)',
        positiveNumber,
      )
      .option('--duplicates <p>', 'chance per event that it is re-sent later', probability, 0)
      .option(
        '--malformed <p>',
        'chance per event that a dead-letter record follows',
        probability,
        0,
      )
      .option(
        '--invalid-transitions <p>',
        'chance per event that an illegal transition follows',
        probability,
        0,
      )
      .option('--currencies <list>', 'currencies orders are placed in', currencyList, [
        ...simDefaults.currencies,
      ])
      .option(
        '--start-time <ms|now>',
        'event time of the first record',
        startTime,
        simDefaults.startTime,
      )
      .option('--json', 'print the summary as JSON'),
  ).action(async (file: string, flags: Flags & Parameters<typeof connectionFrom>[0]) => {
    const conn = connectionFrom(flags);
    const log = createLogger(
      conn.logLevel === 'info' ? 'warn' : conn.logLevel,
      'streamfold-simulate',
    );
    const topology = loadTopologyArgument(file);
    const topic = topology.source.topic;
    const options = resolveSimOptions({
      orders: flags.orders,
      seed: flags.seed,
      duplicates: flags.duplicates,
      malformed: flags.malformed,
      invalidTransitions: flags.invalidTransitions,
      currencies: flags.currencies,
      startTime: flags.startTime,
      maxValueBytes: topology.event.maxValueBytes,
    });
    const expected = plan(options);

    // Fail fast and clearly: with auto-creation off, a missing topic would only show up as
    // delivery timeouts minutes later.
    const admin = await connectKafka(
      createAdmin(conn, log, { clientId: 'streamfold-simulate' }),
      conn,
      'simulate',
    );
    try {
      const topics = await admin.listTopics();
      if (!topics.includes(topic)) {
        throw new StreamfoldError(
          ErrorCodes.TOPIC_MISSING,
          `topic ${topic} (source of topology ${topology.name}) does not exist on ${conn.brokers.join(',')}; create it with \`streamfold topics create ${topology.file}\``,
        );
      }
    } finally {
      await admin.disconnect().catch(() => undefined);
    }

    const producer = await connectKafka(
      createProducer(conn, log, { clientId: 'streamfold-simulate' }),
      conn,
      'simulate',
    );
    const bar =
      process.stderr.isTTY && !flags.json
        ? new cliProgress.SingleBar(
            {
              format:
                'simulate |{bar}| {value}/{total} records | {rate} rec/s | eta {eta_formatted}',
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
    const kinds = Object.fromEntries(SimKinds.map((k) => [k, 0])) as Record<SimKind, number>;
    const window = new SendWindow(MAX_IN_FLIGHT);
    const chunkSize = flags.rate
      ? Math.max(1, Math.min(MAX_CHUNK, Math.ceil(flags.rate / PACING_HZ)))
      : MAX_CHUNK;
    const started = Date.now();
    let delivered = 0;
    let handedOver = 0;
    bar?.start(expected.records, 0, { rate: 0 });

    const flush = async (chunk: KafkaJS.Message[]): Promise<void> => {
      if (flags.rate) {
        const due = started + (handedOver / flags.rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await sleep(wait);
      }
      await window.admit(chunk.length);
      handedOver += chunk.length;
      window.add(producer.send({ topic, messages: chunk }), chunk.length, (n) => {
        delivered += n;
        const seconds = (Date.now() - started) / 1000;
        bar?.update(delivered, { rate: seconds > 0 ? Math.round(delivered / seconds) : 0 });
      });
    };

    try {
      let chunk: KafkaJS.Message[] = [];
      for (const record of generate(options)) {
        kinds[record.kind] += 1;
        chunk.push({ key: record.key, value: record.value });
        if (chunk.length >= chunkSize) {
          await flush(chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) await flush(chunk);
      await window.drain();
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new StreamfoldError(
        ErrorCodes.KAFKA_UNAVAILABLE,
        `producing to ${topic} failed after ${delivered} of ${expected.records} records: ${reason}`,
        { cause },
      );
    } finally {
      bar?.stop();
      await producer.disconnect().catch(() => undefined);
    }

    const elapsedMs = Date.now() - started;
    const summary = {
      topic,
      seed: options.seed,
      orders: options.orders,
      records: delivered,
      kinds,
      elapsedMs,
      eventsPerSecond: Math.round(delivered / Math.max(elapsedMs / 1000, 0.001)),
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      const byKind = SimKinds.map((k) => `${kinds[k]} ${k}`).join(', ');
      process.stdout.write(
        `simulate: ${delivered} records (${byKind}) for ${options.orders} orders to ${topic} in ${elapsedMs} ms, ${summary.eventsPerSecond} events/s\n`,
      );
    }
  });
}
