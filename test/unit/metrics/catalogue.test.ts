import { describe, expect, it } from 'vitest';
import { DecodeErrorClasses } from '../../../src/pipeline/decode.js';
import { PROCESSING_ERROR_CLASS } from '../../../src/pipeline/index.js';
import {
  FailureReasons,
  metricCatalogue,
  metricDefinitions,
  type MetricDefinition,
} from '../../../src/metrics/index.js';

/**
 * Every label a metric may carry. Each takes its values from a bounded set (a topology's
 * topics, its partitions, the aggregates its file declares, an `as const` object, the build); anything else, an order or customer
 * id above all, would grow a series per value.
 */
const boundedLabels = new Set([
  'topology',
  'aggregate',
  'group',
  'topic',
  'partition',
  'result',
  'reason',
  'error_class',
  'command',
  'type',
  'version',
  'node_version',
  'librdkafka_version',
]);

const nameOf = (def: MetricDefinition): string => def.name;

describe('metric catalogue', () => {
  it('prefixes every name with streamfold_ and keeps names unique', () => {
    for (const def of metricDefinitions) expect(def.name).toMatch(/^streamfold_[a-z0-9_]+$/);
    const names = metricDefinitions.map(nameOf);
    expect(new Set(names).size).toBe(names.length);
  });

  it('ends counters, and only counters, in _total', () => {
    const misnamed = metricDefinitions.filter(
      (def) => (def.type === 'counter') !== def.name.endsWith('_total'),
    );
    expect(misnamed.map(nameOf)).toEqual([]);
  });

  it('names time in seconds and sizes in bytes (base units)', () => {
    const about = (def: MetricDefinition, words: RegExp): boolean =>
      words.test(def.name) || words.test(def.help);
    const timed = metricDefinitions.filter((d) => about(d, /duration|latency|time|age\b/i));
    expect(timed.map(nameOf).filter((n) => !/_seconds(_total)?$/.test(n))).toEqual([]);
    expect(
      metricDefinitions
        .filter((d) => /_bytes|byte size/i.test(d.name + d.help))
        .map(nameOf)
        .filter((n) => !/_bytes(_total)?$/.test(n)),
    ).toEqual([]);
    // No other unit slips in.
    const otherUnits = /_(milli|micro|nano)?(seconds?|ms|us|minutes?|hours?|kb|mb|bits?)(_|$)/;
    expect(
      metricDefinitions.map(nameOf).filter((n) => otherUnits.test(n) && !/_seconds$/.test(n)),
    ).toEqual([]);
  });

  it('uses only bounded label names, never ids or keys', () => {
    for (const def of metricDefinitions) {
      for (const label of def.labelNames) {
        expect(boundedLabels, `${def.name}{${label}}`).toContain(label);
        expect(label).not.toMatch(/order|customer|key|(^|_)id$|event/);
      }
      expect(new Set(def.labelNames).size).toBe(def.labelNames.length);
    }
  });

  it('gives histograms explicit, increasing buckets and no other type buckets', () => {
    for (const def of metricDefinitions) {
      if (def.type !== 'histogram') {
        expect(def.buckets, def.name).toBeUndefined();
        continue;
      }
      const buckets = def.buckets ?? [];
      expect(buckets.length, def.name).toBeGreaterThan(3);
      expect([...buckets].sort((a, b) => a - b)).toEqual(buckets);
      expect(new Set(buckets).size).toBe(buckets.length);
    }
    expect(metricCatalogue.batchSize.buckets).toEqual([1, 10, 50, 100, 250, 500, 1000, 2000, 5000]);
  });

  it('writes help as one sentence without characters the exposition format escapes', () => {
    for (const def of metricDefinitions) {
      expect(def.help, def.name).toMatch(/^[A-Z].*\.$/);
      expect(def.help, def.name).not.toMatch(/[\n\\|]/);
    }
  });

  it('has the per-partition metrics docs/metrics.md lists', () => {
    expect(metricCatalogue.consumerLag.labelNames).toEqual(['group', 'topic', 'partition']);
    expect(metricCatalogue.consumerLagSeconds.labelNames).toEqual(['group', 'topic', 'partition']);
    expect(metricCatalogue.committedOffset.labelNames).toEqual(['group', 'topic', 'partition']);
    expect(metricCatalogue.highWatermark.labelNames).toEqual(['topic', 'partition']);
    expect(metricCatalogue.appliedOffset.labelNames).toEqual(['topic', 'partition']);
    expect(metricCatalogue.outboxDepth.labelNames).toEqual(['topic', 'partition']);
  });

  it("lists the pipeline's decode error classes as failure reasons", () => {
    const reasons: string[] = Object.values(FailureReasons);
    const besides: string[] = [FailureReasons.OTHER, FailureReasons.PROCESSING];
    expect(reasons.filter((r) => !besides.includes(r)).sort()).toEqual(
      Object.values(DecodeErrorClasses).sort(),
    );
  });

  it('counts processing failures under the dead letters’ own error class', () => {
    expect(FailureReasons.PROCESSING).toBe(PROCESSING_ERROR_CLASS);
  });
});
