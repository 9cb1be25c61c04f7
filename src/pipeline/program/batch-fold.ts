/**
 * One partition-batch of a program folded in memory into everything its commit writes
 * atomically (docs/architecture.md, "The correctness protocol"): the decoded records in offset
 * order through the program's fold (./program-fold.ts), with parking, held events, unparks and
 * idle closes, and the records the batch derives. Pure and deterministic: a batch re-read after
 * a crash yields the same states, partials and record ids, which makes the replay harmless.
 * Retries are tagged outcomes, not exceptions (./batch-types.ts `ProgramBatchOutcome`).
 */
import { ErrorCodes, StreamfoldError } from '../../errors.js';
import { deadLetterRecord, derivedId, lateRecord } from '../derived-records.js';
import { ParkedKeys } from '../parked-keys.js';
import type { BatchCounts, DerivedRecord, SourceRecord } from '../types.js';
import type {
  ProgramBatchInput,
  ProgramBatchOutcome,
  ProgramFoldContext,
  ProgramParkedEntry,
} from './batch-types.js';
import type { ProgramDecoded } from './decode-event.js';
import { ProgramFold } from './program-fold.js';
import {
  aggregateUpdateRecord,
  programAnomalyRecord,
  programWindowRecord,
} from './program-records.js';
import type { ProgramWindowResult } from './program-windows.js';
import type { ProgramEvent } from './types.js';

/** `sf-error-class` of an event whose processing failed for good. */
export const PROCESSING_ERROR_CLASS = 'processing';

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class ProgramBatchFolder {
  private readonly fold: ProgramFold;
  private readonly parked: ParkedKeys<ProgramParkedEntry>;
  private readonly outputs: DerivedRecord[] = [];
  private readonly unparked: string[] = [];
  private first: number | undefined;
  private last: { record: SourceRecord; nextN: number } | undefined;
  private replaying = false;
  private idleClose = false;
  private failure: Extract<ProgramBatchOutcome, { kind: 'failed' }> | undefined;
  readonly counts: BatchCounts = {
    records: 0,
    applied: 0,
    duplicates: 0,
    anomalies: 0,
    deadLettered: 0,
    held: 0,
    late: 0,
  };

  constructor(
    private readonly partition: number,
    private readonly input: ProgramBatchInput,
    private readonly ctx: ProgramFoldContext,
  ) {
    this.fold = new ProgramFold(ctx.fold, input);
    this.parked = new ParkedKeys<ProgramParkedEntry>(input.parked);
  }

  /** Folds one record in offset order; after a failure the rest of the batch is not folded. */
  add(item: ProgramDecoded): void {
    if (this.failure !== undefined) return;
    const { record } = item;
    this.first ??= record.offset;
    this.counts.records += 1;
    let n = 0;
    const nextId = (): string =>
      derivedId(record.topic, record.partition, record.offset, this.replaying ? `u${n++}` : n++);
    if (!item.ok) {
      this.counts.deadLettered += 1;
      this.outputs.push(
        deadLetterRecord(nextId(), this.ctx.outputs.deadLetter, record, item.failure, this.ctx),
      );
    } else {
      this.addEvent(item.event, record, nextId);
    }
    this.last = { record, nextN: n };
  }

  /** Releases a parked key (unpark): its held events are folded next, by the caller. */
  release(key: string): void {
    this.replaying = true;
    this.unparked.push(key);
    this.parked.release(key);
  }

  /** The partition has been quiet for the idle timeout: close every open window. */
  closeIdleWindows(): void {
    this.idleClose = true;
    const before = this.fold.windowsClosed;
    this.fold.closeIdle();
    this.pushWindows(this.fold.closedSince(before));
  }

  private addEvent(event: ProgramEvent, record: SourceRecord, nextId: () => string): void {
    const key = event.key;
    if (this.parked.isParked(key)) {
      this.counts.held += 1;
      this.parked.hold(key, { offset: record.offset, recordTimestamp: record.timestamp, event });
      this.observe(event);
      return;
    }
    if (this.input.failed?.has(record.offset) === true) {
      this.park(event, record, 'processing failed for good (replayed dead letter)', nextId);
      this.observe(event);
      return;
    }
    const closedBefore = this.fold.windowsClosed;
    let outcome: ReturnType<ProgramFold['add']>;
    try {
      this.ctx.beforeApply?.(event);
      outcome = this.fold.add(record.offset, event);
    } catch (cause) {
      if (this.input.poisoned?.has(record.offset) !== true) {
        this.failure = {
          kind: 'failed',
          partition: record.partition,
          offset: record.offset,
          key,
          cause,
        };
        return;
      }
      this.park(event, record, describe(cause), nextId);
      this.observe(event);
      return;
    }
    const { outputs } = this.ctx;
    if (outcome.kind === 'duplicate') {
      this.counts.duplicates += 1;
    } else if (outcome.kind === 'anomaly') {
      this.counts.anomalies += 1;
      if (outputs.anomalies !== undefined) {
        this.outputs.push(
          programAnomalyRecord(nextId(), outputs.anomalies, event, outcome.reason, record),
        );
      }
    } else {
      this.counts.applied += 1;
      if (outputs.status !== undefined) {
        this.outputs.push(
          this.ctx.fold.statusRecord(
            nextId(),
            outputs.status,
            event,
            outcome.state,
            outcome.previousStatus,
          ),
        );
      }
      for (const late of outcome.late) {
        this.counts.late += 1;
        if (outputs.late === undefined) continue;
        const context = {
          size: late.size,
          windowStart: late.start,
          watermark: this.fold.watermark,
        };
        this.outputs.push(lateRecord(nextId(), outputs.late, record, context));
      }
    }
    this.pushWindows(this.fold.closedSince(closedBefore));
  }

  /** A schema-valid event that is not applied still moves the partition's watermark. */
  private observe(event: ProgramEvent): void {
    const before = this.fold.windowsClosed;
    this.fold.observe(event.time);
    this.pushWindows(this.fold.closedSince(before));
  }

  private park(
    event: ProgramEvent,
    record: SourceRecord,
    reason: string,
    nextId: () => string,
  ): void {
    this.counts.deadLettered += 1;
    const failure = { errorClass: PROCESSING_ERROR_CLASS, message: reason };
    this.outputs.push(
      deadLetterRecord(nextId(), this.ctx.outputs.deadLetter, record, failure, this.ctx),
    );
    this.parked.park({
      key: event.key,
      eventId: event.eventId,
      offset: record.offset,
      reason,
      parkedAt: this.ctx.now,
      held: [],
    });
  }

  private pushWindows(results: readonly ProgramWindowResult[]): void {
    const topic = this.ctx.outputs.windows;
    if (topic === undefined) return;
    for (const result of results) {
      const aggregate = this.ctx.fold.program.aggregates.find((a) => a.name === result.aggregate);
      if (aggregate === undefined) continue;
      this.outputs.push(
        programWindowRecord(this.ctx.sourceTopic, topic, this.partition, aggregate, result),
      );
    }
  }

  /**
   * The batch as the commit writes it. The applied offset it sets is the last folded record's; a
   * batch that only replays held events or closes windows passes the partition's applied offset.
   */
  finish(applied?: number): ProgramBatchOutcome {
    if (this.failure !== undefined) return this.failure;
    const folded = this.fold.finish();
    if (folded.kind === 'missing') return folded;
    const lastOffset = applied ?? this.last?.record.offset;
    if (lastOffset === undefined) {
      throw new StreamfoldError(ErrorCodes.INTERNAL, 'foldBatch: empty batch');
    }
    const firstOffset = this.first ?? lastOffset;
    const outputs = [...this.outputs];
    if (this.last !== undefined && this.ctx.outputs.aggregates !== undefined) {
      const { record } = this.last;
      let n = this.last.nextN;
      const byName = new Map(this.ctx.fold.program.aggregates.map((a) => [a.name, a]));
      for (const [field, partial] of folded.partials) {
        const aggregate = byName.get(field.slice(0, field.indexOf('|')));
        if (aggregate === undefined) continue;
        const id = derivedId(
          record.topic,
          record.partition,
          record.offset,
          this.replaying ? `u${n++}` : n++,
        );
        outputs.push(
          aggregateUpdateRecord(id, this.ctx.outputs.aggregates, {
            aggregate,
            partition: this.partition,
            values: this.fold.valuesOf(field),
            before: this.fold.partialBefore(field),
            partial,
            firstOffset,
            lastOffset: record.offset,
          }),
        );
      }
    }
    const windows = folded.windows && {
      ...folded.windows,
      ...(this.idleClose ? { idleClosedAt: lastOffset } : {}),
    };
    return {
      kind: 'folded',
      batch: {
        partition: this.partition,
        firstOffset,
        lastOffset,
        states: folded.states,
        partials: folded.partials,
        ...(windows ? { windows } : {}),
        parked: this.parked.result(),
        unparked: this.unparked,
        ...(this.replaying ? { unparkedAt: lastOffset } : {}),
        outputs,
        counts: this.counts,
      },
    };
  }
}
