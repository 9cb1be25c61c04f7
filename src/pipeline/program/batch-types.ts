/**
 * What a program's batch fold takes and gives (./batch-fold.ts): the shard's state as the lease
 * and the batch's loads hold it, and everything one partition-batch changes, for the commit.
 */
import type { ParkedResult } from '../parked-keys.js';
import type { BatchCounts, DerivedRecord } from '../types.js';
import type { CompiledFold } from './program-fold.js';
import type { ProgramWindowChanges, ProgramWindowState } from './program-windows.js';
import type { GroupPartial, KeyState, ProgramEvent } from './types.js';

/** An event held because its key is parked, waiting for `unpark`. */
export interface ProgramHeldEvent {
  readonly offset: number;
  /** Broker timestamp of the source record. */
  readonly recordTimestamp: number;
  readonly event: ProgramEvent;
}

/** A key whose processing failed for good: its failed event went to the dead-letter topic. */
export interface ProgramParkedEntry {
  readonly key: string;
  readonly eventId: string;
  readonly offset: number;
  readonly reason: string;
  /** Wall-clock time it was parked, epoch milliseconds. */
  readonly parkedAt: number;
  /** Later events for the key, in offset order. */
  readonly held: readonly ProgramHeldEvent[];
}

/** The topics a program's fold writes; a derived topic left out is not produced. */
export interface ProgramOutputs {
  readonly status?: string;
  readonly anomalies?: string;
  readonly deadLetter: string;
  readonly aggregates?: string;
  readonly windows?: string;
  readonly late?: string;
}

export interface ProgramFoldContext {
  readonly fold: CompiledFold;
  /** The input topic: ids of records not derived from one input record start with it. */
  readonly sourceTopic: string;
  readonly outputs: ProgramOutputs;
  /** Goes into the `sf-worker-version` header of dead letters. */
  readonly workerVersion: string;
  /** Wall-clock time for `sf-failed-at` and parking; passed in so the fold stays pure. */
  readonly now: number;
  /** Test-only fault injection: throws to make an event's processing fail. */
  readonly beforeApply?: (event: ProgramEvent) => void;
}

export interface ProgramBatchInput {
  /** Current state of every key the batch touches that has one. */
  readonly states: ReadonlyMap<string, KeyState>;
  /** `<aggregate>|<group>` → running partial (present with undefined: loaded, none yet). */
  readonly partials: ReadonlyMap<string, GroupPartial | undefined>;
  readonly windows?: ProgramWindowState;
  readonly parked: ReadonlyMap<string, ProgramParkedEntry>;
  /** Offsets whose processing failed too often: dead-letter them and park their key. */
  readonly poisoned?: ReadonlySet<number>;
  /** Offsets known to have failed for good (a rebuild replays them): dead-letter and park. */
  readonly failed?: ReadonlySet<number>;
}

/** Everything one partition-batch changes; the commit script writes it atomically. */
export interface ProgramBatch {
  readonly partition: number;
  readonly firstOffset: number;
  /** The applied offset the commit sets (for a batch of no new records: the current one). */
  readonly lastOffset: number;
  readonly states: ReadonlyMap<string, KeyState>;
  /** `<aggregate>|<group>` → new running partial of every group the batch changed. */
  readonly partials: ReadonlyMap<string, GroupPartial>;
  readonly windows?: ProgramWindowChanges & { readonly idleClosedAt?: number };
  readonly parked: ParkedResult<ProgramParkedEntry>;
  /** Unpark requests this batch carried out. */
  readonly unparked: readonly string[];
  /** For an unpark batch: the applied offset it happened at (logged for rebuilds). */
  readonly unparkedAt?: number;
  /** Every derived record, in offset order, batch-level records last. */
  readonly outputs: readonly DerivedRecord[];
  readonly counts: BatchCounts;
}

/**
 * A batch fold's outcome. `missing`: groups whose partials were not loaded (load them, fold
 * again); `failed`: an event's processing threw and it is not poisoned yet (the partition
 * retries with backoff, and parks the key once the attempts run out).
 */
export type ProgramBatchOutcome =
  | { readonly kind: 'folded'; readonly batch: ProgramBatch }
  | { readonly kind: 'missing'; readonly fields: readonly string[] }
  | {
      readonly kind: 'failed';
      readonly partition: number;
      readonly offset: number;
      readonly key: string;
      readonly cause: unknown;
    };
