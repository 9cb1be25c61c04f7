/**
 * The verdicts after the run has healed and drained: the project's own reconciliation, and the
 * status topic checked against the reference model (every applied transition published).
 */
import type { ConnectionConfig } from '../src/config/index.js';
import type { Admin } from '../src/kafka/index.js';
import { readTopic, type TopicRecord } from '../src/kafka/read-topic.js';
import type { Logger } from '../src/logger.js';
import { PROCESSING_ERROR_CLASS } from '../src/pipeline/index.js';
import { ReferenceModel } from '../src/reconcile/index.js';
import type { StateReader } from '../src/state/index.js';
import { withTimeout } from './sampler.js';
import { runCli } from './stack.js';
import { sleep } from './util.js';

export interface DrainResult {
  ok: boolean;
  waitedMs: number;
  /** Partition → [high watermark − 1, applied, outbox depth] at the last check. */
  last: Record<string, [number, number, number]>;
}

/**
 * Polls until every partition's applied offset is its high watermark − 1 and every outbox is
 * empty (the derived records of applied batches are published), twice in a row.
 */
export async function waitDrained(
  admin: Admin,
  reader: StateReader,
  topic: string,
  partitions: readonly number[],
  timeoutMs: number,
): Promise<DrainResult> {
  const began = Date.now();
  let last: DrainResult['last'] = {};
  let streak = 0;
  while (Date.now() - began < timeoutMs) {
    try {
      const offsets = await withTimeout(admin.fetchTopicOffsets(topic), 5000, 'watermarks');
      const applied = await reader.applied(partitions);
      const outbox = await reader.outboxDepth(partitions);
      last = {};
      let done = true;
      for (const o of offsets) {
        const high = Number(o.high) - 1;
        const a = applied.get(o.partition) ?? -1;
        const q = outbox.get(o.partition) ?? 0;
        last[String(o.partition)] = [high, a, q];
        if (a !== high || q !== 0) done = false;
      }
      streak = done ? streak + 1 : 0;
      if (streak >= 2) return { ok: true, waitedMs: Date.now() - began, last };
    } catch {
      streak = 0;
    }
    await sleep(200);
  }
  return { ok: false, waitedMs: Date.now() - began, last };
}

export interface ReconcileVerdict {
  ok: boolean;
  exitCode: number;
  report?: Record<string, unknown>;
  error?: string;
}

/** `streamfold reconcile <topology> --json`, as an operator runs it. */
export async function runReconcile(
  cli: string,
  topologyFile: string,
  env: NodeJS.ProcessEnv,
): Promise<ReconcileVerdict> {
  const r = await runCli(cli, ['reconcile', topologyFile, '--json'], env, 600_000);
  try {
    const report = JSON.parse(r.stdout) as Record<string, unknown>;
    return { ok: r.code === 0 && report.ok === true, exitCode: r.code, report };
  } catch {
    return { ok: false, exitCode: r.code, error: `${r.stderr}${r.stdout}`.slice(-2000) };
  }
}

export interface GapVerdict {
  ok: boolean;
  /** Transitions the reference applies (dead-lettered processing failures left out). */
  expectedTransitions: number;
  /** Of those, absent from the status topic. */
  missingTransitions: number;
  missingExamples: {
    orderId: string;
    eventId: string;
    status: string;
    partition: number;
    offset: number;
  }[];
  orders: number;
  /** Orders whose final status in the reference never appears on the status topic. */
  ordersFinalStatusMissing: number;
  statusRecords: number;
  /** Status records repeating an (event, status) already seen: at-least-once replays. */
  repeatedStatusRecords: number;
  /** Status records the reference does not explain (an event it does not apply). */
  unexplainedStatusRecords: number;
  unexplainedExamples: { orderId: string; eventId: string; status: string }[];
}

interface StatusValue {
  orderId: string;
  status: string;
  eventId: string;
}

/**
 * The status topic gap-free: every transition the reference model applies (the lifecycle of
 * docs/architecture.md's orders contract, src/reconcile) appears on it at least once, and so
 * every order's final status.
 */
export async function checkStatusGapFree(
  conn: ConnectionConfig,
  log: Logger,
  topics: { source: string; status: string; deadLetter: string },
  maxValueBytes: number,
): Promise<GapVerdict> {
  const poisoned = new Set<string>();
  await readTopic(conn, log, topics.deadLetter, {
    timeoutMs: 300_000,
    onRecord: (r: TopicRecord) => {
      if (r.headers['sf-error-class'] !== PROCESSING_ERROR_CLASS) return;
      poisoned.add(`${r.headers['sf-source-partition']}:${r.headers['sf-source-offset']}`);
    },
  });
  const expected = new Map<
    string,
    { orderId: string; eventId: string; status: string; partition: number; offset: number }
  >();
  const model = new ReferenceModel(maxValueBytes, {
    onStep: (partition, offset, event, outcome, _before, step) => {
      if (outcome !== 'applied' || !step.entry) return;
      const status = step.entry.order.status;
      expected.set(`${event.eventId}|${status}`, {
        orderId: event.orderId,
        eventId: event.eventId,
        status,
        partition,
        offset,
      });
    },
  });
  await readTopic(conn, log, topics.source, {
    timeoutMs: 300_000,
    onRecord: (r) => {
      if (!poisoned.has(`${r.partition}:${r.offset}`)) model.apply(r);
    },
  });
  const seen = new Set<string>();
  const statusesPerOrder = new Map<string, Set<string>>();
  let statusRecords = 0;
  let repeated = 0;
  const unexplained: GapVerdict['unexplainedExamples'] = [];
  let unexplainedCount = 0;
  await readTopic(conn, log, topics.status, {
    timeoutMs: 300_000,
    onRecord: (r) => {
      statusRecords += 1;
      let v: StatusValue;
      try {
        v = JSON.parse(r.value?.toString('utf8') ?? '') as StatusValue;
      } catch {
        unexplainedCount += 1;
        return;
      }
      const id = `${v.eventId}|${v.status}`;
      if (seen.has(id)) repeated += 1;
      seen.add(id);
      const statuses = statusesPerOrder.get(v.orderId) ?? new Set<string>();
      statuses.add(v.status);
      statusesPerOrder.set(v.orderId, statuses);
      if (!expected.has(id)) {
        unexplainedCount += 1;
        if (unexplained.length < 20)
          unexplained.push({ orderId: v.orderId, eventId: v.eventId, status: v.status });
      }
    },
  });
  const missing = [...expected].filter(([id]) => !seen.has(id)).map(([, t]) => t);
  let orders = 0;
  let finalMissing = 0;
  for (const [, entry] of model.entries()) {
    orders += 1;
    if (statusesPerOrder.get(entry.order.orderId)?.has(entry.order.status) !== true)
      finalMissing += 1;
  }
  return {
    ok: missing.length === 0 && finalMissing === 0,
    expectedTransitions: expected.size,
    missingTransitions: missing.length,
    missingExamples: missing.slice(0, 20),
    orders,
    ordersFinalStatusMissing: finalMissing,
    statusRecords,
    repeatedStatusRecords: repeated,
    unexplainedStatusRecords: unexplainedCount,
    unexplainedExamples: unexplained,
  };
}
