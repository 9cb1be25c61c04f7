import { ErrorCodes, StreamfoldError } from '../errors.js';
import type { SourceRecord } from './types.js';

/**
 * The commit script sets `applied = lastOffset` under one partition's hash tag; a mixed or
 * out-of-order batch would commit progress for records it never folded. Both folds check it.
 */
export function assertOnePartitionInOrder(items: readonly { record: SourceRecord }[]): void {
  let previous: SourceRecord | undefined;
  for (const { record } of items) {
    if (previous !== undefined) {
      if (record.topic !== previous.topic || record.partition !== previous.partition) {
        throw new StreamfoldError(
          ErrorCodes.INTERNAL,
          `foldBatch: batch mixes ${previous.topic}/${previous.partition} and ` +
            `${record.topic}/${record.partition}`,
        );
      }
      if (record.offset <= previous.offset) {
        throw new StreamfoldError(
          ErrorCodes.INTERNAL,
          `foldBatch: offset ${record.offset} follows ${previous.offset} in ` +
            `${record.topic}/${record.partition}`,
        );
      }
    }
    previous = record;
  }
}
