import { setTimeout as sleep } from 'node:timers/promises';
import cliProgress from 'cli-progress';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { Producer } from '../kafka/index.js';
import { SendWindow } from '../kafka/send-window.js';

/** Largest send(); smaller when rate-limited, so pacing stays smooth. */
const MAX_CHUNK = 500;
/** Messages handed to the producer and not yet acknowledged. */
const MAX_IN_FLIGHT = 20_000;
/** Sends per second when rate-limited. */
const PACING_HZ = 20;

/** One record a simulator emits, with the kind its summary counts it under. */
export interface KindedRecord<K extends string> {
  readonly key: string;
  readonly value: Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
  readonly kind: K;
}

export interface ProduceOptions<K extends string> {
  readonly topic: string;
  /** Every kind, in the order the summary lists them. */
  readonly kinds: readonly K[];
  /** Records per second; undefined: as fast as the broker takes them. */
  readonly rate: number | undefined;
  /** Shows a progress bar on stderr. */
  readonly progress: boolean;
  /** The records the stream will have, when known beforehand: the bar then shows an eta. */
  readonly total?: number;
}

export interface ProduceResult<K extends string> {
  /** Records the broker acknowledged. */
  readonly delivered: number;
  readonly kinds: Readonly<Record<K, number>>;
  readonly elapsedMs: number;
}

function progressBar(total: number | undefined): cliProgress.SingleBar {
  const format =
    total === undefined
      ? 'simulate | {value} records | {rate} rec/s'
      : 'simulate |{bar}| {value}/{total} records | {rate} rec/s | eta {eta_formatted}';
  return new cliProgress.SingleBar(
    { format, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
}

/**
 * Produces a simulator's records to one topic, key and headers as generated, in stream order
 * (the producer is idempotent, so order within a partition holds with many sends in flight),
 * at most `rate` per second. Fails with SF_KAFKA_UNAVAILABLE saying how far it got; an error of
 * the records' own source is rethrown as it is.
 */
export async function produceRecords<K extends string>(
  producer: Producer,
  records: Iterable<KindedRecord<K>>,
  opts: ProduceOptions<K>,
): Promise<ProduceResult<K>> {
  const { topic, rate } = opts;
  const kinds = Object.fromEntries(opts.kinds.map((k) => [k, 0])) as Record<K, number>;
  const bar = opts.progress ? progressBar(opts.total) : undefined;
  const window = new SendWindow(MAX_IN_FLIGHT);
  const chunkSize = rate
    ? Math.max(1, Math.min(MAX_CHUNK, Math.ceil(rate / PACING_HZ)))
    : MAX_CHUNK;
  const started = Date.now();
  let delivered = 0;
  let handedOver = 0;
  // cli-progress needs a total; without one the format above shows none.
  bar?.start(opts.total ?? 0, 0, { rate: 0 });

  const flush = async (chunk: KafkaJS.Message[]): Promise<void> => {
    if (rate) {
      const wait = started + (handedOver / rate) * 1000 - Date.now();
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
    for (const record of records) {
      kinds[record.kind] += 1;
      chunk.push(
        record.headers === undefined
          ? { key: record.key, value: record.value }
          : { key: record.key, value: record.value, headers: { ...record.headers } },
      );
      if (chunk.length >= chunkSize) {
        await flush(chunk);
        chunk = [];
      }
    }
    if (chunk.length > 0) await flush(chunk);
    await window.drain();
  } catch (cause) {
    if (cause instanceof StreamfoldError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const of = opts.total === undefined ? '' : ` of ${opts.total}`;
    throw new StreamfoldError(
      ErrorCodes.KAFKA_UNAVAILABLE,
      `producing to ${topic} failed after ${delivered}${of} records: ${reason}`,
      { cause },
    );
  } finally {
    bar?.stop();
  }
  return { delivered, kinds, elapsedMs: Date.now() - started };
}
