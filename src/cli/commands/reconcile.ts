import { InvalidArgumentError, type Command } from 'commander';
import { createLogger } from '../../logger.js';
import { reconcile } from '../../reconcile/index.js';
import { formatProgramReport, reconcileProgram } from '../../reconcile/program/index.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { withStateReader } from '../open-state-reader.js';
import { formatReport } from '../reconcile-summary.js';
import { DEFAULT_TOPOLOGY, loadAnyTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean; timeoutMs: number } & Parameters<typeof connectionFrom>[0];

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('must be a positive integer');
  }
  return n;
}

export function registerReconcile(program: Command): void {
  withConnectionOptions(
    program
      .command('reconcile')
      .description(
        'recompute state from the input topic with an independent reducer and compare it with ' +
          'Redis and the dead-letter topic (exit 1 on any difference)',
      )
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .option('--json', 'print the full report as JSON')
      .option(
        '--timeout-ms <ms>',
        'give up reading a topic after this long',
        positiveInteger,
        120_000,
      ),
  ).action(async (file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const log = createLogger(
      conn.logLevel === 'info' ? 'warn' : conn.logLevel,
      'streamfold-reconcile',
    );
    const loaded = loadAnyTopologyArgument(file);
    const options = { conn, log, timeoutMs: flags.timeoutMs };
    const { report, text } = await withStateReader(
      conn,
      loaded.topology,
      'streamfold-reconcile',
      async (reader) => {
        if (loaded.kind === 'language') {
          const r = await reconcileProgram({ ...options, topology: loaded.topology, reader });
          return { report: r, text: formatProgramReport(r) };
        }
        const r = await reconcile({ ...options, topology: loaded.topology, reader });
        return { report: r, text: formatReport(r) };
      },
    );
    process.stdout.write(flags.json ? `${JSON.stringify(report)}\n` : text);
    if (!report.ok) process.exitCode = 1;
  });
}
