/**
 * The preloaded input: seeded events from `streamfold simulate` (realistic lifecycles, 1%
 * duplicates) on a fresh topic, then read back once to build the reference every run is
 * checked against.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { readTopic } from '../src/kafka/read-topic.js';
import { plan } from '../src/sim/index.js';
import { workerCli } from './paths.js';
import { PrefixReference } from './reference.js';
import { createTopics } from './topics.js';
import { writeOrdersTopology } from './topology-file.js';
import type { BenchContext, Workload } from './types.js';

export const DUPLICATES = 0.01;
/** The default topology's value size limit (docs/architecture.md, The orders contract). */
export const MAX_VALUE_BYTES = 65_536;

/** How many orders make about `events` records with this seed. */
export function ordersFor(events: number, seed: number): number {
  const sample = Math.min(2_000, Math.max(10, Math.ceil(events / 3)));
  const perOrder = plan({ orders: sample, seed, duplicates: DUPLICATES }).records / sample;
  return Math.max(1, Math.round(events / perOrder));
}

export async function preload(
  ctx: BenchContext,
  input: string,
  partitions: number,
  events: number,
  seed: number,
): Promise<Workload> {
  await createTopics(ctx.admin, partitions, [input]);
  // Only the source matters to `simulate`; the outputs are never created.
  const topology = writeOrdersTopology(join(ctx.scratch, `${input}.yaml`), {
    name: 'bench-preload',
    topic: input,
    group: 'unused',
    partitions,
    outputs: {
      status: 'unused-status',
      revenue: 'unused-revenue',
      anomalies: 'unused-anomalies',
      deadLetter: 'unused-dlt',
    },
  });
  const orders = ordersFor(events, seed);
  const sim = spawn(
    process.execPath,
    [workerCli, 'simulate', topology, '--orders', String(orders), '--seed', String(seed)].concat([
      '--duplicates',
      String(DUPLICATES),
    ]),
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, KAFKA_BROKERS: ctx.conn.brokers.join(','), LOG_LEVEL: 'warn' },
    },
  );
  const [code] = (await once(sim, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`streamfold simulate exited with code ${String(code)}`);
  return { input, partitions, ...(await readReference(ctx, input)) };
}

/** Reads a whole input topic into a reference. */
export async function readReference(
  ctx: BenchContext,
  input: string,
): Promise<{ events: number; reference: PrefixReference }> {
  const reference = new PrefixReference(MAX_VALUE_BYTES);
  const read = await readTopic(ctx.conn, ctx.log, input, {
    onRecord: (record) => reference.add(record),
    timeoutMs: 600_000,
  });
  return { events: read.records, reference };
}
