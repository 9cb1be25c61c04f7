/**
 * `streamfold query order|revenue|windows|customer`: today's order answers, for either format of
 * the topology. A legacy file is read in the order layout; a language file (topologies/) runs
 * the view of the same name in its `queries:` section (../order-named-queries.ts). Both print the
 * same JSON with --json and the same text without, through ../order-query-output.ts.
 */
import type { Command } from 'commander';
import {
  parseInstant,
  queryCustomer,
  queryOrder,
  queryRevenue,
  queryWindows,
  WindowQueryError,
  windowSizeOf,
  type RevenueQueryResult,
} from '../../query/index.js';
import {
  aggregateOf,
  aggregateWindowSize,
  type TotalsWindowsView,
} from '../../query/program/index.js';
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import { connectionFrom, withConnectionOptions } from '../connection-options.js';
import { withStateReader } from '../open-state-reader.js';
import {
  customerViewOf,
  orderCommandQuery,
  orderResultOf,
  runOrderCommand,
  totalsAnswerOf,
} from '../order-named-queries.js';
import {
  print,
  printCustomer,
  printNotFound,
  printOrder,
  printRevenue,
  printWindows,
  type PrintedWindows,
} from '../order-query-output.js';
import { DEFAULT_TOPOLOGY, loadAnyTopologyArgument } from '../topology-argument.js';
import { registerProgramQueries } from './query-program.js';

type Flags = { json?: boolean } & Parameters<typeof connectionFrom>[0];
type WindowFlags = Flags & { size: string; from: string; to: string };

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
    const loaded = loadAnyTopologyArgument(file);
    const { name } = loaded.topology;
    let json: unknown;
    let found;
    if (loaded.kind === 'legacy') {
      found = await withStateReader(conn, loaded.topology, 'streamfold-query', (reader) =>
        queryOrder(reader, orderId),
      );
      json = found?.order;
    } else {
      const result = await runOrderCommand(conn, loaded.topology, 'order', orderId);
      found = result.kind === 'found' ? orderResultOf(loaded.topology, result) : undefined;
      json = result.kind === 'found' ? result.body : undefined;
    }
    if (found === undefined) {
      printNotFound(`order ${orderId} not found in topology ${name}`, flags.json);
      return;
    }
    if (flags.json) print(JSON.stringify(json));
    else printOrder(name, found);
  });

  withConnectionOptions(
    query
      .command('revenue')
      .description('revenue per currency, in total and per partition (integer cents)')
      .argument('[topology]', 'topology file', DEFAULT_TOPOLOGY)
      .option('--json', 'print exactly the API JSON'),
  ).action(async (file: string, flags: Flags) => {
    const conn = connectionFrom(flags);
    const loaded = loadAnyTopologyArgument(file);
    let revenue: RevenueQueryResult;
    if (loaded.kind === 'legacy') {
      revenue = await withStateReader(conn, loaded.topology, 'streamfold-query', queryRevenue);
    } else {
      const result = await runOrderCommand(conn, loaded.topology, 'revenue', '');
      // A totals view answers with a TotalsView (totals-view.ts): today's revenue in shape.
      revenue = totalsAnswerOf(result, 'revenue') as unknown as RevenueQueryResult;
    }
    if (flags.json) print(JSON.stringify(revenue));
    else printRevenue(loaded.topology.name, revenue);
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
    const loaded = loadAnyTopologyArgument(file);
    const { name } = loaded.topology;
    let json: unknown;
    let found;
    if (loaded.kind === 'legacy') {
      found = await withStateReader(conn, loaded.topology, 'streamfold-query', (reader) =>
        queryCustomer(reader, customerId),
      );
      json = found;
    } else {
      const result = await runOrderCommand(conn, loaded.topology, 'customer', customerId);
      found = result.kind === 'found' ? customerViewOf(loaded.topology, result.body) : undefined;
      json = result.kind === 'found' ? result.body : undefined;
    }
    if (found === undefined) {
      printNotFound(`customer ${customerId} not found in topology ${name}`, flags.json);
      return;
    }
    if (flags.json) print(JSON.stringify(json));
    else printCustomer(name, found);
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
    const loaded = loadAnyTopologyArgument(file);
    let result: PrintedWindows;
    try {
      if (loaded.kind === 'legacy') {
        const size = windowSizeOf(loaded.topology, flags.size);
        const from = parseInstant('--from', flags.from);
        const to = parseInstant('--to', flags.to);
        result = await withStateReader(conn, loaded.topology, 'streamfold-query', (reader) =>
          queryWindows(reader, size, from, to),
        );
      } else {
        // Checked here in today's order and words (size, --from, --to) before the view checks
        // them again under the names of its HTTP parameters.
        const named = orderCommandQuery(loaded.topology, 'windows');
        aggregateWindowSize(aggregateOf(loaded.topology, named.aggregate ?? ''), flags.size);
        parseInstant('--from', flags.from);
        parseInstant('--to', flags.to);
        const { size, from, to } = flags;
        const answer = await runOrderCommand(conn, loaded.topology, 'windows', '', {
          size,
          from,
          to,
        });
        // A totals-windows view answers with a TotalsWindowsView (totals-view.ts).
        result = totalsAnswerOf(answer, 'windows') as unknown as TotalsWindowsView;
      }
    } catch (error) {
      if (error instanceof WindowQueryError) {
        throw new StreamfoldError(ErrorCodes.CONFIG_INVALID, error.message);
      }
      throw error;
    }
    if (flags.json) print(JSON.stringify(result));
    else printWindows(loaded.topology.name, result);
  });
}
