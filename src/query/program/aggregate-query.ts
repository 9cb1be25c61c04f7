import type { GroupPartial } from '../../pipeline/program/index.js';
import type { ProgramShardReader } from '../../state/index.js';
import { aggregateOf, groupKeyOfFilter } from './aggregate-params.js';
import { groupRows, mergeShards } from './group-rows.js';
import type { AggregateQueryResult, QueriedTopology } from './types.js';

/**
 * `query aggregate <topology> <name> [--group …]`: every group of a running aggregate merged
 * over partitions, and each partition's own. A group filter (aggregate-params.ts) reads that one
 * group's field alone in each shard; a group no shard holds gives no rows.
 */
export async function queryAggregate(
  reader: ProgramShardReader,
  topology: QueriedTopology,
  name: string,
  group?: readonly string[],
): Promise<AggregateQueryResult> {
  const aggregate = aggregateOf(topology, name);
  const partitions = await reader.partitions();
  let perPartition: Map<number, Map<string, GroupPartial>>;
  if (group === undefined) {
    perPartition = await reader.partials(name, partitions);
  } else {
    const key = groupKeyOfFilter(aggregate, group);
    const found = await reader.groupPartials(name, key, partitions);
    perPartition = new Map(
      partitions.map((p) => {
        const partial = found.get(p);
        return [p, new Map(partial === undefined ? [] : [[key, partial]])];
      }),
    );
  }
  const shape = topology.program.state;
  const result: AggregateQueryResult = {
    aggregate: name,
    groups: groupRows(aggregate, shape, mergeShards(aggregate, perPartition)),
    partitions: {},
  };
  for (const p of partitions) {
    result.partitions[String(p)] = groupRows(aggregate, shape, perPartition.get(p) ?? new Map());
  }
  return result;
}
