/**
 * The accumulator behind every fold (fold-batch.ts): takes a partition's records one by one in
 * offset order and gathers everything the commit script will write. Pure: it copies what it
 * changes and never touches its inputs.
 */
import { aggregateField, type AppliedTransition } from './aggregates/types.js';
import {
  aggregateRecord,
  anomalyRecord,
  deadLetterRecord,
  derivedId,
  lateRecord,
  revenueRecord,
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
import { WindowFold, type WindowResult } from './windows.js';

export const PROCESSING_ERROR_CLASS = 'processing';

export class BatchFolder {
  private readonly states = new Map<string, OrderState>();
  private readonly aggregates = new Map<string, unknown>();
  private readonly missing = new Set<string>();
  private readonly deltas = new Map<string, number>();
  private readonly outputs: DerivedRecord[] = [];
  private readonly parked: Map<string, ParkedEntry>;
  private readonly parkedChanged = new Map<string, ParkedEntry>();
  private readonly parkedRemoved: string[] = [];
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
    this.parked = new Map(input.parked);
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
      this.push(
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
    if (!this.parked.delete(key)) return;
    this.parkedChanged.delete(key);
    this.parkedRemoved.push(key);
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
    const parked = this.parked.get(key);
    if (parked !== undefined) {
      this.counts.held += 1;
      const held = { offset: record.offset, recordTimestamp: record.timestamp, event };
      const entry = { ...parked, held: [...parked.held, held] };
      this.parked.set(key, entry);
      this.parkedChanged.set(key, entry);
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
        this.push(anomalyRecord(nextId(), outputs.anomalies, event, result.reason, record));
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
        this.push(status);
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
    const transitions = new Map<string, unknown>();
    if (result.kind !== 'applied') return { result, transitions };
    const transition: AppliedTransition = {
      event,
      before,
      after: result.state,
      previousStatus: result.previousStatus,
      ...(result.revenueDelta ? { revenueDelta: result.revenueDelta } : {}),
    };
    for (const aggregator of this.ctx.aggregators) {
      const key = aggregator.keyOf(transition);
      if (key === undefined) continue;
      const field = aggregateField(aggregator.name, key);
      const current = transitions.has(field) ? transitions.get(field) : this.aggregateState(field);
      if (current === MISSING) continue;
      transitions.set(field, aggregator.apply(current ?? aggregator.empty(key), transition));
    }
    return { result, transitions };
  }

  private aggregateState(field: string): unknown {
    if (this.aggregates.has(field)) return this.aggregates.get(field);
    if (!this.input.aggregates.has(field)) {
      this.missing.add(field);
      return MISSING;
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
    this.push(deadLetterRecord(nextId(), this.ctx.outputs.deadLetter, record, failure, this.ctx));
    const entry: ParkedEntry = {
      key: event.orderId,
      eventId: event.eventId,
      offset: record.offset,
      reason: message,
      parkedAt: this.ctx.now,
      held: [],
    };
    this.parked.set(entry.key, entry);
    this.parkedChanged.set(entry.key, entry);
    // Parked again while being unparked: the entry must be written, not deleted after.
    const removed = this.parkedRemoved.indexOf(entry.key);
    if (removed >= 0) this.parkedRemoved.splice(removed, 1);
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
      this.push(lateRecord(nextId(), lateTopic, record, context));
    }
    this.pushWindowResults(this.windows.closedSince(closedBefore));
  }

  private pushWindowResults(results: readonly WindowResult[]): void {
    const topic = this.ctx.outputs.windows;
    if (topic === undefined) return;
    for (const result of results) {
      // A window closes once per partition: its id needs no source offset.
      const id = `${this.ctx.sourceTopic}/${result.partition}/window/${result.size}/${result.start}`;
      this.push(windowRecord(id, topic, result));
    }
  }

  private push(record: DerivedRecord): void {
    this.outputs.push(record);
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
    if (lastOffset === undefined) throw new Error('foldBatch: empty batch');
    const totalsDelta = new Map<string, number>();
    for (const currency of [...this.deltas.keys()].sort()) {
      const delta = this.deltas.get(currency) ?? 0;
      if (delta !== 0) totalsDelta.set(currency, delta);
    }
    if (this.last !== undefined) this.pushBatchRecords(totalsDelta, this.last, first ?? lastOffset);
    return {
      partition: this.partition,
      firstOffset: first ?? lastOffset,
      lastOffset,
      states: this.states,
      totalsDelta,
      aggregates: this.aggregates,
      ...(this.windows
        ? {
            windows: this.idleClose
              ? { ...this.windows.changes(), idleClosedAt: lastOffset }
              : this.windows.changes(),
          }
        : {}),
      parked: { next: this.parked, changed: this.parkedChanged, removed: this.parkedRemoved },
      unparked: this.unparked,
      ...(this.replaying ? { unparkedAt: lastOffset } : {}),
      outputs: this.outputs,
      counts: this.counts,
    };
  }

  /** Revenue updates and aggregate partials: one per currency or key, numbered after the last record's. */
  private pushBatchRecords(
    totalsDelta: ReadonlyMap<string, number>,
    last: { record: SourceRecord; nextN: number },
    firstOffset: number,
  ): void {
    const { record } = last;
    let n = last.nextN;
    const nextId = (): string =>
      derivedId(record.topic, record.partition, record.offset, this.idNumber(n++));
    const { revenue, aggregates } = this.ctx.outputs;
    if (revenue !== undefined) {
      for (const [currency, deltaCents] of totalsDelta) {
        const update = {
          partition: this.partition,
          currency,
          deltaCents,
          subtotalCents: (this.input.totals.get(currency) ?? 0) + deltaCents,
          firstOffset,
          lastOffset: record.offset,
        };
        this.push(revenueRecord(nextId(), revenue, update));
      }
    }
    if (aggregates !== undefined) {
      for (const [field, state] of this.aggregates) {
        const bar = field.indexOf('|');
        const name = field.slice(0, bar);
        const key = field.slice(bar + 1);
        this.push(aggregateRecord(nextId(), aggregates, name, key, this.partition, state));
      }
    }
  }
}

const MISSING = Symbol('missing');
