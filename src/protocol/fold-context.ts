import type { FoldContext, FoldInput, OrderEvent } from '../pipeline/index.js';
import type { PartitionLease } from '../state/index.js';
import type { CompiledTopology } from '../topology/index.js';

/** What every fold of a topology gets: its outputs, reducers and the wall-clock time now. */
export function foldContext(
  topology: CompiledTopology,
  workerVersion: string,
  now: number,
  beforeApply?: (event: OrderEvent) => void,
): FoldContext {
  return {
    sourceTopic: topology.source.topic,
    outputs: topology.outputs,
    workerVersion,
    now,
    aggregators: topology.aggregators,
    ...(topology.windows ? { windows: topology.windows } : {}),
    ...(beforeApply ? { beforeApply } : {}),
  };
}

/** The input of a fold that reads no records (an idle close): the lease's own state. */
export function leaseInput(lease: PartitionLease): FoldInput {
  return {
    states: new Map(),
    aggregates: new Map(),
    totals: lease.totals,
    windows: lease.windows,
    parked: lease.parked,
  };
}
