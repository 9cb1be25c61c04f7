/**
 * Builders for the records a fold publishes. Ids are derived from the source position only, so a
 * replayed batch produces byte-identical records and consumers can drop the repeats by `sf-id`.
 */
import { capMessage } from './cap-message.js';
import { SfHeaders } from './headers.js';
import type { WindowResult } from './windows.js';
import type {
  DecodeFailure,
  DerivedRecord,
  OrderEvent,
  OrderStatus,
  SourceRecord,
} from './types.js';

/**
 * `<source topic>/<partition>/<offset>/<n>`. Records derived when a parked key's held events are
 * replayed number `u0`, `u1`, …: their source offsets may already have lent numbers to the records
 * of the batch that held them.
 */
export function derivedId(
  topic: string,
  partition: number,
  offset: number,
  n: number | string,
): string {
  return `${topic}/${partition}/${offset}/${n}`;
}

function derived(
  id: string,
  topic: string,
  key: DerivedRecord['key'],
  value: DerivedRecord['value'],
  headers: Record<string, string> = {},
): DerivedRecord {
  return { topic, key, value, headers: { ...headers, [SfHeaders.ID]: id }, id };
}

export function statusRecord(
  id: string,
  topic: string,
  event: OrderEvent,
  status: OrderStatus,
  previousStatus: OrderStatus | null,
): DerivedRecord {
  const value = JSON.stringify({
    orderId: event.orderId,
    status,
    previousStatus,
    eventId: event.eventId,
    timestamp: event.timestamp,
  });
  return derived(id, topic, event.orderId, value);
}

export function anomalyRecord(
  id: string,
  topic: string,
  event: OrderEvent,
  reason: string,
  source: SourceRecord,
): DerivedRecord {
  const value = JSON.stringify({
    reason,
    event,
    source: { topic: source.topic, partition: source.partition, offset: source.offset },
  });
  return derived(id, topic, event.orderId, value);
}

export interface DeadLetterContext {
  workerVersion: string;
  /** Epoch milliseconds. */
  now: number;
}

/**
 * A dead letter keeps at most this much of the original value: a value near the broker's message
 * size limit plus the error headers would not fit in a record, and the partition would stall on a
 * dead letter it can never publish.
 */
export const MAX_DEAD_LETTER_VALUE_BYTES = 256 * 1024;

/**
 * Original key and value bytes untouched, so the record can be replayed once fixed; a value over
 * MAX_DEAD_LETTER_VALUE_BYTES is cut to that and marked with `sf-value-truncated: <size>`.
 */
export function deadLetterRecord(
  id: string,
  topic: string,
  source: SourceRecord,
  failure: DecodeFailure,
  ctx: DeadLetterContext,
): DerivedRecord {
  const value = source.value ?? Buffer.alloc(0);
  const truncated = value.length > MAX_DEAD_LETTER_VALUE_BYTES;
  return derived(
    id,
    topic,
    source.key,
    truncated ? value.subarray(0, MAX_DEAD_LETTER_VALUE_BYTES) : value,
    {
      ...(truncated ? { [SfHeaders.VALUE_TRUNCATED]: String(value.length) } : {}),
      [SfHeaders.ERROR_CLASS]: failure.errorClass,
      [SfHeaders.ERROR_MESSAGE]: capMessage(failure.message),
      [SfHeaders.SOURCE_TOPIC]: source.topic,
      [SfHeaders.SOURCE_PARTITION]: String(source.partition),
      [SfHeaders.SOURCE_OFFSET]: String(source.offset),
      [SfHeaders.FAILED_AT]: new Date(ctx.now).toISOString(),
      [SfHeaders.WORKER_VERSION]: ctx.workerVersion,
    },
  );
}

export interface RevenueUpdate {
  partition: number;
  currency: string;
  deltaCents: number;
  subtotalCents: number;
  firstOffset: number;
  lastOffset: number;
}

export function revenueRecord(id: string, topic: string, update: RevenueUpdate): DerivedRecord {
  const value = JSON.stringify({
    partition: update.partition,
    currency: update.currency,
    deltaCents: update.deltaCents,
    subtotalCents: update.subtotalCents,
    firstOffset: update.firstOffset,
    lastOffset: update.lastOffset,
  });
  return derived(id, topic, update.currency, value);
}

/**
 * The final result of one closed window of one partition; key `<size>/<start>`. A window closes
 * once per partition, so its id needs no source offset: `<source>/<partition>/window/<size>/<start>`.
 */
export function windowRecord(
  sourceTopic: string,
  topic: string,
  result: WindowResult,
): DerivedRecord {
  const id = `${sourceTopic}/${result.partition}/window/${result.size}/${result.start}`;
  const value = JSON.stringify({
    partition: result.partition,
    size: result.size,
    sizeMs: result.sizeMs,
    start: result.start,
    end: result.end,
    totals: result.totals,
    closedBy: result.closedBy,
  });
  return derived(id, topic, `${result.size}/${result.start}`, value);
}

export interface LateMarkContext {
  size: string;
  windowStart: number;
  watermark: number | null;
}

/** An event whose revenue came after its window closed: original key and value, and why. */
export function lateRecord(
  id: string,
  topic: string,
  source: SourceRecord,
  late: LateMarkContext,
): DerivedRecord {
  return derived(id, topic, source.key, source.value ?? Buffer.alloc(0), {
    [SfHeaders.WINDOW_SIZE]: late.size,
    [SfHeaders.WINDOW_START]: String(late.windowStart),
    [SfHeaders.WATERMARK]: String(late.watermark ?? ''),
    [SfHeaders.SOURCE_TOPIC]: source.topic,
    [SfHeaders.SOURCE_PARTITION]: String(source.partition),
    [SfHeaders.SOURCE_OFFSET]: String(source.offset),
  });
}

/** A changed aggregate partial of one partition; key = the aggregate's key. */
export function aggregateRecord(
  id: string,
  topic: string,
  aggregate: string,
  key: string,
  partition: number,
  state: unknown,
): DerivedRecord {
  return derived(id, topic, key, JSON.stringify({ aggregate, key, partition, state }));
}
