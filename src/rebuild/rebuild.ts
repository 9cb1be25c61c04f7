/**
 * `streamfold rebuild`: replays the source topic from its earliest offset into the next
 * generation of state while the live worker keeps serving, catches up with the live generation
 * partition by partition, retires each live shard at the exact offset the rebuild reached (the
 * live worker's partition then waits), diffs the two frozen generations, and either switches the
 * generation pointer or restores the live shards and drops the rebuilt ones (docs/topologies.md).
 * The same for either engine: rebuild-engine.ts holds what differs.
 */
import type { ConnectionConfig } from '../config/index.js';
import { readTopic, type TopicRecord } from '../kafka/read-topic.js';
import type { Logger } from '../logger.js';
import type { SourceRecord } from '../pipeline/index.js';
import {
  connectRedis,
  createRedis,
  Generations,
  ScriptRunner,
  StateReader,
} from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { diffGenerations, type GenerationDiff } from './diff-generations.js';
import { rebuildEngine, type RebuildProcessor } from './rebuild-engine.js';
import { processingFailures, ReplayLog } from './replay-log.js';

export type RebuildPhase = 'replay' | 'catch-up' | 'final' | 'diff' | 'switch' | 'abort';

export interface RebuildProgress {
  phase: RebuildPhase;
  /** Records replayed so far, and in the current target (grows as the live one moves). */
  done: number;
  total: number;
}

export interface RebuildOptions {
  conn: ConnectionConfig;
  log: Logger;
  /** A built-in order topology, or a program of the topology language (docs/language.md). */
  topology: CompiledTopology | LanguageTopology;
  onProgress?: (progress: RebuildProgress) => void;
  /** Switch even when the diff is not empty (the rebuild is the fix). */
  switchOnDiff?: boolean;
  /** Catch-up rounds while the live worker runs, before its shards are retired. */
  catchUpRounds?: number;
}

export interface RebuildReport {
  topology: string;
  from: number;
  to: number;
  outcome: 'switched' | 'aborted';
  reason?: string;
  records: number;
  applied: Record<string, number>;
  diff: GenerationDiff;
  elapsedMs: number;
}

export async function rebuild(opts: RebuildOptions): Promise<RebuildReport> {
  const started = Date.now();
  const { conn, log, topology } = opts;
  const redis = await connectRedis(createRedis(conn, { connectionName: 'streamfold-rebuild' }));
  const scripts = new ScriptRunner();
  const generations = new Generations(redis, scripts, conn.statePrefix, topology.name);
  const from = await generations.live();
  const to = from + 1;
  const live = new StateReader(redis, conn.statePrefix, topology.name, from);
  // The topology's partitions, and any other the live generation has state for.
  const partitions = [
    ...new Set([
      ...Array.from({ length: topology.source.partitions }, (_, p) => p),
      ...(await live.partitions()),
    ]),
  ].sort((a, b) => a - b);
  const rebuilt = live.at(to);
  const retired = new Set<number>();
  let records = 0;
  let total = 0;
  const progress = (phase: RebuildPhase) => opts.onProgress?.({ phase, done: records, total });

  // A leftover of an aborted or killed rebuild would be folded onto: start from nothing.
  await generations.drop(to, partitions);
  const engine = rebuildEngine({
    topology,
    // Connected now: a cluster client (unlike a single server's) does not connect on first use.
    redis: await connectRedis(createRedis(conn, { connectionName: 'streamfold-rebuild-store' })),
    scripts,
    prefix: conn.statePrefix,
    generation: to,
    log,
    // Events the live generation dead-lettered as processing failures park their keys here too;
    // the live unparks are replayed from the shards' log.
    knownFailures: await processingFailures(conn, log, topology),
  });
  const { processor } = engine;

  // The live worker closes a quiet partition's windows on wall-clock time and unparks keys when an
  // operator asks; each is logged with the applied offset it happened at, and replayed here.
  const replay = new ReplayLog(processor, live, partitions);

  /** Reads each partition from where the rebuild stands up to the live applied offset. */
  const catchUp = async (phase: RebuildPhase): Promise<number> => {
    const [liveApplied, rebuiltApplied] = await Promise.all([
      live.applied(partitions),
      rebuilt.applied(partitions),
    ]);
    await replay.refresh(rebuiltApplied);
    const start = new Map<number, number>();
    const end = new Map<number, number>();
    let gap = 0;
    for (const p of partitions) {
      const target = liveApplied.get(p) ?? -1;
      const at = rebuiltApplied.get(p) ?? -1;
      if (target > at) {
        start.set(p, at + 1);
        end.set(p, target + 1);
        gap += target - at;
      }
    }
    if (gap === 0) return 0;
    total += gap;
    progress(phase);
    await readTopic(conn, log, topology.source.topic, {
      start,
      end,
      timeoutMs: 3_600_000,
      onBatch: async (partition, batch) => {
        for (const segment of replay.split(partition, batch)) {
          await applyBatch(
            processor,
            partition,
            segment.map((r) => sourceRecord(topology, r)),
          );
          await replay.after(partition, segment.at(-1)!.offset);
        }
        records += batch.length;
        progress(phase);
      },
    });
    return gap;
  };

  const abort = async (reason: string, diff: GenerationDiff): Promise<RebuildReport> => {
    progress('abort');
    for (const p of retired) await generations.restore(from, p);
    await generations.drop(to, partitions);
    log.warn({ reason }, 'rebuild aborted; the live generation is untouched');
    return report('aborted', diff, reason);
  };

  const report = async (
    outcome: RebuildReport['outcome'],
    diff: GenerationDiff,
    reason?: string,
  ): Promise<RebuildReport> => ({
    topology: topology.name,
    from,
    to,
    outcome,
    ...(reason !== undefined ? { reason } : {}),
    records,
    applied: Object.fromEntries(
      [...(await (outcome === 'switched' ? rebuilt : live).applied(partitions))].map(([p, o]) => [
        String(p),
        o,
      ]),
    ),
    diff,
    elapsedMs: Date.now() - started,
  });

  const noDiff: GenerationDiff = { empty: true, hashes: {} };
  try {
    await processor.assigned(partitions);
    await catchUp('replay');
    for (let round = 0; round < (opts.catchUpRounds ?? 3); round += 1) {
      // Each round reads what the live worker applied during the previous one: it shrinks.
      if ((await catchUp('catch-up')) < 1000) break;
    }
    // From here the live worker's partitions wait (queries go on): retire every live shard,
    // so its applied offset holds still, and catch up with it exactly in one more read.
    for (const p of partitions) {
      await generations.retire(from, p);
      retired.add(p);
    }
    await catchUp('final');
    await replay.refresh(await rebuilt.applied(partitions));
    progress('diff');
    const diff = await diffGenerations(live, rebuilt, partitions, engine.layout);
    if (!diff.empty && opts.switchOnDiff !== true) {
      return await abort('the rebuilt state differs from the live state', diff);
    }
    progress('switch');
    for (const p of partitions) await generations.carryOutbox(from, to, p);
    await generations.switch(from, to);
    // Queries re-check the pointer after reading, so the old keys can go at once.
    await generations.drop(from, partitions);
    log.info({ from, to, records }, 'rebuild switched');
    return await report('switched', diff);
  } catch (error) {
    log.error({ err: error }, 'rebuild failed');
    await abort(`failed: ${error instanceof Error ? error.message : String(error)}`, noDiff);
    throw error;
  } finally {
    processor.revoked(partitions);
    await engine.close();
    await redis.quit().catch(() => redis.disconnect());
  }
}

/** A batch through the processor, as the worker would: seeks past holes, retries failures. */
async function applyBatch(
  processor: RebuildProcessor,
  partition: number,
  records: readonly SourceRecord[],
): Promise<void> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    try {
      const outcome = await processor.handleBatch(partition, records);
      if (outcome.kind === 'done') return;
      if (outcome.kind === 'none') {
        throw new StreamfoldError(ErrorCodes.REBUILD_CONFLICT, `partition ${partition} was fenced`);
      }
      // 'seek': the partition starts after a hole (deleted records); the same batch goes on.
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError instanceof Error
    ? lastError
    : new StreamfoldError(ErrorCodes.INTERNAL, `partition ${partition} did not apply`);
}

function sourceRecord(
  topology: { readonly source: { readonly topic: string } },
  r: TopicRecord,
): SourceRecord {
  return {
    topic: topology.source.topic,
    partition: r.partition,
    offset: r.offset,
    key: r.key,
    value: r.value,
    timestamp: r.timestamp,
    headers: r.headers,
  };
}
