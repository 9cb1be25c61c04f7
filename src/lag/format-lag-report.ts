import type { LagReport, LagRow } from './types.js';

const columns: readonly { title: string; cell: (row: LagRow) => string }[] = [
  { title: 'PARTITION', cell: (r) => String(r.partition) },
  { title: 'COMMITTED', cell: (r) => dash(r.committed) },
  { title: 'APPLIED', cell: (r) => dash(r.applied) },
  { title: 'HIGH', cell: (r) => String(r.highWatermark) },
  { title: 'LAG', cell: (r) => String(r.lag) },
  { title: 'LAG_SECONDS', cell: (r) => (r.lagSeconds === null ? '-' : r.lagSeconds.toFixed(1)) },
  { title: 'OWNER', cell: (r) => r.owner ?? '-' },
];

function dash(value: number | null): string {
  return value === null ? '-' : String(value);
}

/** The human table of `streamfold lag`: a heading, one aligned line per partition, the total. */
export function formatLagReport(report: LagReport): string {
  const cells = [
    columns.map((c) => c.title),
    ...report.partitions.map((row) => columns.map((c) => c.cell(row))),
  ];
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)));
  const lines = cells.map((line) =>
    line
      .map((cell, i) => (i === line.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
  return [
    `topology ${report.topology}, topic ${report.topic}, group ${report.group}`,
    ...lines,
    `total lag ${report.totalLag}`,
  ].join('\n');
}
