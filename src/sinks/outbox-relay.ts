import type { Producer } from '../kafka/index.js';
import type { StateStore } from '../state/index.js';
import { publish } from './publish.js';

/**
 * Publishes what committed batches left in a partition's outbox, then removes it (protocol
 * step 4). A crash between publish and removal publishes the same records again, with the same
 * `sf-id`: derived topics are at-least-once, never lost.
 */
export class OutboxRelay {
  constructor(
    private readonly store: StateStore,
    private readonly producer: Producer,
    private readonly pageSize = 100,
  ) {}

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
