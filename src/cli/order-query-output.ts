/**
 * What `query order|revenue|windows|customer` print without `--json`, one function per view. Both
 * engines' answers are printed by these, so the human output cannot drift between the built-in
 * order lifecycle and its language version (topologies/).
 */
import type { CustomerView, OrderQueryResult, RevenueQueryResult } from '../query/index.js';
import { formatCents, formatTotals } from './format-money.js';

/** The fields of a windows answer the text shows: today's and a totals-windows view have them. */
export interface PrintedWindows {
  readonly size: string;
  readonly windows: readonly {
    readonly start: number;
    readonly final: boolean;
    readonly totals: Record<string, number>;
  }[];
}

export function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

export function printOrder(topology: string, found: OrderQueryResult): void {
  const o = found.order;
  print(`order ${o.orderId} (topology ${topology}, partition ${found.partition})`);
  print(`  customer  ${o.customerId}`);
  print(`  status    ${o.status}`);
  print(`  total     ${o.currency} ${formatCents(o.totalCents)}`);
  print(`  paid      ${o.currency} ${formatCents(o.paidCents)}`);
  print(`  events    ${o.appliedEvents} applied, last at ${new Date(o.updatedAt).toISOString()}`);
}

export function printRevenue(topology: string, revenue: RevenueQueryResult): void {
  const partitions = Object.keys(revenue.partitions);
  print(`revenue of topology ${topology} (${partitions.length} partitions)`);
  print(`  total        ${formatTotals(revenue.totals)}`);
  for (const p of partitions) {
    print(`  partition ${p.padEnd(3)} ${formatTotals(revenue.partitions[p] ?? {})}`);
  }
}

export function printCustomer(topology: string, found: CustomerView): void {
  print(
    `customer ${found.customerId} (topology ${topology}, partitions ${found.partitions.join(', ')})`,
  );
  print(
    `  orders    ${found.orders} placed, ${found.paid} paid, ${found.shipped} shipped, ${found.cancelled} cancelled`,
  );
  print(`  lifetime  ${formatTotals(found.lifetimeValueCents)}`);
}

export function printWindows(topology: string, result: PrintedWindows): void {
  print(
    `revenue in ${result.size} windows of topology ${topology}: ${result.windows.length} windows`,
  );
  for (const w of result.windows) {
    const state = w.final ? 'final' : 'open';
    print(`  ${new Date(w.start).toISOString()}  ${state.padEnd(5)}  ${formatTotals(w.totals)}`);
  }
}

/** Not found: `{"error":"not found"}` with --json, else `what` on stderr; exit 1 either way. */
export function printNotFound(what: string, json: boolean | undefined): void {
  if (json) print(JSON.stringify({ error: 'not found' }));
  else process.stderr.write(`${what}\n`);
  process.exitCode = 1;
}
