import type { BenchResults } from './results.js';

const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const fixed = (n: number, digits: number): string => n.toFixed(digits);
const mib = (bytes: number): string => `${Math.round(bytes / 1024 / 1024)}`;
/** Problem texts inside a table cell: no pipes, no line breaks. */
const cell = (problems: readonly string[]): string =>
  problems
    .join('; ')
    .replaceAll('|', '\\|')
    .replace(/\s*\n\s*/g, ' ');

/** The report as markdown: the machine, the throughput table, latency and the goals. */
export function renderMarkdown(results: BenchResults, chartFile?: string): string {
  const { settings } = results;
  const b0c = results.summary.find((s) => s.id === 'b0c' && s.ok)?.eventsPerSecond;
  const lines = [
    `## Benchmark ${results.startedAt}`,
    '',
    `Input: ${int(results.inputRecords)} records on ${settings.partitions} partitions (seed ${settings.seed}, 1% duplicates). ` +
      `${settings.rounds} interleaved rounds (${settings.order.join(' → ')}), medians shown. ` +
      `The naive consumer runs for ${settings.naiveBudgetSeconds} s per round and is checked on the prefix it committed.`,
    '',
    `Machine: ${Object.entries(results.machine)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    '| contender | events/s | ÷ B0c | worker CPU µs/event | broker CPU µs/event | Redis CPU µs/event | worker RSS steady / peak MiB | Redis cmds/event | correct |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.summary.map((s) =>
      s.ok
        ? `| ${s.label} | ${int(s.eventsPerSecond)} | ${b0c ? fixed(s.eventsPerSecond / b0c, 2) : '–'} | ${fixed(s.cpuMicrosPerEvent.worker, 1)} | ${fixed(s.cpuMicrosPerEvent.broker, 1)} | ${fixed(s.cpuMicrosPerEvent.redis, 1)} | ${mib(s.rssBytes.steady)} / ${mib(s.rssBytes.peak)} | ${fixed(s.redisCommandsPerEvent, 4)} | yes (${s.rounds}/${s.rounds}) |`
        : `| ${s.label} | FAILED | | | | | | | no: ${cell(s.problems)} |`,
    ),
  ];
  if (results.latency.length > 0) {
    lines.push(
      '',
      '| open loop | target events/s | sent events/s | samples | p50 ms | p99 ms | max ms | correct |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
      ...results.latency.map((l) => {
        const label = results.summary.find((s) => s.id === l.contender)?.label ?? l.contender;
        return l.ok
          ? `| ${label} | ${int(l.targetRate)} | ${int(l.achievedRate)} | ${int(l.samples)} | ${int(l.p50Ms)} | ${int(l.p99Ms)} | ${int(l.maxMs)} | yes |`
          : `| ${label} | ${int(l.targetRate)} | FAILED | | | | | no: ${cell(l.problems)} |`;
      }),
    );
  }
  lines.push(
    '',
    '| goal | value | target | met |',
    '| --- | ---: | ---: | --- |',
    ...results.goals.map(
      (g) =>
        `| ${g.goal} | ${g.value === undefined ? 'not measured' : fixed(g.value, 3)} | ${g.better === 'higher' ? '≥' : '≤'} ${g.target} | ${g.met === undefined ? '–' : g.met ? 'yes' : 'no'} |`,
    ),
  );
  if (chartFile !== undefined) lines.push('', `![throughput and latency](${chartFile})`);
  return `${lines.join('\n')}\n`;
}
