/**
 * Read-only views over one generation of a program's shards (program-fields.ts), for queries:
 * a key's stored state, the running partials of one aggregate, and its open and closed windows
 * of one size. The legacy order layout is read by state-reader.ts; both share the keys and the
 * generation pointer.
 */
import type { GroupPartial, ProgramWindowResult } from '../pipeline/program/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { generationOf, shardKeys, topologyKeys, type ShardKeys } from './keys.js';
import { ProgramFields, splitPartialField } from './program-fields.js';
import type { RedisConnection } from './redis-client.js';

/** A stored state and the partition whose shard holds it. */
export interface StoredState {
  readonly partition: number;
  /** The state JSON as stored (pipeline/program/state-json.ts), eventIds included. */
  readonly json: string;
}

/** Window start → group key → partial, for one aggregate and size. */
export type OpenWindows = Map<number, Map<string, GroupPartial>>;

/** What the program queries read; a Redis reader below, an in-memory one in tests. */
export interface ProgramShardReader {
  readonly generation: number;
  liveGeneration(): Promise<number>;
  /** The same topology in another generation. */
  at(generation: number): ProgramShardReader;
  /** Partitions that have ever been owned, ascending. */
  partitions(): Promise<number[]>;
  /** Last applied offset per partition (-1: nothing applied). */
  applied(partitions: readonly number[]): Promise<Map<number, number>>;
  /** A key's state, looked up in every given shard (a key lives in one); undefined if none. */
  state(key: string, partitions: readonly number[]): Promise<StoredState | undefined>;
  /** Per partition, group key → running partial of one aggregate (no entry: no group). */
  partials(
    aggregate: string,
    partitions: readonly number[],
  ): Promise<Map<number, Map<string, GroupPartial>>>;
  /** Per partition that has it, the running partial of one group of one aggregate. */
  groupPartials(
    aggregate: string,
    group: string,
    partitions: readonly number[],
  ): Promise<Map<number, GroupPartial>>;
  /** Per partition, the windows of one aggregate and size that are still open. */
  openWindows(
    aggregate: string,
    size: string,
    partitions: readonly number[],
  ): Promise<Map<number, OpenWindows>>;
  /** Per partition, window start → result, for those of the given starts that have closed. */
  closedWindows(
    aggregate: string,
    size: string,
    starts: readonly number[],
    partitions: readonly number[],
  ): Promise<Map<number, Map<number, ProgramWindowResult>>>;
}

function parsed<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new StreamfoldError(ErrorCodes.REDIS_SCRIPT, `stored ${what} is not JSON`, { cause });
  }
}

export class ProgramReader implements ProgramShardReader {
  constructor(
    private readonly redis: RedisConnection,
    private readonly prefix: string,
    private readonly topology: string,
    readonly generation = 0,
  ) {}

  /** A reader of the generation that is live now. */
  static async live(
    redis: RedisConnection,
    prefix: string,
    topology: string,
  ): Promise<ProgramReader> {
    const reader = new ProgramReader(redis, prefix, topology);
    return reader.at(await reader.liveGeneration());
  }

  async liveGeneration(): Promise<number> {
    return generationOf(await this.redis.get(topologyKeys(this.prefix, this.topology).generation));
  }

  at(generation: number): ProgramReader {
    return new ProgramReader(this.redis, this.prefix, this.topology, generation);
  }

  async partitions(): Promise<number[]> {
    const members = await this.redis.smembers(topologyKeys(this.prefix, this.topology).partitions);
    return members.map(Number).sort((a, b) => a - b);
  }

  private shard(partition: number): ShardKeys {
    return shardKeys(this.prefix, this.topology, partition, this.generation);
  }

  async applied(partitions: readonly number[]): Promise<Map<number, number>> {
    const values = await Promise.all(partitions.map((p) => this.redis.get(this.shard(p).applied)));
    return new Map(partitions.map((p, i) => [p, values[i] == null ? -1 : Number(values[i])]));
  }

  /**
   * One HGET per shard, in parallel, rather than the key's partition from Kafka's partitioner:
   * the answer stays right whatever partitioner the producers used.
   */
  async state(key: string, partitions: readonly number[]): Promise<StoredState | undefined> {
    const values = await Promise.all(
      partitions.map((p) => this.redis.hget(this.shard(p).states, key)),
    );
    const at = values.findIndex((v) => v !== null);
    const json = values[at];
    const partition = partitions[at];
    return json == null || partition === undefined ? undefined : { partition, json };
  }

  /**
   * The whole aggregates hash of each shard, filtered by the aggregate's prefix: one atomic read
   * per shard, fine while a shard holds thousands of groups. A shard of millions would want
   * HSCAN with MATCH instead, so as not to block Redis while it answers.
   */
  async partials(
    aggregate: string,
    partitions: readonly number[],
  ): Promise<Map<number, Map<string, GroupPartial>>> {
    const hashes = await Promise.all(
      partitions.map((p) => this.redis.hgetall(this.shard(p).aggregates)),
    );
    return new Map(
      partitions.map((p, i) => {
        const groups = new Map<string, GroupPartial>();
        for (const [field, text] of Object.entries(hashes[i] ?? {})) {
          if (!field.includes('|')) continue;
          const parts = splitPartialField(field);
          if (parts.aggregate !== aggregate) continue;
          groups.set(parts.group, parsed<GroupPartial>(text, `partial ${field}`));
        }
        return [p, groups];
      }),
    );
  }

  async groupPartials(
    aggregate: string,
    group: string,
    partitions: readonly number[],
  ): Promise<Map<number, GroupPartial>> {
    const field = ProgramFields.partial(aggregate, group);
    const values = await Promise.all(
      partitions.map((p) => this.redis.hget(this.shard(p).aggregates, field)),
    );
    const found = new Map<number, GroupPartial>();
    partitions.forEach((p, i) => {
      const text = values[i];
      if (text != null) found.set(p, parsed<GroupPartial>(text, `partial ${field}`));
    });
    return found;
  }

  /** The whole open-windows hash of each shard (as `partials`), filtered by aggregate and size. */
  async openWindows(
    aggregate: string,
    size: string,
    partitions: readonly number[],
  ): Promise<Map<number, OpenWindows>> {
    const hashes = await Promise.all(
      partitions.map((p) => this.redis.hgetall(this.shard(p).windowsOpen)),
    );
    return new Map(
      partitions.map((p, i) => {
        const windows: OpenWindows = new Map();
        for (const [field, text] of Object.entries(hashes[i] ?? {})) {
          const parts = ProgramFields.splitOpenWindow(field);
          if (parts.aggregate !== aggregate || parts.size !== size) continue;
          let groups = windows.get(parts.start);
          if (groups === undefined)
            windows.set(parts.start, (groups = new Map<string, GroupPartial>()));
          groups.set(parts.group, parsed<GroupPartial>(text, `window ${field}`));
        }
        return [p, windows];
      }),
    );
  }

  async closedWindows(
    aggregate: string,
    size: string,
    starts: readonly number[],
    partitions: readonly number[],
  ): Promise<Map<number, Map<number, ProgramWindowResult>>> {
    if (starts.length === 0) return new Map(partitions.map((p) => [p, new Map()]));
    const fields = starts.map((start) => ProgramFields.closedWindow(aggregate, size, start));
    const values = await Promise.all(
      partitions.map((p) => this.redis.hmget(this.shard(p).windowsClosed, ...fields)),
    );
    return new Map(
      partitions.map((p, i) => {
        const closed = new Map<number, ProgramWindowResult>();
        (values[i] ?? []).forEach((text, n) => {
          const start = starts[n];
          if (text == null || start === undefined) return;
          closed.set(start, parsed<ProgramWindowResult>(text, `window ${fields[n] ?? ''}`));
        });
        return [p, closed];
      }),
    );
  }
}
