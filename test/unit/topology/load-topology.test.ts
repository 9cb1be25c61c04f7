import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { configIssues } from '../helpers/config-issues.js';
import {
  compileTopology,
  loadTopology,
  validateTopologyFile,
  type TopologyFile,
} from '../../../src/topology/index.js';

/** The built-in format's order topology, kept as a fixture until the format goes. */
const orders = fileURLToPath(new URL('../../fixtures/legacy/orders.yaml', import.meta.url));

const minimal: TopologyFile = {
  name: 'orders',
  source: { topic: 'order-events', group: 'g' },
  outputs: { status: 's', revenue: 'r', anomalies: 'a', deadLetter: 'd' },
};

const issuesOf = configIssues;

describe('loadTopology', () => {
  it('validates the built-in order topology (test/fixtures/legacy/orders.yaml)', () => {
    const result = validateTopologyFile(orders);
    expect(result.ok).toBe(true);
    const topology = loadTopology(orders);
    expect(topology).toMatchObject({
      name: 'orders',
      source: { topic: 'order-events', group: 'streamfold-orders', partitions: 6 },
      event: { schema: 'order-event/v1', maxValueBytes: 65_536 },
      outputs: { deadLetter: 'order-events-dlt' },
    });
    expect(Object.isFrozen(topology)).toBe(true);
    expect(Object.isFrozen(topology.source)).toBe(true);
  });

  it('fills the documented defaults', () => {
    const t = compileTopology(minimal, 'inline');
    expect(t.description).toBe('');
    expect(t.source).toMatchObject({ partitions: 6, replicationFactor: 1 });
    expect(t.event).toEqual({ schema: 'order-event/v1', maxValueBytes: 65_536 });
  });

  it('names a missing file instead of throwing a raw errno', () => {
    const issues = issuesOf(() => loadTopology('does/not/exist.yaml'));
    expect(issues).toEqual([
      {
        path: '(file)',
        message: 'expected a readable topology file, got no such file',
        expected: 'a readable topology file',
        got: 'no such file',
      },
    ]);
  });

  it('shows the offending value in the ConfigError message other commands print', () => {
    const doc = { ...minimal, source: { ...minimal.source, partitions: 1.5 } };
    const error = (() => {
      try {
        return compileTopology(doc, 'inline.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(
      'source.partitions: expected integer, got number 1.5',
    );
  });

  it('reports a source topic reused by several outputs once per output', () => {
    const doc = {
      ...minimal,
      outputs: { status: 'order-events', revenue: 'order-events', anomalies: 'a', deadLetter: 'd' },
    };
    expect(issuesOf(() => compileTopology(doc, 'inline')).map((i) => i.path)).toEqual([
      'outputs.status',
      'outputs.revenue',
    ]);
  });

  it('reports a nested wrong type inside a mapping field', () => {
    const doc = { ...minimal, source: 'order-events' };
    expect(issuesOf(() => compileTopology(doc, 'inline'))).toMatchObject([
      { path: 'source', expected: 'mapping', got: 'string "order-events"' },
    ]);
  });

  it('counts characters when a string is too long', () => {
    const doc = { ...minimal, description: 'x'.repeat(501) };
    expect(issuesOf(() => compileTopology(doc, 'inline'))).toMatchObject([
      { path: 'description', expected: 'at most 500 characters' },
    ]);
    const [issue] = issuesOf(() => compileTopology(doc, 'inline'));
    expect(issue?.message).toMatch(/got "x+…" \(501 characters\)$/);
  });

  it('leaves out windows and aggregates by default, and parks after 3 attempts', () => {
    const t = compileTopology(minimal, 'inline');
    expect(t.windows).toBeUndefined();
    expect(t.aggregates).toEqual([]);
    expect(t.aggregators).toEqual([]);
    expect(t.parking).toEqual({ maxAttempts: 3 });
  });

  it('needs no status, revenue or anomalies topic: only the dead-letter topic', () => {
    const t = compileTopology({ ...minimal, outputs: { deadLetter: 'd' } }, 'inline');
    expect(t.outputs).toEqual({ deadLetter: 'd' });
  });

  it('compiles windows: sizes sorted by length with canonical labels, durations in ms', () => {
    const t = compileTopology(
      {
        ...minimal,
        windows: { sizes: ['1h', '120s', '90s', '1d'], grace: '10s', idleTimeout: '500ms' },
        outputs: { ...minimal.outputs, windows: 'w', late: 'l' },
      },
      'inline',
    );
    expect(t.windows).toEqual({
      sizes: [
        { label: '90s', ms: 90_000 },
        { label: '2m', ms: 120_000 },
        { label: '1h', ms: 3_600_000 },
        { label: '1d', ms: 86_400_000 },
      ],
      graceMs: 10_000,
      idleTimeoutMs: 500,
    });
    expect(Object.isFrozen(t.windows)).toBe(true);
    expect(t.outputs).toMatchObject({ windows: 'w', late: 'l' });
  });

  it('fills the windows defaults: no grace, 30s idle timeout', () => {
    const t = compileTopology(
      {
        ...minimal,
        windows: { sizes: ['1m'] },
        outputs: { ...minimal.outputs, windows: 'w', late: 'l' },
      },
      'inline',
    );
    expect(t.windows).toEqual({
      sizes: [{ label: '1m', ms: 60_000 }],
      graceMs: 0,
      idleTimeoutMs: 30_000,
    });
  });

  it('resolves named aggregates to their aggregators and takes parking.maxAttempts', () => {
    const t = compileTopology(
      {
        ...minimal,
        aggregates: ['customer-value'],
        parking: { maxAttempts: 5 },
        outputs: { ...minimal.outputs, aggregates: 'agg' },
      },
      'inline',
    );
    expect(t.aggregates).toEqual(['customer-value']);
    expect(t.aggregators.map((a) => a.name)).toEqual(['customer-value']);
    expect(t.parking).toEqual({ maxAttempts: 5 });
  });

  it('reports a windows topic shared with another output, and both missing window outputs', () => {
    const shared = {
      ...minimal,
      windows: { sizes: ['1m'] },
      outputs: { ...minimal.outputs, windows: 'r', late: 'l' },
    };
    expect(issuesOf(() => compileTopology(shared, 'inline'))).toMatchObject([
      { path: 'outputs.windows', got: '"r" (also outputs.revenue)' },
    ]);
    const missing = { ...minimal, windows: { sizes: ['1m'] } };
    expect(issuesOf(() => compileTopology(missing, 'inline')).map((i) => i.path)).toEqual([
      'outputs.windows',
      'outputs.late',
    ]);
  });

  it('refuses more than 8 window sizes and a parking limit above 100', () => {
    const sizes = ['1s', '2s', '3s', '4s', '5s', '6s', '7s', '8s', '9s'];
    const doc = {
      ...minimal,
      windows: { sizes },
      parking: { maxAttempts: 101 },
      outputs: { ...minimal.outputs, windows: 'w', late: 'l' },
    };
    expect(issuesOf(() => compileTopology(doc, 'inline'))).toMatchObject([
      { path: 'windows.sizes', expected: 'at most 8 items' },
      { path: 'parking.maxAttempts', expected: 'at most 100', got: '101' },
    ]);
  });

  // Files prettier cannot parse either, so they are written here rather than kept as fixtures.
  describe('YAML syntax errors', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'streamfold-topology-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function syntaxIssues(text: string): readonly unknown[] {
      const file = path.join(dir, 'broken.yaml');
      writeFileSync(file, text);
      const result = validateTopologyFile(file);
      if (result.ok) throw new Error('unexpectedly valid');
      return result.issues;
    }

    it('gives line and column of an unclosed flow sequence', () => {
      expect(syntaxIssues('name: orders\nsource:\n  partitions: [6\noutputs: {}\n')).toEqual([
        {
          path: '(yaml)',
          message:
            'expected valid YAML, got Flow sequence in block collection must be sufficiently indented and end with a ]',
          expected: 'valid YAML',
          got: 'Flow sequence in block collection must be sufficiently indented and end with a ]',
          line: 4,
          column: 1,
        },
      ]);
    });

    it('reports a tab used as indentation', () => {
      expect(syntaxIssues('name: orders\nsource:\n\ttopic: x\n')).toMatchObject([
        { path: '(yaml)', got: 'Tabs are not allowed as indentation', line: 3, column: 1 },
      ]);
    });

    it('names several documents without the parser advice about its own API', () => {
      expect(syntaxIssues('name: a\n---\nname: b\n')).toMatchObject([
        { path: '(yaml)', got: 'Source contains multiple documents', line: 2 },
      ]);
    });
  });
});
