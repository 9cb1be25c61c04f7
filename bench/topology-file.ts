import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot } from './paths.js';

type Doc = Record<string, unknown>;

/** Where a benchmark run's copy of the order topology reads and writes. */
export interface OrdersTopologyNames {
  readonly name: string;
  readonly topic: string;
  readonly group: string;
  readonly partitions: number;
  readonly outputs: {
    readonly status: string;
    readonly revenue: string;
    readonly anomalies: string;
    readonly deadLetter: string;
  };
}

/**
 * Writes the shipped topologies/orders.yaml under one run's names, without its windows (what the
 * peer computes: the lifecycle and revenue per currency); returns the file's path.
 */
export function writeOrdersTopology(file: string, names: OrdersTopologyNames): string {
  const dir = join(repoRoot, 'topologies');
  const doc = parse(readFileSync(join(dir, 'orders.yaml'), 'utf8')) as Doc;
  const input = doc.input as Doc;
  const aggregates = (doc.aggregates as Doc[]).map((aggregate) =>
    Object.fromEntries(Object.entries(aggregate).filter(([field]) => field !== 'windows')),
  );
  const queries = (doc.queries as Doc[]).filter((q) => q.view !== 'totals-windows');
  const { status, revenue, anomalies, deadLetter } = names.outputs;
  const topology = {
    ...doc,
    name: names.name,
    input: {
      ...input,
      topic: names.topic,
      group: names.group,
      partitions: names.partitions,
      schema: join(dir, input.schema as string),
    },
    aggregates,
    outputs: { status, aggregates: revenue, anomalies, deadLetter },
    queries,
  };
  writeFileSync(file, stringify(topology));
  return file;
}
