import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerSimulate } from '../../src/cli/commands/simulate.js';
import { registerTopics } from '../../src/cli/commands/topics.js';
import { ErrorCodes, StreamfoldError } from '../../src/errors.js';
import { readTopic, type TopicRecord } from '../../src/kafka/read-topic.js';
import {
  generateProgramEvents,
  resolveProgramSimOptions,
  type ProgramSimKind,
  type ProgramSimRecord,
} from '../../src/sim/program/index.js';
import {
  loadLanguageTopology,
  topologyTopics,
  type LanguageTopology,
} from '../../src/topology/index.js';
import { eventually, testConnection, testLogger, uniqueName } from '../helpers/env.js';
import { KafkaTestKit } from '../helpers/kafka.js';
import { validator } from '../unit/sim/program/ajv.js';

const topologies = fileURLToPath(new URL('../../topologies/', import.meta.url));
const PARTITIONS = 3;

/** Runs `streamfold <args>` in this process, as the CLI's program does; returns its stdout. */
async function streamfold(args: readonly string[]): Promise<string> {
  const program = new Command('streamfold').exitOverride();
  registerTopics(program);
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

/** One record as bytes on the wire, to match what was read with what was generated. */
function wire(r: {
  key: string | Buffer | null;
  value: Buffer | null;
  headers: Record<string, string>;
}): string {
  const headers = Object.entries(r.headers).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([r.key?.toString() ?? null, r.value?.toString('base64') ?? null, headers]);
}

/** Why the engine must refuse a value, or `accepted`; judged from the bytes alone. */
function verdict(
  topology: LanguageTopology,
  validate: (value: unknown) => boolean,
  record: TopicRecord,
): 'unparsable' | 'schema-invalid' | 'key-mismatch' | 'too-large' | 'accepted' {
  if (record.value === null || record.value.length === 0) return 'unparsable';
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(record.value));
  } catch {
    return 'unparsable';
  }
  if (!validate(value)) return 'schema-invalid';
  if ((value as Record<string, unknown>).paymentId !== record.key?.toString()) {
    return 'key-mismatch';
  }
  return record.value.length > topology.input.maxValueBytes ? 'too-large' : 'accepted';
}

describe('streamfold simulate and topics create on a language topology', () => {
  const kit = new KafkaTestKit();
  let dir: string;
  let file: string;
  let topics: string[];
  /** Whether the test ran `topics create`, so the topics are there to delete. */
  let created: boolean;

  beforeEach(() => {
    // The shipped payments topology, its topics renamed so no other test or run shares them.
    dir = mkdtempSync(path.join(tmpdir(), 'sf-simulate-'));
    file = path.join(dir, 'payments.yaml');
    const input = uniqueName('payments-sim');
    const text = readFileSync(`${topologies}payments.yaml`, 'utf8')
      .replace('schema: schemas/', `schema: ${topologies}schemas/`)
      .replace('partitions: 6', `partitions: ${PARTITIONS}`)
      .replace('topic: payment-events', `topic: ${input}`)
      .replaceAll(/: payment-([a-z-]+)$/gm, `: ${input}-$1`);
    writeFileSync(file, text);
    topics = topologyTopics(loadLanguageTopology(file));
    created = false;
  });

  const createTopics = async (): Promise<unknown> => {
    created = true;
    return JSON.parse(await streamfold(['topics', 'create', file, '--json'])) as unknown;
  };

  afterEach(async () => {
    // Deleted by name, not by listing: a topic created a moment ago may not be listed yet.
    if (created) await (await kit.admin()).deleteTopics({ topics });
    await kit.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('topics create makes the input and every output, with the input partitions', async () => {
    expect(topics).toHaveLength(7);
    expect(await createTopics()).toEqual({ created: topics, existing: [] });
    const admin = await kit.admin();
    // A topic just created is known to the broker's metadata a moment later.
    const metadata = await eventually('metadata of the created topics', () =>
      admin.fetchTopicMetadata({ topics }),
    );
    expect(metadata.map((m) => [m.name, m.partitions.length])).toEqual(
      topics.map((t) => [t, PARTITIONS]),
    );
    // Run again, it keeps what exists.
    expect(await createTopics()).toEqual({
      created: [],
      existing: topics.map((topic) => ({ topic, partitions: PARTITIONS })),
    });
  });

  it('simulate refuses a topology whose input topic does not exist, naming the fix', async () => {
    const run = streamfold(['simulate', file, '--keys', '10', '--seed', '1']);
    await expect(run).rejects.toBeInstanceOf(StreamfoldError);
    await expect(run).rejects.toMatchObject({ code: ErrorCodes.TOPIC_MISSING });
    await expect(run).rejects.toThrow(`create it with \`streamfold topics create`);
  });

  it('simulate produces exactly the generated records, with their keys and headers', async () => {
    await createTopics();
    const topology = loadLanguageTopology(file);
    const knobs = { duplicates: 0.1, malformed: 0.1, invalid: 0.1, invalidTransitions: 0.1 };
    const summary = JSON.parse(
      await streamfold([
        'simulate',
        file,
        '--keys',
        '300',
        '--seed',
        '7',
        '--duplicates',
        '0.1',
        '--malformed',
        '0.1',
        '--invalid',
        '0.1',
        '--invalid-transitions',
        '0.1',
        '--json',
      ]),
    ) as { records: number; kinds: Record<ProgramSimKind, number> };

    const generated: ProgramSimRecord[] = [
      ...generateProgramEvents(
        topology.program,
        topology.schema.json,
        resolveProgramSimOptions({
          keys: 300,
          seed: 7,
          ...knobs,
          maxValueBytes: topology.input.maxValueBytes,
        }),
      ),
    ];
    const kinds: Record<ProgramSimKind, number> = {
      event: 0,
      duplicate: 0,
      malformed: 0,
      invalid: 0,
      anomaly: 0,
    };
    for (const r of generated) kinds[r.kind] += 1;
    expect(summary).toMatchObject({
      topic: topology.input.topic,
      seed: 7,
      keys: 300,
      records: generated.length,
      kinds,
    });
    // Every kind is in the stream, so every check below has something to check.
    expect(Object.values(kinds).every((n) => n > 0)).toBe(true);

    const read: TopicRecord[] = [];
    const result = await readTopic(testConnection(), testLogger(), topology.input.topic, {
      onRecord: (r) => read.push(r),
    });
    expect(result.records).toBe(generated.length);

    // The same records, and under each key in the order generated (one key, one partition).
    const byKey = <T>(records: readonly T[], key: (r: T) => string, bytes: (r: T) => string) => {
      const out = new Map<string, string[]>();
      for (const r of records) out.set(key(r), [...(out.get(key(r)) ?? []), bytes(r)]);
      return out;
    };
    const inOffsetOrder = [...read].sort(
      (a, b) => a.partition - b.partition || a.offset - b.offset,
    );
    expect(byKey(inOffsetOrder, (r) => r.key?.toString() ?? '', wire)).toEqual(
      byKey(generated, (r) => r.key, wire),
    );

    // Now each record read has its kind: the generated record with the same bytes.
    const kindOf = new Map(generated.map((r) => [wire(r), r.kind]));
    const validate = validator(topology.schema.json);
    const verdicts: Record<ProgramSimKind, Set<string>> = {
      event: new Set(),
      duplicate: new Set(),
      malformed: new Set(),
      invalid: new Set(),
      anomaly: new Set(),
    };
    for (const r of read) {
      expect(r.headers['content-type']).toBe('application/json');
      verdicts[kindOf.get(wire(r))!].add(verdict(topology, validate, r));
    }
    expect(verdicts.event).toEqual(new Set(['accepted']));
    expect(verdicts.duplicate).toEqual(new Set(['accepted']));
    expect(verdicts.anomaly).toEqual(new Set(['accepted']));
    expect(verdicts.invalid).toEqual(new Set(['schema-invalid']));
    // A dead-letter record does not parse, or parses but breaks the one other rule it was made
    // to break: keyed by another id, or larger than the topology takes.
    expect(verdicts.malformed).toEqual(new Set(['unparsable', 'key-mismatch', 'too-large']));
  });
});
