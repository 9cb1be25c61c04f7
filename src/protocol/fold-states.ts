/**
 * The reads a fold needs before it can run: the states of the orders a batch touches and the
 * aggregate partials it will likely touch, in one round trip; one more when the fold finds an
 * aggregate key it did not expect (MissingStatesError).
 */
import {
  aggregateField,
  keysTouched,
  MissingStatesError,
  type Aggregator,
  type BatchResult,
  type FoldInput,
  type OrderEvent,
} from '../pipeline/index.js';
import type { PartitionLease, StateStore } from '../state/index.js';

/** The fold's input besides the loaded states: offsets to dead-letter, known failures. */
export interface FoldExtras {
  poisoned: ReadonlySet<number>;
  failed: ReadonlySet<number>;
}

export class FoldStates {
  private readonly byName: ReadonlyMap<string, Aggregator<unknown>>;

  constructor(
    private readonly store: StateStore,
    private readonly aggregators: readonly Aggregator<unknown>[],
  ) {
    this.byName = new Map(aggregators.map((a) => [a.name, a]));
  }

  /** Loads what the events need and folds; loads once more if the fold asks for more. */
  async fold(
    lease: PartitionLease,
    events: readonly OrderEvent[],
    extras: FoldExtras,
    fold: (input: FoldInput) => BatchResult,
  ): Promise<BatchResult> {
    const partition = lease.partition;
    const [states, aggregates] = await Promise.all([
      this.store.loadStates(partition, keysTouched(events)),
      this.loadAggregates(partition, this.hints(events)),
    ]);
    const input = (): FoldInput => ({
      states,
      aggregates,
      totals: lease.totals,
      windows: lease.windows,
      parked: lease.parked,
      ...extras,
    });
    try {
      return fold(input());
    } catch (error) {
      if (!(error instanceof MissingStatesError)) throw error;
      for (const [field, state] of await this.loadAggregates(partition, error.fields)) {
        aggregates.set(field, state);
      }
      return fold(input());
    }
  }

  private hints(events: readonly OrderEvent[]): string[] {
    const fields = new Set<string>();
    for (const aggregator of this.aggregators) {
      for (const event of events) {
        const key = aggregator.keyHint(event);
        if (key !== undefined) fields.add(aggregateField(aggregator.name, key));
      }
    }
    return [...fields];
  }

  /** Parsed partials; `null` where Redis has none (the fold starts that key empty). */
  private async loadAggregates(
    partition: number,
    fields: readonly string[],
  ): Promise<Map<string, unknown>> {
    const loaded = new Map<string, unknown>();
    if (fields.length === 0) return loaded;
    for (const [field, json] of await this.store.loadAggregates(partition, fields)) {
      const aggregator = this.byName.get(field.slice(0, field.indexOf('|')));
      loaded.set(field, json === null || aggregator === undefined ? null : aggregator.parse(json));
    }
    return loaded;
  }
}
