import { Option, type Command } from 'commander';
import { connectKafka, createAdmin } from '../../kafka/index.js';
import { collectLag, formatLagReport } from '../../lag/index.js';
import { createLogger } from '../../logger.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { withStateReader } from '../open-state-reader.js';
import { positiveInt } from '../parse-options.js';
import { DEFAULT_TOPOLOGY, loadAnyTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean; timeoutMs?: number } & Parameters<typeof connectionFrom>[0];

export function registerLag(program: Command): void {
  withConnectionOptions(
    program
      .command('lag')
      .description(
        'per source partition: committed, applied and high offsets, lag against Redis (records ' +
          'and seconds) and the owning worker',
      )
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .option('--json', 'print the table as JSON')
      .addOption(
        new Option(
          '--timeout-ms <ms>',
          'give up dating the oldest unapplied records after this long (their age shows as -)',
        )
          .argParser(positiveInt('--timeout-ms'))
          .default(15_000),
      ),
  ).action(async (file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const log = createLogger(conn.logLevel === 'info' ? 'warn' : conn.logLevel, 'streamfold-lag');
    const { topology } = loadAnyTopologyArgument(file);
    const admin = await connectKafka(
      createAdmin(conn, log, { clientId: 'streamfold-lag' }),
      conn,
      'admin',
    );
    try {
      const report = await withStateReader(conn, topology, 'streamfold-lag', (reader) =>
        collectLag({ conn, log, admin, reader, topology, timestampTimeoutMs: flags.timeoutMs }),
      );
      process.stdout.write(`${flags.json ? JSON.stringify(report) : formatLagReport(report)}\n`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  });
}
