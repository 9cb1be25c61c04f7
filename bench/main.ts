/**
 * `npm run bench -- [options]` (and `make bench`): streamfold against the consume-only and
 * passthrough ceilings, a naive consumer and Kafka Streams, on one preloaded input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadConnectionConfig } from '../src/config/index.js';
import { createLogger } from '../src/logger.js';
import { benchDefaults, contenderList, integerAtLeast, type BenchOptions } from './options.js';
import { renderChartSvg } from './report/chart.js';
import { renderMarkdown } from './report/markdown.js';
import { runBench } from './run-bench.js';

const program = new Command('bench')
  .description('benchmark streamfold against the ceilings, a naive consumer and Kafka Streams')
  .addOption(
    new Option('--events <n>', 'events to preload')
      .default(benchDefaults.events)
      .argParser(integerAtLeast(100)),
  )
  .addOption(
    new Option('--partitions <n>', 'input partitions')
      .default(benchDefaults.partitions)
      .argParser(integerAtLeast(1)),
  )
  .addOption(
    new Option('--rounds <n>', 'interleaved rounds; medians are reported')
      .default(benchDefaults.rounds)
      .argParser(integerAtLeast(1)),
  )
  .addOption(
    new Option('--seed <n>', 'seed of the simulated events')
      .default(benchDefaults.seed)
      .argParser(integerAtLeast(0)),
  )
  .addOption(
    new Option('--contenders <list>', `run order, comma-separated`)
      .default(benchDefaults.contenders, benchDefaults.contenders.join(','))
      .argParser(contenderList),
  )
  .addOption(
    new Option('--naive-seconds <s>', 'time budget of each naive run')
      .default(benchDefaults.naiveSeconds)
      .argParser(integerAtLeast(1)),
  )
  .addOption(
    new Option('--latency-seconds <s>', 'open-loop seconds per contender; 0 skips')
      .default(benchDefaults.latencySeconds)
      .argParser(integerAtLeast(0)),
  )
  .addOption(
    new Option(
      '--latency-rate <events/s>',
      'open-loop rate (default: half of streamfold’s median)',
    ).argParser(integerAtLeast(1)),
  )
  .option('--out <dir>', 'where results go', benchDefaults.out)
  .option('--cpu-prof <dir>', 'profile the streamfold worker (node --cpu-prof) into this folder')
  .option('--worker-args <flags>', 'extra flags for `streamfold run`, e.g. "--max-batch 5000"')
  .option('--brokers <list>', 'Kafka bootstrap servers (env KAFKA_BROKERS)')
  .option('--redis <url>', 'Redis URL (env REDIS_URL)');

program.parse();
const opts = program.opts<BenchOptions & { brokers?: string; redis?: string }>();
const conn = loadConnectionConfig({
  brokers: opts.brokers,
  redisUrl: opts.redis,
  logLevel: 'warn',
});
const log = createLogger('info', 'bench');
const clientLog = createLogger('warn', 'bench');

try {
  const results = await runBench(opts, conn, log, clientLog);
  const stamp = results.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  mkdirSync(opts.out, { recursive: true });
  const json = join(opts.out, `${stamp}.json`);
  const svg = `${stamp}.svg`;
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(opts.out, svg), await renderChartSvg(results));
  const markdown = renderMarkdown(results, svg);
  writeFileSync(join(opts.out, `${stamp}.md`), markdown);
  process.stdout.write(`\n${markdown}\nresults: ${json}\n`);
  const failed = [...results.summary, ...results.latency].filter((r) => !r.ok).length;
  if (failed > 0) {
    log.error(`${failed} contender result(s) failed their correctness check`);
    process.exitCode = 1;
  }
} catch (err) {
  log.error({ err }, 'benchmark failed');
  process.exitCode = 1;
}
