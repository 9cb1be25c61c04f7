import type { Command } from 'commander';
import {
  parseInstant,
  queryCustomer,
  queryOrder,
  queryRevenue,
  queryWindows,
  WindowQueryError,
  windowSizeOf,
} from '../../query/index.js';
import { ErrorCodes, StreamfoldError } from '../../errors.js';

import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { formatCents, formatTotals } from '../format-money.js';
import { withStateReader } from '../open-state-reader.js';
import { DEFAULT_TOPOLOGY, loadTopologyArgument } from '../topology-argument.js';
import { registerProgramQueries } from './query-program.js';

type Flags = { json?: boolean } & Parameters<typeof connectionFrom>[0];
type WindowFlags = Flags & { size: string; from: string; to: string };

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function registerQuery(program: Command): void {
  const query = program
    .command('query')
    .description('read state and aggregates from Redis (the same answers as the HTTP API)');
  registerProgramQueries(query);

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

  withConnectionOptions(
    query
      .command('customer')
      .description("one customer's lifetime value and order counts, merged over partitions")
      .argument('<customerId>', 'the customer to look up')
      .argument(
        '[topology]',
        'topology file with the customer-value aggregate',
        'topologies/customers.yaml',
      )
      .option('--json', 'print exactly the API JSON'),
  ).action(async (customerId: string, file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const topology = loadTopologyArgument(file);
    const found = await withStateReader(conn, topology, 'streamfold-query', (reader) =>
      queryCustomer(reader, customerId),
    );
    if (found === undefined) {
      if (flags.json) print(JSON.stringify({ error: 'not found' }));
      else process.stderr.write(`customer ${customerId} not found in topology ${topology.name}\n`);
      process.exitCode = 1;
      return;
    }
    if (flags.json) {
      print(JSON.stringify(found));
      return;
    }
    print(
      `customer ${found.customerId} (topology ${topology.name}, partitions ${found.partitions.join(', ')})`,
    );
    print(
      `  orders    ${found.orders} placed, ${found.paid} paid, ${found.shipped} shipped, ${found.cancelled} cancelled`,
    );
    print(`  lifetime  ${formatTotals(found.lifetimeValueCents)}`);
  });

  withConnectionOptions(
    query
      .command('windows')
      .description('windowed revenue of one window size over a time range, summed over partitions')
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .requiredOption('--size <duration>', 'a window size of the topology, e.g. 1m')
      .requiredOption('--from <time>', 'start of the range: epoch ms or ISO 8601')
      .requiredOption('--to <time>', 'end of the range (exclusive): epoch ms or ISO 8601')
      .option('--json', 'print exactly the API JSON'),
  ).action(async (file: string, flags: WindowFlags) => {
    const conn = connectionFrom(flags);
    const topology = loadTopologyArgument(file);
    let result;
    try {
      const size = windowSizeOf(topology, flags.size);
      const from = parseInstant('--from', flags.from);
      const to = parseInstant('--to', flags.to);
      result = await withStateReader(conn, topology, 'streamfold-query', (reader) =>
        queryWindows(reader, size, from, to),
      );
    } catch (error) {
      if (error instanceof WindowQueryError) {
        throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, error.message);
      }
      throw error;
    }
    if (flags.json) {
      print(JSON.stringify(result));
      return;
    }
    print(
      `revenue in ${result.size} windows of topology ${topology.name}: ${result.windows.length} windows`,
    );
    for (const w of result.windows) {
      const state = w.final ? 'final' : 'open';
      print(`  ${new Date(w.start).toISOString()}  ${state.padEnd(5)}  ${formatTotals(w.totals)}`);
    }
  });
}
