import type { Producer } from '../kafka/index.js';
import type { DerivedRecord } from '../pipeline/types.js';
import type { StateStore } from '../state/index.js';
import { publish } from './publish.js';

/**
 * Publishes what committed batches left in a partition's outbox, then removes it (protocol
 * step 4). A crash between publish and removal publishes the same records again, with the same
 * `sf-id`: derived topics are at-least-once, never lost.
 */
export class OutboxRelay {
  constructor(
    private readonly store: Pick<StateStore, 'pendingOutbox' | 'ackOutbox'>,
    private readonly producer: Producer,
    private readonly pageSize = 100,
  ) {}

  /**
   * Publishes the entry a batch has just committed, from the records still in memory, and
   * removes it: no read back from Redis on the hot path. Only valid when the outbox held
   * nothing older, which holds while a lease lives: `drain` ran when it was acquired, every
   * batch since published its own entry, and any failure drops the lease.
   */
  async publishCommitted(
    partition: number,
    entry: string,
    records: readonly DerivedRecord[],
  ): Promise<void> {
    await publish(this.producer, records);
    await this.store.ackOutbox(partition, [entry]);
  }

  /** Publishes every pending entry of a partition; returns how many records went out. */
  async drain(partition: number): Promise<number> {
    let published = 0;
    for (;;) {
      const entries = await this.store.pendingOutbox(partition, this.pageSize);
      if (entries.length === 0) return published;
      const records = entries.flatMap((e) => e.records);
      await publish(this.producer, records);
      await this.store.ackOutbox(
        partition,
        entries.map((e) => e.id),
      );
      published += records.length;
      if (entries.length < this.pageSize) return published;
    }
  }
}
