import type { Metrics, RedisCommand } from '../metrics/index.js';
import type { BatchResult, OrderState } from '../pipeline/types.js';
import type { ProgramStore } from '../protocol/index.js';
import type {
  CommitOutcome,
  OutboxEntry,
  PartitionLease,
  ProgramStateStore,
  StateStore,
} from '../state/index.js';

/** A StateStore that times every Redis round trip into `streamfold_redis_command_duration_seconds`. */
export class TimedStateStore implements StateStore {
  constructor(
    private readonly inner: StateStore,
    private readonly metrics: Metrics,
  ) {}

  acquire(partition: number): Promise<PartitionLease> {
    return this.metrics.timeRedisCommand('fence', () => this.inner.acquire(partition));
  }

  loadStates(partition: number, keys: readonly string[]): Promise<Map<string, OrderState>> {
    return this.metrics.timeRedisCommand('load_states', () =>
      this.inner.loadStates(partition, keys),
    );
  }

  loadAggregates(
    partition: number,
    fields: readonly string[],
  ): Promise<Map<string, string | null>> {
    return this.metrics.timeRedisCommand('load_states', () =>
      this.inner.loadAggregates(partition, fields),
    );
  }

  unparkRequests(partitions: readonly number[]): Promise<Map<number, string[]>> {
    return this.metrics.timeRedisCommand('unpark_requests', () =>
      this.inner.unparkRequests(partitions),
    );
  }

  commit(lease: PartitionLease, batch: BatchResult): Promise<CommitOutcome> {
    return this.metrics.timeRedisCommand('commit', () => this.inner.commit(lease, batch));
  }

  pendingOutbox(partition: number, limit: number): Promise<OutboxEntry[]> {
    return this.metrics.timeRedisCommand('outbox_read', () =>
      this.inner.pendingOutbox(partition, limit),
    );
  }

  ackOutbox(partition: number, ids: readonly string[]): Promise<void> {
    return this.metrics.timeRedisCommand('outbox_ack', () => this.inner.ackOutbox(partition, ids));
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The same timing for a topology program's store. */
export function timedProgramStore(
  inner: ProgramStateStore,
  metrics: Metrics,
): ProgramStore & Pick<StateStore, 'pendingOutbox' | 'ackOutbox' | 'close'> {
  const time = <T>(command: RedisCommand, run: () => Promise<T>): Promise<T> =>
    metrics.timeRedisCommand(command, run);
  return {
    acquire: (partition) => time('fence', () => inner.acquire(partition)),
    loadStates: (partition, keys) => time('load_states', () => inner.loadStates(partition, keys)),
    loadPartials: (lease, fields) => time('load_states', () => inner.loadPartials(lease, fields)),
    unparkRequests: (partitions) => time('unpark_requests', () => inner.unparkRequests(partitions)),
    commit: (lease, batch) => time('commit', () => inner.commit(lease, batch)),
    pendingOutbox: (partition, limit) =>
      time('outbox_read', () => inner.pendingOutbox(partition, limit)),
    ackOutbox: (partition, ids) => time('outbox_ack', () => inner.ackOutbox(partition, ids)),
    close: () => inner.close(),
  };
}
