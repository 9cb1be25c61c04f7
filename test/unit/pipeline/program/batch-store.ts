/**
 * What the worker does between batches, in memory: a partition's states, running partials and
 * windows as the commit script leaves them, each batch folded against what it loads and the
 * result written back. Partials are loaded lazily, as the worker does: the first fold names the
 * groups it lacks, and the batch is folded again with them.
 */
import {
  compileFold,
  EMPTY_PROGRAM_WINDOWS,
  ProgramFold,
  type CompiledFold,
  type EventOutcome,
  type GroupPartial,
  type KeyState,
  type Program,
  type ProgramEvent,
  type ProgramFoldResult,
  type ProgramWindowResult,
  type ProgramWindowState,
} from '../../../../src/pipeline/program/index.js';

export class PartitionStore {
  readonly states = new Map<string, KeyState>();
  readonly partials = new Map<string, GroupPartial>();
  windows: ProgramWindowState = EMPTY_PROGRAM_WINDOWS;
  readonly closed: ProgramWindowResult[] = [];
  readonly outcomes: EventOutcome[] = [];
  /** Applied offsets after which the partition's windows were closed for idleness. */
  readonly idleCloses: number[] = [];
  applied = -1;
  folds = 0;

  constructor(readonly fold: CompiledFold) {}

  static of(program: Program): PartitionStore {
    return new PartitionStore(compileFold(program));
  }

  /** Folds a batch against the store without writing it back. */
  foldOnly(batch: readonly { offset: number; event: ProgramEvent }[], idle = false) {
    let loaded = new Map<string, GroupPartial | undefined>();
    for (;;) {
      this.folds += 1;
      const states = new Map<string, KeyState>();
      for (const { event } of batch) {
        const state = this.states.get(event.key);
        if (state !== undefined) states.set(event.key, state);
      }
      const fold = new ProgramFold(this.fold, { states, partials: loaded, windows: this.windows });
      for (const { offset, event } of batch) fold.add(offset, event);
      if (idle) fold.closeIdle();
      const result = fold.finish();
      if (result.kind === 'folded') return result;
      loaded = new Map(loaded);
      for (const field of result.fields) loaded.set(field, this.partials.get(field));
    }
  }

  apply(result: Extract<ProgramFoldResult, { kind: 'folded' }>, idleAt?: number): void {
    for (const [key, state] of result.states) this.states.set(key, state);
    for (const [field, partial] of result.partials) this.partials.set(field, partial);
    if (result.windows !== undefined) {
      this.windows = result.windows.next;
      this.closed.push(...result.windows.closed);
    }
    this.outcomes.push(...result.outcomes);
    const last = result.outcomes.at(-1);
    if (last !== undefined) this.applied = last.offset;
    if (idleAt !== undefined) this.idleCloses.push(idleAt);
  }

  /**
   * A batch, then (when asked) the idle close the worker runs after a quiet spell. Records at or
   * below the applied offset are skipped, as the commit's offset guard makes the worker do.
   */
  run(records: readonly { offset: number; event: ProgramEvent }[], idleAfter: boolean): void {
    const batch = records.filter((r) => r.offset > this.applied);
    if (batch.length > 0) this.apply(this.foldOnly(batch));
    if (idleAfter && this.applied >= 0) this.apply(this.foldOnly([], true), this.applied);
  }
}
