import type { ProgramReconcileReport } from './types.js';

/** Examples shown per kind of difference in the readable summary (--json has up to 20). */
const SHOWN = 5;

function line(name: string, ok: boolean, text: string): string {
  return `  ${name.padEnd(10)} ${ok ? 'ok  ' : 'FAIL'}  ${text}`;
}

const detail = (items: string[]): string[] =>
  items.slice(0, SHOWN).map((t) => `               ${t}`);

const text = (value: unknown): string => JSON.stringify(value) ?? 'absent';

/** The human-readable form of a program's report, one section per line plus a few examples. */
export function formatProgramReport(report: ProgramReconcileReport): string {
  const { input, states, applied, dlt, windows, parked } = report;
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
      'states',
      states.ok,
      `${states.expected} expected, ${states.actual} in Redis` +
        (states.ok
          ? ''
          : `: ${states.mismatchCount} mismatched, ${states.missing} missing, ${states.unexpected} unexpected`),
    ),
  );
  lines.push(
    ...detail([
      ...states.mismatches.map(
        (m) =>
          `p${m.partition} ${m.key}: ` +
          Object.entries(m.diffs)
            .map(([f, d]) => `${f} expected ${text(d.expected)}, got ${text(d.actual)}`)
            .join('; '),
      ),
      ...states.missingKeys.map((m) => `missing p${m.partition} ${m.key}`),
      ...states.unexpectedKeys.map((m) => `unexpected p${m.partition} ${m.key}`),
    ]),
  );

  for (const [name, section] of Object.entries(report.aggregates)) {
    lines.push(
      line(
        'aggregate',
        section.ok,
        `${name}: ${section.expected} group partials expected, ${section.actual} in Redis` +
          (section.ok ? '' : `: ${section.mismatchCount} differ`),
      ),
    );
    lines.push(
      ...detail(
        section.mismatches.map(
          (m) => `p${m.partition} ${m.group}: expected ${text(m.expected)}, got ${text(m.actual)}`,
        ),
      ),
    );
  }

  if (windows !== undefined) {
    lines.push(
      line(
        'windows',
        windows.ok,
        `${windows.expectedClosed} closed and ${windows.expectedOpen} open expected, ${windows.actual} in Redis` +
          (windows.late.actual === null
            ? ` (${windows.late.expected} late, no late topic)`
            : ` (${windows.late.expected} late expected, ${windows.late.actual} on the late topic)`) +
          (windows.ok ? '' : `: ${windows.problemCount} problems`),
      ),
    );
    lines.push(...detail(windows.problems.map((p) => `${p.window}: ${p.problem}`)));
  }

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

  if (parked.poisoned > 0 || parked.keys.length > 0) {
    lines.push(
      `  parked     ${parked.poisoned} events failed for good (not recomputed), ${parked.keys.length} keys parked now`,
    );
    lines.push(
      ...detail(parked.keys.map((k) => `p${k.partition} ${k.key}: ${k.held} events held`)),
    );
  }
  return `${lines.join('\n')}\n`;
}
