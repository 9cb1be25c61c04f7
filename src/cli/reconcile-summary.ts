import type { ReconcileReport, RevenueView } from '../reconcile/index.js';
import { formatTotals } from './format-money.js';

/** Examples shown per kind of difference in the readable summary (--json has up to 20). */
const SHOWN = 5;

function line(name: string, ok: boolean, text: string): string {
  return `  ${name.padEnd(8)} ${ok ? 'ok  ' : 'FAIL'}  ${text}`;
}

function revenueDiff(expected: RevenueView, actual: RevenueView): string[] {
  const partitions = new Set([
    ...Object.keys(expected.partitions),
    ...Object.keys(actual.partitions),
  ]);
  const out: string[] = [];
  for (const p of [...partitions].sort((a, b) => Number(a) - Number(b))) {
    const e = formatTotals(expected.partitions[p] ?? {});
    const a = formatTotals(actual.partitions[p] ?? {});
    if (e !== a) out.push(`partition ${p}: expected ${e}; Redis has ${a}`);
  }
  return out;
}

/** The human-readable form of a report, one section per line plus a few examples. */
export function formatReport(report: ReconcileReport): string {
  const { input, orders, revenue, applied, dlt } = report;
  const detail = (items: string[]) => items.slice(0, SHOWN).map((t) => `             ${t}`);
  const lines = [`reconcile ${report.topology}: ${report.ok ? 'OK' : 'DIFFERENCES FOUND'}`];

  lines.push(
    line(
      'input',
      input.truncated.length === 0,
      `${input.topic}: ${input.records} records in ${Object.keys(input.perPartition).length} partitions ` +
        `(${input.applied} applied, ${input.duplicates} duplicates, ${input.anomalies} anomalies, ${input.invalid} invalid)`,
    ),
  );
  if (input.truncated.length > 0) {
    lines.push(...detail([`partitions ${input.truncated.join(', ')} no longer start at offset 0`]));
  }

  lines.push(
    line(
      'orders',
      orders.ok,
      `${orders.expected} expected, ${orders.actual} in Redis` +
        (orders.ok
          ? ''
          : `: ${orders.mismatchCount} mismatched, ${orders.missing} missing, ${orders.unexpected} unexpected`),
    ),
  );
  lines.push(
    ...detail([
      ...orders.mismatches.map(
        (m) =>
          `p${m.partition} ${m.orderId}: ` +
          Object.entries(m.diffs)
            .map(
              ([f, d]) =>
                `${f} expected ${JSON.stringify(d.expected)}, got ${JSON.stringify(d.actual)}`,
            )
            .join('; '),
      ),
      ...orders.missingOrders.map((m) => `missing p${m.partition} ${m.orderId}`),
      ...orders.unexpectedOrders.map((m) => `unexpected p${m.partition} ${m.orderId}`),
    ]),
  );

  lines.push(line('revenue', revenue.ok, formatTotals(revenue.actual.totals)));
  if (!revenue.ok) lines.push(...detail(revenueDiff(revenue.expected, revenue.actual)));

  const partitions = Object.keys(applied.expected).length;
  lines.push(
    line(
      'applied',
      applied.ok,
      applied.ok
        ? `${partitions} partitions applied up to their high watermark`
        : `${applied.mismatches.length} of ${partitions} partitions differ`,
    ),
  );
  lines.push(
    ...detail(
      applied.mismatches.map(
        (m) => `partition ${m.partition}: applied ${m.actual}, expected ${m.expected}`,
      ),
    ),
  );

  const duplicated = dlt.duplicates > 0 ? ` (${dlt.duplicates} dead-lettered more than once)` : '';
  lines.push(
    line(
      'dlt',
      dlt.ok,
      `${dlt.topic}: ${dlt.actual} dead letters for ${dlt.expected} invalid records${duplicated}` +
        (dlt.ok ? '' : `: ${dlt.missing} missing, ${dlt.unexpected} unexpected`),
    ),
  );
  lines.push(
    ...detail([
      ...dlt.missingPositions.map(
        (m) => `missing: input partition ${m.partition} offset ${m.offset}`,
      ),
      ...dlt.unexpectedPositions.map(
        (m) => `unexpected: input partition ${m.partition} offset ${m.offset}`,
      ),
      ...dlt.headerProblems.map(
        (h) => `dead letter ${h.dltPartition}@${h.dltOffset}: ${h.problem}`,
      ),
      ...dlt.contentMismatches.map(
        (c) => `input ${c.partition}@${c.offset}: dead letter ${c.field} differs from the original`,
      ),
    ]),
  );
  if (!dlt.ok && dlt.pendingOutbox > 0) {
    lines.push(...detail([`${dlt.pendingOutbox} outbox entries are not published yet`]));
  }
  return `${lines.join('\n')}\n`;
}
