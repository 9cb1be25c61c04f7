import type { BatchResult } from '../pipeline/index.js';
import type { ProgramBatch } from '../pipeline/program/index.js';
import type { ProgramStore } from '../protocol/index.js';
import type {
  CommitOutcome,
  OutboxEntry,
  PartitionLease,
  ProgramLease,
  ProgramStateStore,
  StateStore,
} from '../state/index.js';

/**
 * The rebuilt generation's store: commits state exactly as the worker does, but derives no outbox
 * entries. The live generation already published every derived record of the replayed input.
 */
export class QuietStore implements StateStore {
  constructor(private readonly inner: StateStore) {}

  acquire(partition: number): Promise<PartitionLease> {
    return this.inner.acquire(partition);
  }

  loadStates(partition: number, keys: readonly string[]) {
    return this.inner.loadStates(partition, keys);
  }

  loadAggregates(partition: number, fields: readonly string[]) {
    return this.inner.loadAggregates(partition, fields);
  }

  commit(lease: PartitionLease, batch: BatchResult): Promise<CommitOutcome> {
    return this.inner.commit(lease, { ...batch, outputs: [] });
  }

  pendingOutbox(): Promise<OutboxEntry[]> {
    return Promise.resolve([]);
  }

  ackOutbox(): Promise<void> {
    return Promise.resolve();
  }

  unparkRequests(): Promise<Map<number, string[]>> {
    return Promise.resolve(new Map<number, string[]>());
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The same for a topology program's store: its commits carry no derived records. */
export class QuietProgramStore implements ProgramStore {
  constructor(private readonly inner: ProgramStateStore) {}

  acquire(partition: number): Promise<ProgramLease> {
    return this.inner.acquire(partition);
  }

  loadStates(partition: number, keys: readonly string[]) {
    return this.inner.loadStates(partition, keys);
  }

  loadPartials(lease: ProgramLease, fields: readonly string[]) {
    return this.inner.loadPartials(lease, fields);
  }

  commit(lease: ProgramLease, batch: ProgramBatch): Promise<CommitOutcome> {
    return this.inner.commit(lease, { ...batch, outputs: [] });
  }

  unparkRequests(): Promise<Map<number, string[]>> {
    return Promise.resolve(new Map<number, string[]>());
  }
}
