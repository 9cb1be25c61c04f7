import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { validateTopologyFile, type TopologyIssue } from '../../../src/topology/index.js';

const dir = fileURLToPath(new URL('fixtures/invalid/', import.meta.url));

type Expected = Pick<TopologyIssue, 'path' | 'expected' | 'got' | 'line' | 'column'>;

const TOPIC_NAME = 'a Kafka topic name: 1-249 of letters, digits, ".", "_", "-"';

/** One row per fixture: the exact issues `validate` must report for it, in order. */
const cases: ReadonlyArray<readonly [file: string, issues: readonly Expected[]]> = [
  [
    'partitions-wrong-type.yaml',
    [{ path: 'source.partitions', expected: 'number', got: 'string "six"' }],
  ],
  [
    'partitions-out-of-range.yaml',
    [{ path: 'source.partitions', expected: 'at most 10000', got: '20000' }],
  ],
  [
    'unknown-top-level-field.yaml',
    [
      {
        path: 'foo',
        expected:
          'one of the fields name, description, source, event, aggregates, windows, parking, outputs',
        got: 'unknown field `foo`',
      },
    ],
  ],
  [
    'misspelt-source-field.yaml',
    [
      {
        path: 'source.partition',
        expected: 'one of the fields topic, group, partitions, replicationFactor',
        got: 'unknown field `partition`',
      },
    ],
  ],
  ['missing-source-topic.yaml', [{ path: 'source.topic', expected: 'string', got: 'nothing' }]],
  [
    'bad-topic-characters.yaml',
    [{ path: 'outputs.status', expected: TOPIC_NAME, got: '"order status"' }],
  ],
  [
    'unknown-event-schema.yaml',
    [{ path: 'event.schema', expected: '"order-event/v1"', got: 'string "order-event/v2"' }],
  ],
  [
    'max-value-bytes-too-small.yaml',
    [{ path: 'event.maxValueBytes', expected: 'at least 256', got: '100' }],
  ],
  [
    'output-equals-source.yaml',
    [
      {
        path: 'outputs.deadLetter',
        expected: 'a topic other than source.topic',
        got: '"order-events" (the source topic)',
      },
    ],
  ],
  [
    'duplicate-outputs.yaml',
    [
      {
        path: 'outputs.anomalies',
        expected: 'a topic no other output uses',
        got: '"order-status" (also outputs.status)',
      },
    ],
  ],
  [
    'yaml-duplicate-key.yaml',
    [
      {
        path: '(yaml)',
        expected: 'valid YAML',
        got: 'Map keys must be unique',
        line: 6,
        column: 3,
      },
    ],
  ],
  [
    'yaml-unknown-alias.yaml',
    [
      {
        path: '(yaml)',
        expected: 'an alias to an anchor defined above it',
        got: '*group',
        line: 5,
        column: 10,
      },
    ],
  ],
  [
    'empty.yaml',
    [
      {
        path: '(root)',
        expected: 'a mapping with name, source and outputs',
        got: 'an empty document',
      },
    ],
  ],
  [
    'name-uppercase.yaml',
    [
      {
        path: 'name',
        expected: 'a name of 1-48 lower-case letters, digits and "-", starting with a letter',
        got: '"Orders"',
      },
    ],
  ],
  [
    'name-reserved-characters.yaml',
    [
      {
        path: 'name',
        expected: 'a name without ":", "{" or "}" (they delimit state keys in Redis)',
        got: '"orders:eu"',
      },
    ],
  ],
  ['root-is-list.yaml', [{ path: '(root)', expected: 'mapping', got: 'a list of 1 item' }]],
  [
    'window-size-bad-duration.yaml',
    [
      {
        path: 'windows.sizes.1',
        expected: 'a duration such as 500ms, 30s, 1m, 1h or 1d',
        got: '"5 minutes"',
      },
    ],
  ],
  [
    'window-size-too-small.yaml',
    [{ path: 'windows.sizes.0', expected: 'a window size from 1s to 7d', got: '"500ms"' }],
  ],
  [
    'window-sizes-equal.yaml',
    [
      {
        path: 'windows.sizes',
        expected: 'window sizes that differ from each other',
        got: 'a list of 2 items',
      },
    ],
  ],
  [
    'window-grace-too-long.yaml',
    [{ path: 'windows.grace', expected: 'a grace period from 0s to 1d', got: '"2d"' }],
  ],
  [
    'windows-without-late.yaml',
    [
      {
        path: 'outputs.late',
        expected: 'a topic name (the topology has windows)',
        got: 'nothing',
      },
    ],
  ],
  [
    'unknown-aggregate.yaml',
    [{ path: 'aggregates.0', expected: '"customer-value"', got: 'string "customer-values"' }],
  ],
  [
    'aggregates-without-output.yaml',
    [
      {
        path: 'outputs.aggregates',
        expected: 'a topic name (the topology has aggregates)',
        got: 'nothing',
      },
    ],
  ],
  [
    'parking-max-attempts-zero.yaml',
    [{ path: 'parking.maxAttempts', expected: 'at least 1', got: '0' }],
  ],
  [
    'several-problems.yaml',
    [
      { path: 'source.group', expected: 'string', got: 'nothing' },
      { path: 'source.partitions', expected: 'at least 1', got: '0' },
      { path: 'outputs.revenue', expected: TOPIC_NAME, got: '""' },
    ],
  ],
];

function reported(file: string): Expected[] {
  const result = validateTopologyFile(`${dir}${file}`);
  if (result.ok) throw new Error(`${file} unexpectedly validated`);
  return result.issues.map(({ path, expected, got, line, column }) => ({
    path,
    expected,
    got,
    ...(line === undefined ? {} : { line, column }),
  }));
}

describe('invalid topology fixtures', () => {
  it.each(cases)('%s', (file, issues) => {
    expect(reported(file)).toEqual(issues);
  });

  it('every issue reads as "expected …, got …"', () => {
    for (const [file] of cases) {
      const result = validateTopologyFile(`${dir}${file}`);
      if (result.ok) throw new Error(`${file} unexpectedly validated`);
      for (const i of result.issues) expect(i.message).toBe(`expected ${i.expected}, got ${i.got}`);
    }
  });

  // A fixture without a row would be an untested promise.
  it('covers every fixture file', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(cases.map(([file]) => file).sort());
  });
});
