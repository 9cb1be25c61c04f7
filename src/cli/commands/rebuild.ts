import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { createLogger } from '../../logger.js';
import { rebuild, type RebuildProgress, type RebuildReport } from '../../rebuild/rebuild.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { loadAnyTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean; switchOnDiff?: boolean } & Parameters<typeof connectionFrom>[0];

/** A bar on a terminal; a line per phase otherwise (logs, CI). */
function progressReporter(json: boolean): {
  update: (p: RebuildProgress) => void;
  stop: () => void;
} {
  let phase: string | undefined;
  if (!process.stderr.isTTY || json) {
    return {
      update: (p) => {
        if (p.phase === phase) return;
        phase = p.phase;
        process.stderr.write(`rebuild: ${p.phase} (${p.done}/${p.total} records)\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format:
        'rebuild {phase} |{bar}| {value}/{total} records | {rate} rec/s | eta {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(0, 0, { phase: 'replay', rate: 0 });
  return {
    update: (p) => {
      const rate = Math.round(p.done / Math.max(0.001, (Date.now() - started) / 1000));
      bar.setTotal(Math.max(1, p.total));
      bar.update(p.done, { phase: p.phase.padEnd(8), rate });
    },
    stop: () => bar.stop(),
  };
}

function describe(report: RebuildReport): string {
  const lines = [
    `${report.outcome === 'switched' ? 'switched' : 'aborted'}: topology ${report.topology}, ` +
      `generation ${report.from} → ${report.to}, ${report.records} records replayed in ` +
      `${(report.elapsedMs / 1000).toFixed(1)} s`,
  ];
  if (report.reason !== undefined) lines.push(`  reason: ${report.reason}`);
  if (report.diff.empty) lines.push('  diff: none (the rebuilt state equals the live state)');
  for (const [hash, diff] of Object.entries(report.diff.hashes)) {
    lines.push(`  diff in ${hash}: ${diff.count} fields`);
    for (const e of diff.examples) {
      lines.push(`    partition ${e.partition} ${e.field}: live ${e.live} · rebuilt ${e.rebuilt}`);
    }
  }
  return lines.join('\n');
}

export function registerRebuild(program: Command): void {
  withConnectionOptions(
    program
      .command('rebuild')
      .description(
        'replay the source topic from the earliest offset into a fresh state generation while ' +
          'the live worker keeps serving, diff the two, and switch atomically (or abort)',
      )
      .argument('<topology>', 'topology file')
      .option(
        '--switch-on-diff',
        'switch even when the rebuilt state differs (the rebuild is the fix)',
      )
      .option('--json', 'print the report as JSON'),
  ).action(async (file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const log = createLogger(
      conn.logLevel === 'info' ? 'warn' : conn.logLevel,
      'streamfold-rebuild',
    );
    const { topology } = loadAnyTopologyArgument(file);
    const reporter = progressReporter(flags.json === true);
    let report: RebuildReport;
    try {
      report = await rebuild({
        conn,
        log,
        topology,
        onProgress: reporter.update,
        switchOnDiff: flags.switchOnDiff === true,
      });
    } finally {
      reporter.stop();
    }
    process.stdout.write(`${flags.json ? JSON.stringify(report) : describe(report)}\n`);
    if (report.outcome !== 'switched') process.exitCode = 1;
  });
}
