import type { ProgramShardReader } from '../../state/index.js';
import { aggregateOf, aggregateWindowSize, groupKeyOfFilter } from './aggregate-params.js';
import { groupRows, mergeShards } from './group-rows.js';
import type { AggregateWindowsResult, AggregateWindowView, QueriedTopology } from './types.js';
import { readWindowParts } from './window-parts.js';

/**
 * `GET /aggregates/:name/windows?size=&from=&to=`: the windows of one size overlapping
 * [from, to), ascending, each with its groups merged over partitions and each partition's part;
 * windows that hold nothing are left out. `size` is named as in the file or canonically.
 */
export async function queryAggregateWindows(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  name: string,
  sizeText: string | null,
  from: number,
  to: number,
  group?: readonly string[],
): Promise<AggregateWindowsResult> {
  const aggregate = aggregateOf(topology, name);
  const size = aggregateWindowSize(aggregate, sizeText);
  const key = group === undefined ? undefined : groupKeyOfFilter(aggregate, group);
  const parts = await readWindowParts(reader, aggregate, size, from, to, key);
  const shape = topology.program.state;
  const windows = parts.map((w): AggregateWindowView => {
    const view: AggregateWindowView = {
      start: w.start,
      end: w.end,
      groups: groupRows(
        aggregate,
        shape,
        mergeShards(aggregate, new Map([...w.partitions].map(([p, part]) => [p, part.groups]))),
      ),
      final: [...w.partitions.values()].every((part) => part.state !== 'open'),
      partitions: {},
    };
    for (const [p, part] of w.partitions) {
      view.partitions[String(p)] = {
        groups: groupRows(aggregate, shape, part.groups),
        state: part.state,
      };
    }
    return view;
  });
  return { aggregate: name, size: size.label, from, to, windows };
}
