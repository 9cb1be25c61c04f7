import type { Command } from 'commander';
import { queryOrder, queryRevenue } from '../../query/index.js';

import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { formatCents, formatTotals } from '../format-money.js';
import { withStateReader } from '../open-state-reader.js';
import { DEFAULT_TOPOLOGY, loadTopologyArgument } from '../topology-argument.js';

type Flags = { json?: boolean } & Parameters<typeof connectionFrom>[0];

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function registerQuery(program: Command): void {
  const query = program
    .command('query')
    .description('read order state and revenue from Redis (the same answers as the HTTP API)');

  withConnectionOptions(
    query
      .command('order')
      .description('one order: status, amounts, applied events (exit 1 if absent)')
      .argument('<orderId>', 'the order to look up')
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .option('--json', 'print exactly the API JSON'),
  ).action(async (orderId: string, file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const topology = loadTopologyArgument(file);
    const found = await withStateReader(conn, topology, 'streamfold-query', (reader) =>
      queryOrder(reader, orderId),
    );
    if (found === undefined) {
      if (flags.json) print(JSON.stringify({ error: 'not found' }));
      else process.stderr.write(`order ${orderId} not found in topology ${topology.name}\n`);
      process.exitCode = 1;
      return;
    }
    const o = found.order;
    if (flags.json) {
      print(JSON.stringify(o));
      return;
    }
    print(`order ${o.orderId} (topology ${topology.name}, partition ${found.partition})`);
    print(`  customer  ${o.customerId}`);
    print(`  status    ${o.status}`);
    print(`  total     ${o.currency} ${formatCents(o.totalCents)}`);
    print(`  paid      ${o.currency} ${formatCents(o.paidCents)}`);
    print(`  events    ${o.appliedEvents} applied, last at ${new Date(o.updatedAt).toISOString()}`);
  });

  withConnectionOptions(
    query
      .command('revenue')
      .description('revenue per currency, in total and per partition (integer cents)')
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .option('--json', 'print exactly the API JSON'),
  ).action(async (file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const topology = loadTopologyArgument(file);
    const revenue = await withStateReader(conn, topology, 'streamfold-query', queryRevenue);
    if (flags.json) {
      print(JSON.stringify(revenue));
      return;
    }
    const partitions = Object.keys(revenue.partitions);
    print(`revenue of topology ${topology.name} (${partitions.length} partitions)`);
    print(`  total        ${formatTotals(revenue.totals)}`);
    for (const p of partitions) {
      print(`  partition ${p.padEnd(3)} ${formatTotals(revenue.partitions[p] ?? {})}`);
    }
  });
}
