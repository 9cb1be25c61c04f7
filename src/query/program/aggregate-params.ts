/**
 * A program query's parameters, checked against the topology: the aggregate, one of its window
 * sizes, the range of windows, and a group filter. A wrong one is the caller's mistake
 * (SF_QUERY_INVALID: HTTP 400, CLI exit 1).
 */
import type { Aggregate, WindowSizeSpec } from '../../pipeline/program/index.js';
import { groupKeyOf } from '../../pipeline/program/index.js';
import { durationLabel, parseDuration } from '../../topology/duration.js';
import { MAX_WINDOWS_PER_QUERY, WindowQueryError } from '../window-query.js';
import type { QueriedTopology } from './types.js';

export function findAggregate(topology: QueriedTopology, name: string): Aggregate | undefined {
  return topology.program.aggregates.find((a) => a.name === name);
}

export function aggregateOf(topology: QueriedTopology, name: string): Aggregate {
  const aggregate = findAggregate(topology, name);
  if (aggregate === undefined) {
    const known = topology.program.aggregates.map((a) => a.name).join(', ') || 'none';
    throw new WindowQueryError(
      `topology ${topology.name} has no aggregate ${name}: it has ${known}`,
    );
  }
  return aggregate;
}

/** A window size the aggregate has, named as in the file or canonically (`60s` = `1m`). */
export function aggregateWindowSize(aggregate: Aggregate, text: string | null): WindowSizeSpec {
  const sizes = aggregate.windows?.sizes ?? [];
  if (sizes.length === 0) throw new WindowQueryError(`aggregate ${aggregate.name} has no windows`);
  const known = sizes.map((s) => s.label).join(', ');
  if (text === null) throw new WindowQueryError(`size is required: one of ${known}`);
  const ms = parseDuration(text);
  const size = sizes.find((s) => s.ms === ms);
  if (size === undefined) {
    const shown = Number.isNaN(ms) ? text : durationLabel(ms);
    throw new WindowQueryError(`no windows of size ${shown}: the aggregate has ${known}`);
  }
  return size;
}

/** Starts of the windows of one size that overlap [from, to), ascending. */
export function windowStarts(size: WindowSizeSpec, from: number, to: number): number[] {
  if (!(from < to)) throw new WindowQueryError('from must be before to');
  const first = Math.floor(from / size.ms) * size.ms;
  const count = Math.max(0, Math.ceil((to - first) / size.ms));
  if (count > MAX_WINDOWS_PER_QUERY) {
    throw new WindowQueryError(
      `the range holds ${count} windows of ${size.label}; at most ${MAX_WINDOWS_PER_QUERY} per query`,
    );
  }
  return Array.from({ length: count }, (_, i) => first + i * size.ms);
}

/**
 * The group key a filter names: `<field>=<value>` for every group field (`currency=USD`), or
 * the group key itself as one entry (`USD`; a JSON list for several group fields). An entry is
 * read as `<field>=` only when the text before the first `=` is a group field's name, so a key
 * that holds `=` can still be given whole.
 */
export function groupKeyOfFilter(aggregate: Aggregate, filter: readonly string[]): string {
  const names = aggregate.groupBy.map((g) => g.name);
  const given = new Map<string, string>();
  for (const entry of filter) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? undefined : entry.slice(0, eq);
    if (name === undefined || !names.includes(name)) {
      if (filter.length !== 1) {
        throw new WindowQueryError(
          `group ${entry}: expected <field>=<value> with a field of ${names.join(', ')}`,
        );
      }
      return entry;
    }
    if (given.has(name)) throw new WindowQueryError(`group field ${name} given twice`);
    given.set(name, entry.slice(eq + 1));
  }
  const missing = names.filter((n) => !given.has(n));
  if (missing.length > 0) {
    throw new WindowQueryError(`group of ${aggregate.name} lacks ${missing.join(', ')}`);
  }
  // The texts as the fold keys groups: a value's text is what groupKeyOf gives it.
  return groupKeyOf(names.map((n) => given.get(n) ?? ''));
}
