import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../../bench/report/markdown.js';
import { goals } from '../../../bench/report/summary.js';
import { latency, results, summary } from './fixtures.js';

/** The cells of a markdown table row. */
const cells = (row: string): string[] =>
  row
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((c) => c.trim());

/** The table whose header starts with `first`: header cells and body rows. */
function table(markdown: string, first: string): { header: string[]; rows: string[][] } {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  if (start < 0) throw new Error(`no table starting with "${first}"`);
  const body: string[] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    body.push(line);
  }
  return { header: cells(lines[start]!), rows: body.map(cells) };
}

const rowOf = (rows: string[][], label: string): string[] => {
  const row = rows.find((r) => r[0] === label);
  if (row === undefined) throw new Error(`no row for ${label}`);
  return row;
};

const summaries = [
  summary('b0c', { eventsPerSecond: 40_000 }),
  summary('sut', {
    eventsPerSecond: 30_000,
    cpuMicrosPerEvent: { worker: 12.34, broker: 5.67, redis: 0.89 },
    rssBytes: { peak: 300 * 2 ** 20, steady: 250 * 2 ** 20 },
    redisCommandsPerEvent: 0.0123,
  }),
  summary('b1-1', {
    ok: false,
    // Whatever a failed summary carries, the table must not show it as a speed.
    eventsPerSecond: 987_654,
    problems: ['round 2: USD expected 120, got 118', 'round 3: committed 5 of 10 records'],
  }),
];

describe('renderMarkdown', () => {
  it('shows each correct contender’s medians, and the ratio to B0c', () => {
    const md = renderMarkdown(results({ summary: summaries }));
    const { header, rows } = table(md, 'contender');
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(rowOf(rows, 'streamfold')).toEqual([
      'streamfold',
      '30,000',
      '0.75',
      '12.3',
      '5.7',
      '0.9',
      '250 / 300',
      '0.0123',
      'yes (3/3)',
    ]);
    expect(rowOf(rows, 'B0c passthrough').slice(1, 3)).toEqual(['40,000', '1.00']);
  });

  it('says FAILED for a contender with a wrong result, with its problems and no number', () => {
    const md = renderMarkdown(results({ summary: summaries }));
    const { header, rows } = table(md, 'contender');
    const failed = rowOf(rows, 'B1 naive, 1 at a time');
    expect(failed).toHaveLength(header.length);
    expect(failed[1]).toBe('FAILED');
    // Every measurement cell is empty.
    expect(failed.slice(2, -1)).toEqual(['', '', '', '', '', '']);
    expect(failed.at(-1)).toBe(
      'no: round 2: USD expected 120, got 118; round 3: committed 5 of 10 records',
    );
    expect(md).not.toContain('987,654');
    expect(md).not.toContain('987654');
  });

  it('shows no ratio to B0c when B0c itself failed', () => {
    const md = renderMarkdown(
      results({
        summary: [summary('b0c', { ok: false, problems: ['round 1: x'] }), summary('sut')],
      }),
    );
    expect(rowOf(table(md, 'contender').rows, 'streamfold')[2]).toBe('–');
  });

  it('lists every goal with its value, target and verdict', () => {
    const list = goals(
      [
        summary('b0c', { eventsPerSecond: 1_000 }),
        summary('ks', { eventsPerSecond: 4_000 }),
        summary('sut', { eventsPerSecond: 2_000, redisCommandsPerEvent: 0.05 }),
      ],
      [],
    );
    const { header, rows } = table(renderMarkdown(results({ goals: list })), 'goal');
    expect(header).toEqual(['goal', 'value', 'target', 'met']);
    expect(rows).toEqual([
      ['streamfold ÷ B0c passthrough', '2.000', '≥ 0.75', 'yes'],
      ['streamfold ÷ B1 naive at concurrency 1', 'not measured', '≥ 20', '–'],
      ['streamfold ÷ Kafka Streams', '0.500', '≥ 1', 'no'],
      ['Redis commands per event', '0.050', '≤ 0.1', 'yes'],
      ['streamfold p99 latency at 50% load, ms', 'not measured', '≤ 50', '–'],
    ]);
  });

  it('has a latency table only when there are latency results', () => {
    const without = renderMarkdown(results({ summary: summaries }));
    expect(without).not.toContain('| open loop |');
    expect(() => table(without, 'open loop')).toThrow();

    const md = renderMarkdown(
      results({
        summary: [summary('sut'), summary('ks')],
        latency: [
          latency('sut', { targetRate: 15_000, achievedRate: 14_998.6, samples: 420_000 }),
          latency('ks', {
            ok: false,
            problems: ['timed out waiting for the contender to commit every sent event'],
            p50Ms: 4_321,
            p99Ms: 8_765,
            maxMs: 9_999,
          }),
        ],
      }),
    );
    const { header, rows } = table(md, 'open loop');
    for (const row of rows) expect(row).toHaveLength(header.length);
    expect(rowOf(rows, 'streamfold')).toEqual([
      'streamfold',
      '15,000',
      '14,999',
      '420,000',
      '7',
      '31',
      '88',
      'yes',
    ]);
    const ks = rowOf(rows, 'Kafka Streams');
    expect(ks.slice(2, -1)).toEqual(['FAILED', '', '', '', '']);
    expect(ks.at(-1)).toBe('no: timed out waiting for the contender to commit every sent event');
    for (const n of ['4,321', '8,765', '9,999']) expect(md).not.toContain(n);
  });

  it('describes the input and the machine, and links the chart only when there is one', () => {
    const md = renderMarkdown(results({ summary: summaries }), '2025-01-02T03-04-05Z.svg');
    expect(md).toMatch(/^## Benchmark 2025-01-02T03:04:05\.678Z\n/);
    expect(md).toContain('Input: 1,000,123 records on 6 partitions (seed 42, 1% duplicates).');
    expect(md).toContain('3 interleaved rounds (B0a consume-only → B0c passthrough → ');
    expect(md).toContain('runs for 60 s per round');
    expect(md).toContain('Machine: cpu Test CPU, cores 8, node v24.0.0.');
    expect(md).toContain('![throughput and latency](2025-01-02T03-04-05Z.svg)');
    expect(md.endsWith('\n')).toBe(true);
    expect(renderMarkdown(results({ summary: summaries }))).not.toContain('![');
  });
});
