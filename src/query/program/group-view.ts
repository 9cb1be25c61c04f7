import type { ProgramShardReader } from '../../state/index.js';
import { aggregateOf, groupKeyOfFilter } from './aggregate-params.js';
import { groupRow, mergeShards } from './group-rows.js';
import type { GroupViewResult, QueriedTopology } from './types.js';

/**
 * The group view: one group of a running aggregate merged over partitions, then the partitions
 * holding a part of it. For the customers program's `customer-value` and group `c-1` this is
 * today's `query customer c-1` answer. One HGET per shard: the group's field alone is read.
 * `partitions` comes last, so a group field or metric of that name would be shadowed by it.
 */
export async function queryGroup(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  name: string,
  group: readonly string[],
): Promise<GroupViewResult> {
  const aggregate = aggregateOf(topology, name);
  const key = groupKeyOfFilter(aggregate, group);
  const found = await reader.groupPartials(name, key, await reader.partitions());
  if (found.size === 0) return { kind: 'not-found' };
  const merged = mergeShards(
    aggregate,
    new Map([...found].map(([p, partial]) => [p, new Map([[key, partial]])])),
  );
  const partial = merged.get(key);
  if (partial === undefined) return { kind: 'not-found' };
  const row = groupRow(aggregate, topology.program.state, key, partial);
  const partitions = [...found.keys()].sort((a, b) => a - b);
  return { kind: 'found', view: { ...row, partitions } };
}
