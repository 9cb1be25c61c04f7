import { describe, expect, it } from 'vitest';
import { parseInstant, windowSizeOf } from '../../../src/query/window-params.js';
import { WindowQueryError } from '../../../src/query/window-query.js';
import { compileTopology } from '../../../src/topology/load-topology.js';

const topology = compileTopology(
  {
    name: 'orders',
    source: { topic: 'in', group: 'g' },
    windows: { sizes: ['1h', '60s'] },
    outputs: { deadLetter: 'dlt', windows: 'w', late: 'l' },
  },
  'test.yaml',
);

describe('window query parameters', () => {
  it('finds a size by any spelling of its duration', () => {
    expect(windowSizeOf(topology, '1m')).toEqual({ label: '1m', ms: 60_000 });
    expect(windowSizeOf(topology, '60000ms')).toEqual({ label: '1m', ms: 60_000 });
    expect(windowSizeOf(topology, '60m')).toEqual({ label: '1h', ms: 3_600_000 });
  });

  it('refuses sizes the topology does not have, naming the ones it has', () => {
    expect(() => windowSizeOf(topology, '5m')).toThrow(
      'no windows of size 5m: the topology has 1m, 1h',
    );
    expect(() => windowSizeOf(topology, null)).toThrow(WindowQueryError);
    expect(() => windowSizeOf(topology, 'soon')).toThrow('no windows of size soon');
  });

  it('reads epoch milliseconds and ISO 8601', () => {
    expect(parseInstant('from', '1764300000000')).toBe(1_764_300_000_000);
    expect(parseInstant('from', '2025-11-28T03:20:00Z')).toBe(1_764_300_000_000);
    expect(() => parseInstant('to', 'yesterday')).toThrow(
      'to must be epoch milliseconds or ISO 8601',
    );
    expect(() => parseInstant('to', null)).toThrow('to is required');
  });
});
