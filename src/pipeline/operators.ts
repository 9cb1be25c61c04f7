/** RxJS faces of the pure stages, so the worker composes a batch's journey with `pipe()`. */
import { from, lastValueFrom, map, toArray, type OperatorFunction } from 'rxjs';
import { decodeRecord } from './decode.js';
import type { Decoded, SourceRecord } from './types.js';

export function decodeRecords(maxValueBytes: number): OperatorFunction<SourceRecord, Decoded> {
  return map((record) => decodeRecord(record, maxValueBytes));
}

export function decodeBatch(
  records: readonly SourceRecord[],
  maxValueBytes: number,
): Promise<Decoded[]> {
  // `toArray` of an empty source emits `[]`, so `lastValueFrom` never rejects here.
  return lastValueFrom(from(records).pipe(decodeRecords(maxValueBytes), toArray()));
}
