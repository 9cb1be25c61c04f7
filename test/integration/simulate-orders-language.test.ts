/**
 * `simulate <file> --orders N` runs the order simulator whatever the topology's format: on the
 * language version of the order topology (topologies/orders.yaml) it produces the records
 * it produced on the built-in format (test/fixtures/legacy/orders.yaml), byte for byte, so the switch-over changes no
 * stream a command line makes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { readTopic, type TopicRecord } from '../../src/kafka/read-topic.js';
import { generate, resolveSimOptions } from '../../src/sim/index.js';
import { eventually, testConnection, testLogger } from '../helpers/env.js';
import { KafkaTestKit } from '../helpers/kafka.js';

const topologies = fileURLToPath(new URL('../../topologies/', import.meta.url));
const PARTITIONS = 3;

/** Runs `streamfold <args>` in this process, as the CLI's program does; returns its stdout. */
async function streamfold(args: readonly string[]): Promise<string> {
  const program = new Command('streamfold').exitOverride();
  registerSimulate(program);
  const out: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    write.mockRestore();
  }
  return out.join('');
}

/** Key and value bytes of each record, per key in the order produced (one key, one partition). */
function byKey(records: readonly { key: string; value: Buffer | null }[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of records) {
    out.set(r.key, [...(out.get(r.key) ?? []), r.value?.toString('base64') ?? 'null']);
  }
  return out;
}

function read(records: readonly TopicRecord[]) {
  return [...records]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => ({ key: r.key?.toString() ?? '', value: r.value, partition: r.partition }));
}

describe('streamfold simulate --orders on the language version of the order topology', () => {
  const kit = new KafkaTestKit();
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sf-simulate-orders-'));
  });

  afterEach(async () => {
    await kit.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A copy of a shipped topology reading a topic of its own, created and listed. */
  async function copy(shipped: string, name: string): Promise<[string, string]> {
    const topic = await kit.createTopic(`simulate-${name}`, PARTITIONS);
    const file = path.join(dir, `${name}.yaml`);
    const text = readFileSync(`${topologies}${shipped}`, 'utf8')
      .replace('schema: schemas/', `schema: ${topologies}schemas/`)
      .replace('partitions: 6', `partitions: ${PARTITIONS}`)
      .replace('topic: order-events', `topic: ${topic}`);
    writeFileSync(file, text);
    // simulate refuses a topic the broker does not list yet: wait until it does.
    const admin = await kit.admin();
    await eventually(`topic ${topic} listed`, async () =>
      (await admin.listTopics()).includes(topic) ? true : undefined,
    );
    return [file, topic];
  }

  it('produces the keys and values of the legacy topology, byte for byte', async () => {
    const [legacyFile, legacyTopic] = await copy('../test/fixtures/legacy/orders.yaml', 'legacy');
    const [languageFile, languageTopic] = await copy('orders.yaml', 'language');
    const args = ['--orders', '200', '--seed', '3', '--json'];
    const legacySummary = JSON.parse(await streamfold(['simulate', legacyFile, ...args])) as Record<
      string,
      unknown
    >;
    const languageSummary = JSON.parse(
      await streamfold(['simulate', languageFile, ...args]),
    ) as Record<string, unknown>;

    const generated = [...generate(resolveSimOptions({ orders: 200, seed: 3 }))];
    const kinds = { event: 0, duplicate: 0, malformed: 0, invalid: 0 };
    for (const r of generated) kinds[r.kind] += 1;
    const expected = { seed: 3, orders: 200, records: generated.length, kinds };
    expect(legacySummary).toMatchObject({ topic: legacyTopic, ...expected });
    expect(languageSummary).toMatchObject({ topic: languageTopic, ...expected });

    const conn = testConnection();
    const readAll = async (topic: string) => {
      const records: TopicRecord[] = [];
      await readTopic(conn, testLogger(), topic, { onRecord: (r) => records.push(r) });
      return read(records);
    };
    const legacy = await readAll(legacyTopic);
    const language = await readAll(languageTopic);
    expect(language).toHaveLength(generated.length);
    expect(legacy).toHaveLength(generated.length);
    // The same bytes under the same keys, each key's records in the same order...
    expect(byKey(language)).toEqual(byKey(legacy));
    expect(byKey(language)).toEqual(byKey(generated));
    // ...and each key in the same partition.
    const partitionOf = (records: typeof legacy) =>
      new Map(records.map((r) => [r.key, r.partition]));
    expect(partitionOf(language)).toEqual(partitionOf(legacy));
  });
});
