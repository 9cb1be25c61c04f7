import type { TopicRecord } from '../../kafka/read-topic.js';
import { splitOpenField } from '../../pipeline/program/index.js';
import type { GroupPartial, JsonValue, Program } from '../../pipeline/program/types.js';
import type { LateTransition, WindowPartition } from '../interpreter/index.js';
import { sameJson } from '../interpreter/values.js';
import { MAX_LISTED } from '../types.js';
import type { AggregateWindowCounts, ProgramWindowsSection } from './types.js';

/** The interpreter's windows: aggregate → `<size>|<start>` → partition → groups and closedBy. */
export type ExpectedWindows = ReadonlyMap<
  string,
  ReadonlyMap<string, ReadonlyMap<number, WindowPartition>>
>;

/** One partition's window hashes as stored. */
export interface StoredWindows {
  /** `<aggregate>|<size>|<start>|<group>` → partial JSON. */
  readonly open: Readonly<Record<string, string>>;
  /** `<aggregate>|<size>|<start>` → the closed window's result JSON (`closedBy`, `groups`…). */
  readonly closed: Readonly<Record<string, string>>;
}

interface ActualWindow {
  readonly aggregate: string;
  readonly state: 'open' | 'watermark' | 'idle' | 'unreadable';
  readonly groups: Map<string, JsonValue>;
}

function json(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

const windowName = (partition: number, id: string): string => `p${partition}/${id}`;

/** Windows of one partition keyed `<aggregate>|<size>|<start>`, open ones grouped from their fields. */
function actualWindows(
  stored: StoredWindows,
  partition: number,
  problem: (window: string, issue: string, aggregate: string) => void,
): Map<string, ActualWindow> {
  const windows = new Map<string, ActualWindow>();
  for (const [id, text] of Object.entries(stored.closed)) {
    const result = json(text);
    const aggregate = id.slice(0, id.indexOf('|'));
    const fields =
      typeof result === 'object' && result !== null && !Array.isArray(result)
        ? (result as Record<string, JsonValue>)
        : undefined;
    const groups = fields?.groups;
    const by = fields?.closedBy;
    if (
      (by !== 'watermark' && by !== 'idle') ||
      typeof groups !== 'object' ||
      groups === null ||
      Array.isArray(groups)
    ) {
      windows.set(id, { aggregate, state: 'unreadable', groups: new Map() });
      continue;
    }
    windows.set(id, {
      aggregate,
      state: by,
      groups: new Map(Object.entries(groups as Record<string, JsonValue>)),
    });
  }
  for (const [field, text] of Object.entries(stored.open)) {
    const { aggregate, size, start, group } = splitOpenField(field);
    const id = `${aggregate}|${size}|${start}`;
    let w = windows.get(id);
    if (w !== undefined && w.state !== 'open') {
      problem(windowName(partition, id), `closed, yet ${field} is still open`, aggregate);
      continue;
    }
    if (w === undefined) windows.set(id, (w = { aggregate, state: 'open', groups: new Map() }));
    w.groups.set(group, json(text) ?? text);
  }
  return windows;
}

function groupProblems(want: ReadonlyMap<string, GroupPartial>, got: Map<string, JsonValue>) {
  const out: string[] = [];
  for (const group of [...new Set([...want.keys(), ...got.keys()])].sort()) {
    const a = want.get(group);
    const b = got.get(group);
    if (a !== undefined && b !== undefined && sameJson(a, b)) continue;
    out.push(
      `group ${group}: ${b === undefined ? 'absent' : JSON.stringify(b)}, expected ${a === undefined ? 'absent' : JSON.stringify(a)}`,
    );
  }
  return out;
}

/**
 * Every window the interpreter has, per aggregate and partition, against the shard: one it
 * closed must be in `windowsClosed` with the same `closedBy` and groups; one it still has open
 * must be in `windowsOpen` with the same groups, or closed `idle` (an idle timeout may have passed
 * since the clock was read). Windows in Redis the interpreter does not have are unexpected.
 * Late records name no aggregate: they match the interpreter's late transitions by (partition,
 * offset, size), both ways, when the topology has a late topic (`lateRecords` given).
 */
export function compareProgramWindows(
  program: Program,
  expected: ExpectedWindows,
  actual: ReadonlyMap<number, StoredWindows>,
  expectedLate: readonly LateTransition[],
  lateRecords: readonly TopicRecord[] | undefined,
): ProgramWindowsSection {
  const perAggregate: Record<string, AggregateWindowCounts> = {};
  const counts = (aggregate: string): AggregateWindowCounts =>
    (perAggregate[aggregate] ??= {
      expectedClosed: 0,
      expectedOpen: 0,
      actual: 0,
      problemCount: 0,
    });
  for (const a of program.aggregates) if (a.windows !== undefined) counts(a.name);
  const problems: ProgramWindowsSection['problems'] = [];
  let problemCount = 0;
  const problem = (window: string, issue: string, aggregate?: string) => {
    problemCount += 1;
    if (aggregate !== undefined) counts(aggregate).problemCount += 1;
    if (problems.length < MAX_LISTED) problems.push({ window, problem: issue });
  };

  const stored = new Map<number, Map<string, ActualWindow>>();
  for (const [p, hashes] of actual) {
    const windows = actualWindows(hashes, p, problem);
    stored.set(p, windows);
    for (const w of windows.values()) counts(w.aggregate).actual += 1;
  }
  const seen = new Set<string>();
  let expectedClosed = 0;
  let expectedOpen = 0;
  for (const [aggregate, byWindow] of expected) {
    for (const [window, perPartition] of byWindow) {
      for (const [p, part] of perPartition) {
        const id = `${aggregate}|${window}`;
        const name = windowName(p, id);
        seen.add(name);
        if (part.closedBy === null) {
          expectedOpen += 1;
          counts(aggregate).expectedOpen += 1;
        } else {
          expectedClosed += 1;
          counts(aggregate).expectedClosed += 1;
        }
        const got = stored.get(p)?.get(id);
        if (got === undefined) {
          problem(name, 'missing', aggregate);
          continue;
        }
        const allowed = part.closedBy === null ? ['open', 'idle'] : [part.closedBy];
        if (!allowed.includes(got.state)) {
          problem(name, `${got.state}, expected ${allowed.join(' or ')}`, aggregate);
        }
        for (const issue of groupProblems(part.groups, got.groups)) problem(name, issue, aggregate);
      }
    }
  }
  for (const [p, windows] of [...stored].sort(([a], [b]) => a - b)) {
    for (const [id, w] of windows) {
      if (!seen.has(windowName(p, id))) problem(windowName(p, id), 'unexpected', w.aggregate);
    }
  }
  const lateId = (p: string | number, o: string | number, size: string) => `${p}/${o}/${size}`;
  const expectedLateIds = new Set(expectedLate.map((l) => lateId(l.partition, l.offset, l.size)));
  const actualLateIds =
    lateRecords &&
    new Set(
      lateRecords.map((r) =>
        lateId(
          r.headers['sf-source-partition'] ?? '?',
          r.headers['sf-source-offset'] ?? '?',
          r.headers['sf-window-size'] ?? '?',
        ),
      ),
    );
  if (actualLateIds !== undefined) {
    for (const id of expectedLateIds)
      if (!actualLateIds.has(id)) problem(id, 'late event not on the late topic');
    for (const id of actualLateIds)
      if (!expectedLateIds.has(id)) problem(id, 'unexpected late event');
  }
  return {
    ok: problemCount === 0,
    expectedClosed,
    expectedOpen,
    actual: [...stored.values()].reduce((n, w) => n + w.size, 0),
    late: { expected: expectedLateIds.size, actual: actualLateIds?.size ?? null },
    problemCount,
    problems,
    perAggregate,
  };
}
