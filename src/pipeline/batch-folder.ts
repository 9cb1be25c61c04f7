/**
 * The accumulator behind every fold (fold-batch.ts): takes a partition's records one by one in
 * offset order and gathers everything the commit script will write. Pure: it copies what it
 * changes and never touches its inputs.
 */
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { applyAggregates, NOT_LOADED } from './aggregates/apply.js';
import type { AppliedTransition } from './aggregates/types.js';
import {
  anomalyRecord,
  deadLetterRecord,
  derivedId,
  lateRecord,
  statusRecord,
  windowRecord,
} from './derived-records.js';
import { MissingStatesError, ProcessingError } from './fold-errors.js';
import { applyEvent } from './order-reducer.js';
import type {
  BatchCounts,
  BatchResult,
  Decoded,
  DerivedRecord,
  FoldContext,
  FoldInput,
  OrderEvent,
  OrderState,
  ParkedEntry,
  SourceRecord,
} from './types.js';
import { batchRecords } from './batch-records.js';
import { ParkedKeys } from './parked-keys.js';
import { WindowFold, type WindowResult } from './windows.js';

export const PROCESSING_ERROR_CLASS = 'processing';

export class BatchFolder {
  private readonly states = new Map<string, OrderState>();
  private readonly aggregates = new Map<string, unknown>();
  private readonly missing = new Set<string>();
  private readonly deltas = new Map<string, number>();
  private readonly outputs: DerivedRecord[] = [];
  private readonly parked: ParkedKeys;
  private readonly unparked: string[] = [];
  private first: number | undefined;
  private idleClose = false;
  private replaying = false;
  private readonly windows: WindowFold | undefined;
  readonly counts: BatchCounts = {
    records: 0,
    applied: 0,
    duplicates: 0,
    anomalies: 0,
    deadLettered: 0,
    held: 0,
    late: 0,
  };
  /** The last record folded, whose ids the batch-level records continue. */
  private last: { record: SourceRecord; nextN: number } | undefined;

  constructor(
    private readonly partition: number,
    private readonly input: FoldInput,
    private readonly ctx: FoldContext,
  ) {
    this.parked = new ParkedKeys(input.parked);
    this.windows =
      ctx.windows && input.windows
        ? new WindowFold(ctx.windows, partition, input.windows)
        : undefined;
  }

  /** Folds one record; `n` numbers the records it derives. */
  add(item: Decoded): void {
    const { record } = item;
    this.first ??= record.offset;
    this.counts.records += 1;
    let n = 0;
    const nextId = (): string =>
      derivedId(record.topic, record.partition, record.offset, this.idNumber(n++));
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

  /** `n`, or `u<n>` while held events are replayed. */
  private idNumber(n: number): number | string {
    return this.replaying ? `u${n}` : n;
  }

  /** Releases a parked key (unpark): its held events are folded next, by the caller. */
  release(key: string): void {
    this.replaying = true;
    this.unparked.push(key);
    this.parked.release(key);
  }

  /** The partition has been quiet for the idle timeout: close every open window. */
  closeIdleWindows(): void {
    if (this.windows === undefined) return;
    this.idleClose = true;
    const closedBefore = this.windows.closedCount;
    this.windows.closeIdle();
    this.pushWindowResults(this.windows.closedSince(closedBefore));
  }

  private addEvent(event: OrderEvent, record: SourceRecord, nextId: () => string): void {
    const key = event.orderId;
    if (this.parked.isParked(key)) {
      this.counts.held += 1;
      this.parked.hold(key, { offset: record.offset, recordTimestamp: record.timestamp, event });
      this.observeWindows(event, record, undefined, nextId);
      return;
    }
    if (this.input.failed?.has(record.offset) === true) {
      this.park(
        event,
        record,
        new Error('processing failed for good (replayed dead letter)'),
        nextId,
      );
      this.observeWindows(event, record, undefined, nextId);
      return;
    }
    let step: ReturnType<typeof this.process>;
    try {
      step = this.process(event);
    } catch (error) {
      if (error instanceof MissingStatesError) throw error;
      if (this.input.poisoned?.has(record.offset) !== true) {
        throw new ProcessingError(record.partition, record.offset, key, error);
      }
      this.park(event, record, error, nextId);
      this.observeWindows(event, record, undefined, nextId);
      return;
    }
    const { result, transitions } = step;
    const { outputs } = this.ctx;
    if (result.kind === 'duplicate') {
      this.counts.duplicates += 1;
    } else if (result.kind === 'anomaly') {
      this.counts.anomalies += 1;
      if (outputs.anomalies !== undefined) {
        this.outputs.push(anomalyRecord(nextId(), outputs.anomalies, event, result.reason, record));
      }
    } else {
      this.counts.applied += 1;
      this.states.set(key, result.state);
      for (const [field, state] of transitions) this.aggregates.set(field, state);
      if (result.revenueDelta !== undefined) {
        const { currency, cents } = result.revenueDelta;
        this.deltas.set(currency, (this.deltas.get(currency) ?? 0) + cents);
      }
      if (outputs.status !== undefined) {
        const status = statusRecord(
          nextId(),
          outputs.status,
          event,
          result.state.status,
          result.previousStatus,
        );
        this.outputs.push(status);
      }
    }
    const revenue = result.kind === 'applied' ? result.revenueDelta : undefined;
    this.observeWindows(event, record, revenue, nextId);
  }

  /** The lifecycle and every aggregate for one event; throws instead of half-applying. */
  private process(event: OrderEvent) {
    this.ctx.beforeApply?.(event);
    const before = this.states.get(event.orderId) ?? this.input.states.get(event.orderId);
    const result = applyEvent(before, event);
    if (result.kind !== 'applied') return { result, transitions: new Map<string, unknown>() };
    const transition: AppliedTransition = {
      event,
      before,
      after: result.state,
      previousStatus: result.previousStatus,
      ...(result.revenueDelta ? { revenueDelta: result.revenueDelta } : {}),
    };
    const transitions = applyAggregates(this.ctx.aggregators, transition, (field) =>
      this.aggregateState(field),
    );
    return { result, transitions };
  }

  private aggregateState(field: string): unknown {
    if (this.aggregates.has(field)) return this.aggregates.get(field);
    if (!this.input.aggregates.has(field)) {
      this.missing.add(field);
      return NOT_LOADED;
    }
    return this.input.aggregates.get(field) ?? undefined;
  }

  private park(
    event: OrderEvent,
    record: SourceRecord,
    error: unknown,
    nextId: () => string,
  ): void {
    const message = error instanceof Error ? error.message : String(error);
    this.counts.deadLettered += 1;
    const failure = { errorClass: PROCESSING_ERROR_CLASS, message };
    this.outputs.push(
      deadLetterRecord(nextId(), this.ctx.outputs.deadLetter, record, failure, this.ctx),
    );
    const entry: ParkedEntry = {
      key: event.orderId,
      eventId: event.eventId,
      offset: record.offset,
      reason: message,
      parkedAt: this.ctx.now,
      held: [],
    };
    this.parked.park(entry);
  }

  private observeWindows(
    event: OrderEvent,
    record: SourceRecord,
    revenue: { currency: string; cents: number } | undefined,
    nextId: () => string,
  ): void {
    if (this.windows === undefined) return;
    const closedBefore = this.windows.closedCount;
    const late = this.windows.observe(event.timestamp, revenue);
    const lateTopic = this.ctx.outputs.late;
    for (const mark of late) {
      this.counts.late += 1;
      if (lateTopic === undefined) continue;
      const watermark = this.windows.watermarkNow;
      const context = { size: mark.size.label, windowStart: mark.start, watermark };
      this.outputs.push(lateRecord(nextId(), lateTopic, record, context));
    }
    this.pushWindowResults(this.windows.closedSince(closedBefore));
  }

  private pushWindowResults(results: readonly WindowResult[]): void {
    const topic = this.ctx.outputs.windows;
    if (topic === undefined) return;
    for (const result of results)
      this.outputs.push(windowRecord(this.ctx.sourceTopic, topic, result));
  }

  /**
   * The batch as the commit script writes it. The applied offset it sets is the last folded
   * record's; a batch that only replays held events or closes windows passes the partition's
   * applied offset, which it leaves where it is.
   */
  finish(applied?: number): BatchResult {
    // Every aggregate state the batch needs is gathered first, so one more load is enough.
    if (this.missing.size > 0) throw new MissingStatesError([...this.missing]);
    const first = this.first;
    const lastOffset = applied ?? this.last?.record.offset;
    if (lastOffset === undefined)
      throw new StreamfoldError(ErrorCodes.INTERNAL, 'foldBatch: empty batch');
    const changes = this.windows?.changes();
    const windows = changes && this.idleClose ? { ...changes, idleClosedAt: lastOffset } : changes;
    const totalsDelta = new Map<string, number>();
    for (const currency of [...this.deltas.keys()].sort()) {
      const delta = this.deltas.get(currency) ?? 0;
      if (delta !== 0) totalsDelta.set(currency, delta);
    }
    if (this.last !== undefined) {
      const records = batchRecords({
        partition: this.partition,
        outputs: this.ctx.outputs,
        totals: this.input.totals,
        totalsDelta,
        aggregates: this.aggregates,
        firstOffset: first ?? lastOffset,
        last: this.last,
        idNumber: (n) => this.idNumber(n),
      });
      this.outputs.push(...records);
    }
    return {
      partition: this.partition,
      firstOffset: first ?? lastOffset,
      lastOffset,
      states: this.states,
      totalsDelta,
      aggregates: this.aggregates,
      ...(windows ? { windows } : {}),
      parked: this.parked.result(),
      unparked: this.unparked,
      ...(this.replaying ? { unparkedAt: lastOffset } : {}),
      outputs: this.outputs,
      counts: this.counts,
    };
  }
}
