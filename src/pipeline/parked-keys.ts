import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { ParkedEntry } from './types.js';

/** What a parked entry must have for the batch's view: its key and the events it holds. */
export interface ParkedLike<H> {
  readonly key: string;
  readonly held: readonly H[];
}

export interface ParkedResult<E> {
  next: Map<string, E>;
  changed: Map<string, E>;
  removed: string[];
}

/**
 * A batch's view of the partition's parked keys: a copy of the lease's, plus what the batch
 * changed (entries to write) and released (entries to delete), for the commit script.
 */
export class ParkedKeys<E extends ParkedLike<unknown> = ParkedEntry> {
  private readonly entries: Map<string, E>;
  private readonly changed = new Map<string, E>();
  private readonly removed: string[] = [];

  constructor(before: ReadonlyMap<string, E>) {
    this.entries = new Map(before);
  }

  isParked(key: string): boolean {
    return this.entries.has(key);
  }

  /** Appends an event to a parked key's held events. */
  hold(key: string, held: E['held'][number]): void {
    const parked = this.entries.get(key);
    if (parked === undefined)
      throw new StreamfoldError(ErrorCodes.INTERNAL, `hold: ${key} is not parked`);
    this.write({ ...parked, held: [...parked.held, held] });
  }

  park(entry: E): void {
    this.write(entry);
    // Parked again while being unparked: the entry must be written, not deleted after.
    const at = this.removed.indexOf(entry.key);
    if (at >= 0) this.removed.splice(at, 1);
  }

  /** Removes a key's entry; false when it was not parked. */
  release(key: string): boolean {
    if (!this.entries.delete(key)) return false;
    this.changed.delete(key);
    this.removed.push(key);
    return true;
  }

  result(): ParkedResult<E> {
    return { next: this.entries, changed: this.changed, removed: this.removed };
  }

  private write(entry: E): void {
    this.entries.set(entry.key, entry);
    this.changed.set(entry.key, entry);
  }
}
