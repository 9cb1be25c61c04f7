/**
 * The reads a program's fold needs before it can run: the states of the keys a batch touches
 * (one round trip), then the running partials the fold names as missing (from the lease's cache,
 * else one more round trip), folding again once they are there.
 */
import type {
  GroupPartial,
  KeyState,
  ProgramBatch,
  ProgramBatchInput,
  ProgramBatchOutcome,
} from '../pipeline/program/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { ProgramLease } from '../state/index.js';

/** The reads of a program's shard the fold needs. */
export interface ProgramReads {
  loadStates(partition: number, keys: readonly string[]): Promise<Map<string, KeyState>>;
  loadPartials(
    lease: ProgramLease,
    fields: readonly string[],
  ): Promise<Map<string, GroupPartial | undefined>>;
}

export type ProgramFolded =
  | { readonly kind: 'folded'; readonly batch: ProgramBatch }
  | Extract<ProgramBatchOutcome, { kind: 'failed' }>;

/** Offsets to dead-letter (poisoned) or known to have failed for good (a rebuild's replay). */
export interface ProgramFoldExtras {
  readonly poisoned: ReadonlySet<number>;
  readonly failed: ReadonlySet<number>;
}

/**
 * Loads what the batch needs and folds it. Each `missing` names groups never seen before in this
 * batch, so the loop ends; a fold asking again for what it was given is a broken invariant.
 */
export async function foldWithReads(
  reads: ProgramReads,
  lease: ProgramLease,
  keys: readonly string[],
  extras: ProgramFoldExtras,
  fold: (input: ProgramBatchInput) => ProgramBatchOutcome,
): Promise<ProgramFolded> {
  const states = await reads.loadStates(lease.partition, keys);
  const partials = new Map<string, GroupPartial | undefined>();
  for (;;) {
    const outcome = fold({
      states,
      partials,
      windows: lease.windows,
      parked: lease.parked,
      poisoned: extras.poisoned,
      failed: extras.failed,
    });
    if (outcome.kind !== 'missing') return outcome;
    const fresh = outcome.fields.filter((f) => !partials.has(f));
    if (fresh.length === 0) {
      throw new StreamfoldError(ErrorCodes.INTERNAL, 'fold asked again for partials it was given');
    }
    for (const [field, partial] of await reads.loadPartials(lease, fresh)) {
      partials.set(field, partial);
    }
  }
}
