/**
 * Open-loop latency: events are sent at a fixed rate whatever the contender does (a late
 * contender faces a growing queue, as in production), each stamped with its send time in its
 * `timestamp` field and a `bench-sent-at` header. Status records echo the event's timestamp,
 * and their topic is stamped by the broker on append, so latency = append time of the derived
 * record − send time of the event.
 */
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KafkaJS } from '@confluentinc/kafka-javascript';
import { connectKafka, createConsumer, createProducer } from '../src/kafka/index.js';
import { SendWindow } from '../src/kafka/send-window.js';
import { committedOffsets } from '../src/lag/committed-offsets.js';
import { generate } from '../src/sim/index.js';
import { ContenderChild } from './child.js';
import { waitForStableGroup } from './measure/group-ready.js';
import { deleteRedisPrefix } from './measure/redis-cleanup.js';
import { PrefixReference } from './reference.js';
import { percentile } from './stats.js';
import { createTopics, deleteTopics, LOG_APPEND_TIME, offsetTotal, topicSize } from './topics.js';
import type { BenchContext, Contender, LatencyResult, Workload } from './types.js';
import { DUPLICATES, readReference } from './workload.js';

const TICK_MS = 5;
const DRAIN_TIMEOUT_MS = 180_000;

export interface LatencyPlan {
  partitions: number;
  rate: number;
  seconds: number;
  /** Samples from the first seconds are dropped: caches and connections warm up. */
  warmupSeconds: number;
  seed: number;
}

export async function measureLatency(
  ctx: BenchContext,
  contender: Contender,
  plan: LatencyPlan,
): Promise<LatencyResult> {
  const tag = `${ctx.runId}-latency-${contender.id}`;
  const input = `${tag}-events`;
  await createTopics(ctx.admin, plan.partitions, [input]);
  // Filled in after the send: the contender's checks read it only then.
  const workload: Workload = {
    input,
    partitions: plan.partitions,
    events: 0,
    reference: new PrefixReference(0),
  };
  const launch = await contender.launch(ctx, workload, tag, LOG_APPEND_TIME);
  const statusTopic = launch.statusTopic;
  if (statusTopic === undefined) throw new Error(`${contender.id} has no status topic`);
  const child = new ContenderChild(launch, join(ctx.scratch, `${tag}.log`));
  const problems: string[] = [];
  const latencies: number[] = [];
  let received = 0;
  let sent = 0;
  let sendSeconds = 0;
  const probe = createConsumer(ctx.conn, ctx.log, {
    clientId: 'bench-latency',
    groupId: `${tag}-probe`,
    overrides: { 'fetch.wait.max.ms': 5 },
  });
  try {
    await waitForStableGroup(ctx.admin, launch.group, 120_000, () => child.exit === undefined);
    let measureFrom = Infinity;
    await connectKafka(probe, ctx.conn, 'latency probe');
    await probe.subscribe({ topics: [statusTopic] });
    await probe.run({
      eachBatch: ({ batch }: KafkaJS.EachBatchPayload) => {
        for (const m of batch.messages) {
          received += 1;
          const match = TIMESTAMP_FIELD.exec(m.value?.toString('utf8') ?? '');
          const sentAt = match ? Number(match[0].slice(match[1]!.length)) : undefined;
          if (sentAt !== undefined && sentAt >= measureFrom)
            latencies.push(Number(m.timestamp) - sentAt);
        }
        return Promise.resolve();
      },
    });
    const templates = renderTemplates(plan);
    const started = Date.now();
    measureFrom = started + plan.warmupSeconds * 1000;
    sent = await sendOpenLoop(ctx, input, plan, templates);
    sendSeconds = (Date.now() - started) / 1000;
    await waitUntil(
      async () => offsetTotal(await committedOffsets(ctx.admin, launch.group, input)) >= sent,
      'the contender to commit every sent event',
    );
    const derived = await topicSize(ctx.admin, statusTopic);
    await waitUntil(
      () => Promise.resolve(received >= derived),
      'the probe to read every status record',
    );
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await probe.disconnect().catch(() => undefined);
    const code = await child.stop();
    if (code !== 0 && problems.length === 0) problems.push(`the process exited with code ${code}`);
  }
  try {
    if (problems.length === 0) {
      Object.assign(workload, await readReference(ctx, input));
      const committed = await committedOffsets(ctx.admin, launch.group, input);
      problems.push(...(await launch.verify({ committed, report: child.report() })));
    }
  } catch (err) {
    problems.push(err instanceof Error ? err.message : String(err));
  } finally {
    await deleteTopics(ctx.admin, [input, ...launch.topics]);
    if (launch.statePrefix !== undefined) await deleteRedisPrefix(ctx.redis, launch.statePrefix);
  }
  if (latencies.length === 0 && problems.length === 0) problems.push('no latency samples');
  const ok = problems.length === 0;
  return {
    contender: contender.id,
    ok,
    problems,
    targetRate: plan.rate,
    achievedRate: sendSeconds > 0 ? sent / sendSeconds : 0,
    seconds: sendSeconds,
    samples: latencies.length,
    p50Ms: ok ? percentile(latencies, 50) : 0,
    p99Ms: ok ? percentile(latencies, 99) : 0,
    maxMs: ok ? percentile(latencies, 100) : 0,
  };
}

/** An event's JSON split around its `timestamp` value, so the send time is spliced in as text. */
interface Template {
  key: string;
  before: string;
  after: string;
}

const TIMESTAMP_FIELD = /("timestamp":)\d+/;

/**
 * Renders every event the run can send before the clock starts: the generator's own CPU stays
 * out of the measured seconds, and the two cores it shares with the contender stay free.
 */
function renderTemplates(plan: LatencyPlan): Template[] {
  const wanted = Math.ceil(plan.rate * plan.seconds);
  const templates: Template[] = [];
  // One order yields about three records: ask for enough and stop at `wanted`.
  for (const record of generate({ orders: wanted, seed: plan.seed, duplicates: DUPLICATES })) {
    const text = record.value?.toString('utf8') ?? '';
    const match = TIMESTAMP_FIELD.exec(text);
    if (match === null) throw new Error('simulated event without a timestamp field');
    const at = match.index + match[1]!.length;
    templates.push({
      key: record.key,
      before: text.slice(0, at),
      after: text.slice(at + match[0].length - match[1]!.length),
    });
    if (templates.length === wanted) break;
  }
  return templates;
}

/** Sends the templates on a fixed schedule for `plan.seconds`; returns how many were sent. */
async function sendOpenLoop(
  ctx: BenchContext,
  topic: string,
  plan: LatencyPlan,
  templates: readonly Template[],
): Promise<number> {
  const producer = createProducer(ctx.conn, ctx.log, {
    clientId: 'bench-load',
    overrides: { 'linger.ms': 1 },
  });
  await connectKafka(producer, ctx.conn, 'latency load');
  const window = new SendWindow(Math.max(1_000, plan.rate));
  const started = Date.now();
  const end = started + plan.seconds * 1000;
  let sent = 0;
  try {
    while (Date.now() < end && sent < templates.length) {
      const due = Math.min(
        templates.length,
        Math.floor(((Date.now() - started) / 1000) * plan.rate),
      );
      const messages: KafkaJS.Message[] = [];
      const now = String(Date.now());
      for (let i = sent; i < due; i += 1) {
        const t = templates[i]!;
        messages.push({
          key: t.key,
          value: `${t.before}${now}${t.after}`,
          headers: { 'bench-sent-at': now },
        });
      }
      if (messages.length > 0) {
        await window.admit(messages.length);
        window.add(producer.send({ topic, messages }), messages.length, () => undefined);
        sent += messages.length;
      }
      await sleep(TICK_MS);
    }
    await window.drain();
  } finally {
    await producer.disconnect();
  }
  return sent;
}

async function waitUntil(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
