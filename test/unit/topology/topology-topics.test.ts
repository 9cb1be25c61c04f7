import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  loadAnyTopology,
  loadLanguageTopology,
  loadTopology,
  topologyTopicLayout,
  topologyTopics,
  type TopologyIssue,
} from '../../../src/topology/index.js';
import { configIssues } from '../helpers/config-issues.js';

const topologies = fileURLToPath(new URL('../../../topologies/', import.meta.url));
const payments = `${topologies}payments.yaml`;
/** The built-in format, kept as a fixture until it goes. */
const legacyOrders = fileURLToPath(new URL('../../fixtures/legacy/orders.yaml', import.meta.url));
const scratch = mkdtempSync(path.join(tmpdir(), 'sf-topology-topics-'));

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('topologyTopics of a language topology', () => {
  it('lists the input, then every declared output in the documented order', () => {
    expect(topologyTopics(loadLanguageTopology(payments))).toEqual([
      'payment-events',
      'payment-status',
      'payment-anomalies',
      'payment-events-dlt',
      'payment-aggregate-updates',
      'payment-windows',
      'payment-events-late',
    ]);
  });

  it('leaves out the outputs a file does not declare', () => {
    expect(topologyTopics(loadLanguageTopology(`${topologies}customers.yaml`))).toEqual([
      'order-events',
      'customer-events-dlt',
      'customer-value-updates',
    ]);
  });

  it('keeps the documented order whatever order the file writes its outputs in', () => {
    const text = readFileSync(payments, 'utf8').replace(
      'schema: schemas/',
      'schema: ' + `${topologies}schemas/`,
    );
    // Without aggregates, the aggregates output may go too.
    const reordered =
      text.slice(0, text.indexOf('\naggregates:\n') + 1) +
      text.slice(text.indexOf('\nparking:\n') + 1, text.indexOf('\noutputs:\n') + 1) +
      'outputs:\n  late: l\n  windows: w\n  deadLetter: d\n  status: s\n';
    const file = path.join(scratch, 'reordered.yaml');
    writeFileSync(file, reordered);
    expect(topologyTopics(loadLanguageTopology(file))).toEqual([
      'payment-events',
      's',
      'd',
      'w',
      'l',
    ]);
  });

  it("gives every topic the input's partitions and replication factor", () => {
    const text = readFileSync(payments, 'utf8')
      .replace('schema: schemas/', 'schema: ' + `${topologies}schemas/`)
      .replace('partitions: 6', 'partitions: 3')
      .replace('replicationFactor: 1', 'replicationFactor: 2');
    const file = path.join(scratch, 'layout.yaml');
    writeFileSync(file, text);
    expect(topologyTopicLayout(loadLanguageTopology(file))).toEqual({
      partitions: 3,
      replicationFactor: 2,
    });
  });
});

describe('topologyTopics of a legacy topology', () => {
  it('lists the source, then its outputs, as before', () => {
    const orders = loadTopology(legacyOrders);
    expect(topologyTopics(orders)).toEqual([
      'order-events',
      'order-status',
      'revenue-updates',
      'order-anomalies',
      'order-events-dlt',
      'revenue-windows',
      'order-events-late',
    ]);
    expect(topologyTopicLayout(orders)).toEqual({ partitions: 6, replicationFactor: 1 });
  });
});

describe('loadAnyTopology', () => {
  it('tags a file with the format it is written in', () => {
    const language = loadAnyTopology(payments);
    expect(language.kind).toBe('language');
    // The compiled validator is a new function per load: compare everything else.
    const { schema, ...rest } = loadLanguageTopology(payments);
    expect(language.topology).toMatchObject({ ...rest, schema: { json: schema.json } });
    const legacy = loadAnyTopology(legacyOrders);
    expect(legacy.kind).toBe('legacy');
    expect(legacy.topology).toEqual(loadTopology(legacyOrders));
  });

  it('reports a language file with positions, and a missing file by name', () => {
    const file = path.join(scratch, 'bad.yaml');
    writeFileSync(
      file,
      readFileSync(payments, 'utf8')
        .replace('schema: schemas/', 'schema: ' + `${topologies}schemas/`)
        .replace('to: voided', 'to: voidd'),
    );
    const issues = configIssues(() => loadAnyTopology(file)) as readonly TopologyIssue[];
    expect(issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['state.machine.states.2', 28, 36],
      ['state.machine.transitions.2.to', 42, 54],
    ]);
    const missing = configIssues(() => loadAnyTopology(path.join(scratch, 'none.yaml')));
    expect(missing.map((i) => [i.path, i.message])).toEqual([
      ['(file)', 'expected a readable topology file, got no such file'],
    ]);
  });
});
