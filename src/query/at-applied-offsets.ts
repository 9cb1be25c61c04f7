/**
 * The consistency loop every query answer goes through: a read between two reads of the applied
 * offsets, so the answer can say which offsets it reflects. Shared by the order layout's routes
 * (worker/query-routes.ts) and a program's (query/program/program-query-routes.ts).
 */

/** Reads retried while commits keep moving the applied offsets under them. */
const CONSISTENT_READ_ATTEMPTS = 5;

/** What the loop needs of a reader: StateReader and ProgramShardReader both are one. */
export interface OffsetsReader<R> {
  readonly generation: number;
  liveGeneration(): Promise<number>;
  at(generation: number): R;
  partitions(): Promise<number[]>;
  applied(partitions: readonly number[]): Promise<Map<number, number>>;
}

export interface AtOffsets<T> {
  readonly value: T;
  /** Partition → last applied offset (-1: none) that `value` reflects. */
  readonly applied: ReadonlyMap<number, number>;
}

function sameOffsets(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): boolean {
  return a.size === b.size && [...a].every(([p, offset]) => b.get(p) === offset);
}

/**
 * Runs `read` between two reads of every shard's applied offset, in the generation that is live
 * (a rebuild may switch it). A batch's state, aggregates and applied offset are written by one
 * script, so when both reads agree and the generation did not change, no commit landed in
 * between and the answer reflects exactly those offsets. Under a steady stream of commits the
 * last attempt is returned: its answer then reflects at most the offsets read after it.
 */
export async function atAppliedOffsets<R extends OffsetsReader<R>, T>(
  live: R,
  read: (reader: R) => Promise<T>,
): Promise<AtOffsets<T>> {
  for (let attempt = 1; ; attempt += 1) {
    const reader = live.at(await live.liveGeneration());
    const before = await reader.applied(await reader.partitions());
    const value = await read(reader);
    const after = await reader.applied(await reader.partitions());
    const switched = (await live.liveGeneration()) !== reader.generation;
    if (!switched && (sameOffsets(before, after) || attempt >= CONSISTENT_READ_ATTEMPTS)) {
      return { value, applied: after };
    }
  }
}

/** The `appliedOffsets` of an answer: partition (as text) → offset, for the given partitions. */
export function offsetsOf(
  applied: ReadonlyMap<number, number>,
  partitions: Iterable<number | string>,
): Record<string, number> {
  return Object.fromEntries([...partitions].map((p) => [String(p), applied.get(Number(p)) ?? -1]));
}
