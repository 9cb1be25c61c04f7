/**
 * Hostile input against a running worker: every class of bad record, a value near the broker's
 * message size limit, and 1,000 fuzzed mutations of valid events. Every record that breaks the
 * contract must reach the dead-letter topic with its headers, the partition must never stall,
 * and valid events around them must be applied exactly (reconcile).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { MAX_DEAD_LETTER_VALUE_BYTES } from '../../src/pipeline/index.js';
import { RequiredDltHeaders } from '../../src/reconcile/index.js';
import { validateRecord } from '../../src/reconcile/reference-validate.js';
import { KafkaTestKit } from '../helpers/kafka.js';
import { Scenario } from '../helpers/scenario.js';
import { readAll, seededRandom } from '../helpers/windows-topic.js';

const PARTITIONS = 3;
const MAX_VALUE_BYTES = 65_536;
const T0 = 1_764_300_000_000;

function placed(orderId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: `${orderId}-placed`,
    type: 'OrderPlaced',
    orderId,
    customerId: 'cus-1',
    timestamp: T0,
    data: {
      items: [{ productId: 'p-1', quantity: 2, priceCents: 500 }],
      totalCents: 1000,
      currency: 'USD',
    },
    ...extra,
  };
}

const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

/** One record per hostile class, keyed like a real event so only the value is at fault. */
function hostileClasses(): { name: string; key: string; value: Buffer | null }[] {
  const id = (n: string) => `hostile-${n}`;
  const base = (n: string) => JSON.stringify(placed(id(n)));
  return [
    { name: 'truncated JSON', key: id('a'), value: Buffer.from(base('a').slice(0, 40)) },
    { name: 'binary', key: id('b'), value: Buffer.from([0xff, 0x00, 0x13, 0x37, 0xfe, 0x01]) },
    { name: 'empty value', key: id('c'), value: Buffer.alloc(0) },
    { name: 'tombstone', key: id('d'), value: null },
    {
      name: 'invalid UTF-8',
      key: id('e'),
      value: Buffer.concat([
        Buffer.from(base('e').slice(0, 30)),
        Buffer.from([0xc3, 0x28]),
        Buffer.from(base('e').slice(30)),
      ]),
    },
    {
      name: '__proto__ key',
      key: id('f'),
      value: Buffer.from(base('f').replace('{', '{"__proto__":{"polluted":"yes"},')),
    },
    {
      name: 'constructor.prototype key',
      key: id('g'),
      value: Buffer.from(
        base('g').replace('"data":{', '"data":{"constructor":{"prototype":{"polluted":"yes"}},'),
      ),
    },
    {
      name: 'huge amount',
      key: id('h'),
      value: json(placed(id('h'), { data: { items: [], totalCents: 1e300, currency: 'USD' } })),
    },
    {
      name: 'unsafe integer amount',
      key: id('i'),
      value: json(placed(id('i'), { data: { items: [], totalCents: 2 ** 60, currency: 'USD' } })),
    },
    {
      name: 'negative amount',
      key: id('j'),
      value: json(placed(id('j'), { data: { items: [], totalCents: -1, currency: 'USD' } })),
    },
    {
      name: 'float amount',
      key: id('k'),
      value: json(placed(id('k'), { data: { items: [], totalCents: 10.5, currency: 'USD' } })),
    },
    { name: 'unknown type', key: id('l'), value: json(placed(id('l'), { type: 'OrderRefunded' })) },
    {
      name: 'missing field',
      key: id('m'),
      value: json({ ...placed(id('m')), customerId: undefined }),
    },
    { name: 'extra field', key: id('n'), value: json(placed(id('n'), { channel: 'web' })) },
    { name: 'id over the limit', key: 'x'.repeat(65), value: json(placed('x'.repeat(65))) },
    { name: 'JSON that is not an object', key: id('o'), value: Buffer.from('[1,2,3]') },
    {
      name: 'deeply nested JSON',
      key: id('p'),
      value: Buffer.from('['.repeat(5000) + ']'.repeat(5000)),
    },
    {
      // Over the topology's limit and over what a dead letter keeps: cut and marked.
      name: 'value near the broker message size limit',
      key: id('q'),
      value: Buffer.from(base('q').slice(0, -1) + `,"pad":"${'z'.repeat(900_000)}"}`),
    },
  ];
}

/** A valid event's bytes with a seeded mutation: byte flips, cuts, splices or duplicated bytes. */
function fuzzed(random: ReturnType<typeof seededRandom>, n: number): Buffer {
  const bytes = Buffer.from(JSON.stringify(placed(`fuzz-${n}`)));
  const at = random.int(0, bytes.length - 1);
  switch (n % 5) {
    case 0:
      bytes[at] = random.int(0, 255);
      return bytes;
    case 1:
      return bytes.subarray(0, at);
    case 2:
      return Buffer.concat([
        bytes.subarray(0, at),
        Buffer.from([random.int(0, 255), random.int(0, 255)]),
        bytes.subarray(at),
      ]);
    case 3:
      return Buffer.concat([bytes.subarray(at), bytes.subarray(0, at)]);
    default:
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at - Math.min(at, 8))]);
  }
}

describe('hostile input', () => {
  let scenario: Scenario;
  const kit = new KafkaTestKit();

  beforeEach(async () => {
    scenario = new Scenario(PARTITIONS);
    await scenario.createTopics();
  });

  afterEach(async () => {
    await kit.close();
    await scenario.cleanup();
  });

  it('dead-letters every bad record with its headers, never stalls, and applies the rest exactly', async () => {
    const random = seededRandom(7);
    const classes = hostileClasses();
    const fuzz = Array.from({ length: 1000 }, (_, n) => ({
      key: `fuzz-${n}`,
      value: fuzzed(random, n),
    }));
    // Valid events between the bad ones: they must all be applied around them.
    const valid = Array.from({ length: 300 }, (_, n) => ({
      key: `ok-${n}`,
      value: json(placed(`ok-${n}`)),
    }));
    const messages: KafkaJS.Message[] = [...classes, ...fuzz, ...valid]
      .map((m, i) => ({ ...m, partition: i % PARTITIONS }))
      .sort((a, b) => (a.key < b.key ? -1 : 1));

    const producer = await kit.producer({ 'message.max.bytes': 2_000_000 });
    for (let i = 0; i < messages.length; i += 200) {
      await producer.send({ topic: scenario.topics.source, messages: messages.slice(i, i + 200) });
    }

    const worker = scenario.startWorker();
    await scenario.waitDrained();

    // The expectation, from the independent validator: which records must be dead letters.
    const invalid = messages.filter(
      (m) =>
        !validateRecord(
          m.key === undefined ? null : Buffer.from(m.key as string),
          m.value as Buffer | null,
          MAX_VALUE_BYTES,
        ).ok,
    );
    // Every named class is invalid; fuzzing broke most of the valid events it started from.
    for (const c of classes) {
      expect(
        invalid.some((m) => m.key === c.key && m.value === c.value),
        c.name,
      ).toBe(true);
    }
    expect(invalid.length).toBeGreaterThan(classes.length + 900);

    const { code, report } = await scenario.reconcile();
    expect(report.dlt).toMatchObject({
      ok: true,
      expected: invalid.length,
      actual: invalid.length,
      missing: 0,
      unexpected: 0,
      headerProblems: [],
      contentMismatches: [],
    });
    expect(report).toMatchObject({ ok: true });
    expect(code).toBe(0);

    const dlt = await readAll(scenario.topics.deadLetter);
    for (const record of dlt) {
      for (const header of RequiredDltHeaders) expect(record.headers[header], header).toBeDefined();
    }
    const big = dlt.find((r) => r.key?.toString() === 'hostile-q');
    expect(big?.headers['sf-error-class']).toBe('too-large');
    expect(big?.headers['sf-value-truncated']).toBe(String(classes.at(-1)!.value!.length));
    expect(big?.value?.length).toBe(MAX_DEAD_LETTER_VALUE_BYTES);

    // Nothing reached Object.prototype in this process either (the validator parsed them all).
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });
});
