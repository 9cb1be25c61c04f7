/** A program's shards in memory, read through the interface the queries take. */
import type { GroupPartial, ProgramWindowResult } from '../../../../src/pipeline/program/index.js';
import type { OpenWindows, ProgramShardReader, StoredState } from '../../../../src/state/index.js';

interface Shard {
  applied: number;
  readonly states: Map<string, string>;
  /** `<aggregate>` → group → partial. */
  readonly partials: Map<string, Map<string, GroupPartial>>;
  /** `<aggregate>|<size>` → open windows. */
  readonly open: Map<string, OpenWindows>;
  /** `<aggregate>|<size>|<start>` → result. */
  readonly closed: Map<string, ProgramWindowResult>;
}

export class MemoryProgramReader implements ProgramShardReader {
  readonly generation = 0;
  readonly shards = new Map<number, Shard>();
  /** Called on each `applied` read with its count, before answering (to move offsets). */
  onApplied: ((call: number) => void) | undefined;
  private appliedCalls = 0;

  shard(partition: number): Shard {
    let shard = this.shards.get(partition);
    if (shard === undefined) {
      shard = {
        applied: -1,
        states: new Map(),
        partials: new Map(),
        open: new Map(),
        closed: new Map(),
      };
      this.shards.set(partition, shard);
    }
    return shard;
  }

  state(key: string, partitions: readonly number[]): Promise<StoredState | undefined> {
    for (const partition of partitions) {
      const json = this.shards.get(partition)?.states.get(key);
      if (json !== undefined) return Promise.resolve({ partition, json });
    }
    return Promise.resolve(undefined);
  }

  setPartial(partition: number, aggregate: string, group: string, partial: GroupPartial): this {
    const shard = this.shard(partition);
    const groups = shard.partials.get(aggregate) ?? new Map<string, GroupPartial>();
    shard.partials.set(aggregate, groups.set(group, partial));
    return this;
  }

  setOpen(
    partition: number,
    aggregate: string,
    size: string,
    start: number,
    groups: Record<string, GroupPartial>,
  ): this {
    const shard = this.shard(partition);
    const windows: OpenWindows =
      shard.open.get(`${aggregate}|${size}`) ?? new Map<number, Map<string, GroupPartial>>();
    shard.open.set(`${aggregate}|${size}`, windows.set(start, new Map(Object.entries(groups))));
    return this;
  }

  setClosed(partition: number, result: ProgramWindowResult): this {
    this.shard(partition).closed.set(`${result.aggregate}|${result.size}|${result.start}`, result);
    return this;
  }

  liveGeneration(): Promise<number> {
    return Promise.resolve(0);
  }

  at(): ProgramShardReader {
    return this;
  }

  partitions(): Promise<number[]> {
    return Promise.resolve([...this.shards.keys()].sort((a, b) => a - b));
  }

  applied(partitions: readonly number[]): Promise<Map<number, number>> {
    this.appliedCalls += 1;
    this.onApplied?.(this.appliedCalls);
    return Promise.resolve(new Map(partitions.map((p) => [p, this.shards.get(p)?.applied ?? -1])));
  }

  partials(
    aggregate: string,
    partitions: readonly number[],
  ): Promise<Map<number, Map<string, GroupPartial>>> {
    return Promise.resolve(
      new Map(
        partitions.map((p) => [p, new Map(this.shards.get(p)?.partials.get(aggregate) ?? [])]),
      ),
    );
  }

  groupPartials(
    aggregate: string,
    group: string,
    partitions: readonly number[],
  ): Promise<Map<number, GroupPartial>> {
    const found = new Map<number, GroupPartial>();
    for (const p of partitions) {
      const partial = this.shards.get(p)?.partials.get(aggregate)?.get(group);
      if (partial !== undefined) found.set(p, partial);
    }
    return Promise.resolve(found);
  }

  openWindows(
    aggregate: string,
    size: string,
    partitions: readonly number[],
  ): Promise<Map<number, OpenWindows>> {
    return Promise.resolve(
      new Map(
        partitions.map((p) => [
          p,
          new Map(this.shards.get(p)?.open.get(`${aggregate}|${size}`) ?? []),
        ]),
      ),
    );
  }

  closedWindows(
    aggregate: string,
    size: string,
    starts: readonly number[],
    partitions: readonly number[],
  ): Promise<Map<number, Map<number, ProgramWindowResult>>> {
    return Promise.resolve(
      new Map(
        partitions.map((p) => {
          const closed = new Map<number, ProgramWindowResult>();
          for (const start of starts) {
            const result = this.shards.get(p)?.closed.get(`${aggregate}|${size}|${start}`);
            if (result !== undefined) closed.set(start, result);
          }
          return [p, closed];
        }),
      ),
    );
  }
}
