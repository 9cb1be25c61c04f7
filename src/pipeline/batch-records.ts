/**
 * The records a batch derives as a whole rather than per event: one revenue update per currency
 * it changed and one record per aggregate key it changed. Their ids continue the numbering of the
 * batch's last record, so a replayed batch derives the same ids.
 */
import { aggregateRecord, derivedId, revenueRecord } from './derived-records.js';
import type { DerivedRecord, OutputTopics, SourceRecord } from './types.js';

export interface BatchRecordsInput {
  partition: number;
  outputs: OutputTopics;
  /** The partition's revenue subtotal per currency before the batch. */
  totals: ReadonlyMap<string, number>;
  totalsDelta: ReadonlyMap<string, number>;
  /** `<aggregate>|<key>` → new partial. */
  aggregates: ReadonlyMap<string, unknown>;
  firstOffset: number;
  last: { record: SourceRecord; nextN: number };
  /** `n` as the batch numbers it (`u<n>` while held events are replayed). */
  idNumber: (n: number) => number | string;
}

export function batchRecords(input: BatchRecordsInput): DerivedRecord[] {
  const { record } = input.last;
  let n = input.last.nextN;
  const nextId = (): string =>
    derivedId(record.topic, record.partition, record.offset, input.idNumber(n++));
  const records: DerivedRecord[] = [];
  const { revenue, aggregates } = input.outputs;
  if (revenue !== undefined) {
    for (const [currency, deltaCents] of input.totalsDelta) {
      const update = {
        partition: input.partition,
        currency,
        deltaCents,
        subtotalCents: (input.totals.get(currency) ?? 0) + deltaCents,
        firstOffset: input.firstOffset,
        lastOffset: record.offset,
      };
      records.push(revenueRecord(nextId(), revenue, update));
    }
  }
  if (aggregates !== undefined) {
    for (const [field, state] of input.aggregates) {
      const bar = field.indexOf('|');
      const [name, key] = [field.slice(0, bar), field.slice(bar + 1)];
      records.push(aggregateRecord(nextId(), aggregates, name, key, input.partition, state));
    }
  }
  return records;
}
