/**
 * After the heal: drain, then every judgement of the run, each with its evidence. The run passes
 * only when all pass, and, with --min-faults, when at least that many faults were injected.
 */
import type { ConnectionConfig } from '../src/config/index.js';
import type { Admin } from '../src/kafka/index.js';
import type { Logger } from '../src/logger.js';
import type { StateReader } from '../src/state/index.js';
import { checkStatusGapFree, runReconcile, waitDrained, type GapVerdict } from './judge.js';
import type { Sampler } from './sampler.js';
import type { ChaosStack } from './stack.js';
import { elapsed, log, sleep } from './util.js';

export interface JudgeInput {
  admin: Admin;
  reader: StateReader;
  cli: string;
  env: NodeJS.ProcessEnv;
  conn: ConnectionConfig;
  quiet: Logger;
  stack: ChaosStack;
  partitions: readonly number[];
  sampler: Sampler;
  injected: number;
  minFaults: number;
}

export async function judge(input: JudgeInput) {
  const { admin, reader, stack, partitions, sampler } = input;
  const drain = await waitDrained(admin, reader, stack.topics.source, partitions, 300_000);
  const drainedAtMs = elapsed();
  await sleep(1000);
  await sampler.stop();
  log(
    drain.ok ? `drained ${drain.waitedMs} ms after the load stopped` : 'NOT drained within 300 s',
    drain.ok ? undefined : drain.last,
  );

  log('reconciling');
  const reconcile = await runReconcile(input.cli, stack.topologyFile, input.env);
  log('checking the status topic against the reference');
  let gap: GapVerdict | { ok: false; error: string };
  try {
    gap = await checkStatusGapFree(input.conn, input.quiet, stack.topics, stack.maxValueBytes);
  } catch (error) {
    gap = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const judgements = {
    enoughFaults: {
      ok: input.injected >= input.minFaults,
      injected: input.injected,
      required: input.minFaults,
    },
    drained: { ok: drain.ok, waitedMs: drain.waitedMs, last: drain.last },
    reconcile: {
      ok: reconcile.ok,
      exitCode: reconcile.exitCode,
      ...(reconcile.error ? { error: reconcile.error } : {}),
    },
    statusGapFree: gap,
    statusExplained: {
      ok: 'unexplainedStatusRecords' in gap ? gap.unexplainedStatusRecords === 0 : false,
    },
    committedNeverAheadOfApplied: {
      ok: sampler.violations.length === 0 && sampler.samples > 0,
      samples: sampler.samples,
      failedSamples: sampler.failed,
      maxExcess: Number.isFinite(sampler.maxExcess) ? sampler.maxExcess : null,
      violations: sampler.violations.length,
      violationExamples: sampler.violations.slice(0, 20),
      violationsByPartition: Object.fromEntries(
        partitions.map((p) => [
          String(p),
          sampler.violations.filter((v) => v.partition === p).length,
        ]),
      ),
    },
  };
  return {
    ok: Object.values(judgements).every((j) => j.ok),
    judgements,
    drained: drain.ok,
    drainedAtMs,
    reconcileReport: reconcile.report,
  };
}
