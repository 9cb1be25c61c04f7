/**
 * The generic fold of one partition-batch: events in offset order through the program's state
 * machine, aggregates and windows, gathering what the commit writes. Pure: it copies what it
 * changes and never touches its inputs, so a fenced batch can be dropped as it is.
 */
import {
  compileAggregateChanges,
  type AppliedTransition,
  type ChangesOf,
} from './aggregate-changes.js';
import { applyOps } from './partials.js';
import { statusRecordWriter, type StatusRecordWriter } from './program-records.js';
import {
  EMPTY_PROGRAM_WINDOWS,
  ProgramWindows,
  type LateWindow,
  type ProgramWindowChanges,
  type ProgramWindowResult,
  type ProgramWindowState,
} from './program-windows.js';
import { createStepper, type Stepper } from './step.js';
import type {
  Aggregate,
  GroupPartial,
  JsonValue,
  KeyState,
  Program,
  ProgramEvent,
} from './types.js';

/** The field of a group's running partial in the shard's aggregates hash. */
export function partialField(aggregate: string, group: string): string {
  return `${aggregate}|${group}`;
}

/** A program compiled once for folding: the stepper and each aggregate's changes. */
export interface CompiledFold {
  readonly program: Program;
  readonly step: Stepper;
  readonly aggregates: readonly { readonly aggregate: Aggregate; readonly changesOf: ChangesOf }[];
  readonly statusRecord: StatusRecordWriter;
}

export function compileFold(program: Program): CompiledFold {
  return {
    program,
    step: createStepper(program),
    aggregates: program.aggregates.map((aggregate) => ({
      aggregate,
      changesOf: compileAggregateChanges(aggregate, program.state),
    })),
    statusRecord: statusRecordWriter(program),
  };
}

export interface ProgramFoldInput {
  /** Current state of every key the batch touches that has one. */
  readonly states: ReadonlyMap<string, KeyState>;
  /**
   * `<aggregate>|<group>` → running partial, for every group the batch touches that the caller
   * loaded (a field present with `undefined`: loaded, and no such group yet).
   */
  readonly partials: ReadonlyMap<string, GroupPartial | undefined>;
  readonly windows?: ProgramWindowState;
}

/** What happened to one event. */
export type EventOutcome =
  | {
      readonly kind: 'applied';
      readonly offset: number;
      readonly event: ProgramEvent;
      readonly state: KeyState;
      readonly previousStatus: string;
      readonly late: readonly LateWindow[];
    }
  | { readonly kind: 'duplicate'; readonly offset: number; readonly event: ProgramEvent }
  | {
      readonly kind: 'anomaly';
      readonly offset: number;
      readonly event: ProgramEvent;
      readonly reason: string;
    };

export type ProgramFoldResult =
  | {
      readonly kind: 'folded';
      /** New state of every key the batch changed. */
      readonly states: ReadonlyMap<string, KeyState>;
      /** New running partial of every group the batch changed. */
      readonly partials: ReadonlyMap<string, GroupPartial>;
      readonly windows?: ProgramWindowChanges;
      readonly outcomes: readonly EventOutcome[];
    }
  /** Groups whose partials were not loaded: load them and fold the batch again. */
  | { readonly kind: 'missing'; readonly fields: readonly string[] };

export class ProgramFold {
  private readonly states = new Map<string, KeyState>();
  private readonly partials = new Map<string, GroupPartial>();
  /** `<aggregate>|<group>` → the group's field values, for every group the batch changed. */
  private readonly groupValues = new Map<string, readonly JsonValue[]>();
  private readonly missing = new Set<string>();
  private readonly outcomes: EventOutcome[] = [];
  private readonly windows: ProgramWindows | undefined;

  constructor(
    private readonly fold: CompiledFold,
    private readonly input: ProgramFoldInput,
  ) {
    const windowed = fold.program.aggregates.filter((a) => a.windows !== undefined);
    this.windows =
      windowed.length > 0
        ? new ProgramWindows(windowed, input.windows ?? EMPTY_PROGRAM_WINDOWS)
        : undefined;
  }

  stateOf(key: string): KeyState | undefined {
    return this.states.get(key) ?? this.input.states.get(key);
  }

  /** One schema-valid event, in offset order. */
  add(offset: number, event: ProgramEvent): EventOutcome {
    const before = this.stateOf(event.key);
    const result = this.fold.step(before, event);
    let outcome: EventOutcome;
    if (result.kind === 'duplicate') {
      outcome = { kind: 'duplicate', offset, event };
    } else if (result.kind === 'anomaly') {
      outcome = { kind: 'anomaly', offset, event, reason: result.reason };
    } else {
      this.states.set(event.key, result.state);
      const transition: AppliedTransition = {
        event,
        before,
        after: result.state,
        previousStatus: result.previousStatus,
      };
      const late = this.aggregate(transition);
      outcome = {
        kind: 'applied',
        offset,
        event,
        state: result.state,
        previousStatus: result.previousStatus,
        late,
      };
    }
    this.windows?.observe(event.time);
    this.outcomes.push(outcome);
    return outcome;
  }

  /** A schema-valid event the fold does not apply (held, dead-lettered): only its time counts. */
  observe(time: number): void {
    this.windows?.observe(time);
  }

  /** The partition's watermark now (null: no event time read yet, or no windows). */
  get watermark(): number | null {
    return this.windows?.watermarkNow ?? null;
  }

  /** A group's running partial before the batch (undefined: the group is new). */
  partialBefore(field: string): GroupPartial | undefined {
    return this.input.partials.get(field);
  }

  /** The field values of a group the batch changed. */
  valuesOf(field: string): readonly JsonValue[] {
    return this.groupValues.get(field) ?? [];
  }

  private aggregate(transition: AppliedTransition): LateWindow[] {
    const late: LateWindow[] = [];
    for (const { aggregate, changesOf } of this.fold.aggregates) {
      const changes = changesOf(transition);
      if (changes.length === 0) continue;
      for (const change of changes) {
        const field = partialField(aggregate.name, change.group);
        const current = this.partial(field);
        this.partials.set(field, applyOps(aggregate, current, change.ops));
        this.groupValues.set(field, change.values);
      }
      if (aggregate.windows !== undefined && this.windows !== undefined) {
        late.push(...this.windows.attribute(aggregate, transition.event.time, changes));
      }
    }
    return late;
  }

  private partial(field: string): GroupPartial | undefined {
    const changed = this.partials.get(field);
    if (changed !== undefined) return changed;
    if (!this.input.partials.has(field)) this.missing.add(field);
    return this.input.partials.get(field);
  }

  /** The partition has been idle for the idle timeout: close every open window. */
  closeIdle(): void {
    this.windows?.closeIdle();
  }

  get windowsClosed(): number {
    return this.windows?.closedCount ?? 0;
  }

  /** Windows closed since the first `from` closings, in the order they closed. */
  closedSince(from: number): readonly ProgramWindowResult[] {
    return this.windows?.closedSince(from) ?? [];
  }

  finish(): ProgramFoldResult {
    // Every partial the batch needs is gathered first, so one more load is enough.
    if (this.missing.size > 0) return { kind: 'missing', fields: [...this.missing] };
    const windows = this.windows?.changes();
    return {
      kind: 'folded',
      states: this.states,
      partials: this.partials,
      ...(windows ? { windows } : {}),
      outcomes: this.outcomes,
    };
  }
}
