import type { TopicRecord } from '../kafka/read-topic.js';
import type { InvalidInput } from './reference.js';
import { MAX_LISTED, type DltSection, type SourcePosition } from './types.js';

/** Headers every dead letter carries (docs/architecture.md, Errors). */
export const RequiredDltHeaders = [
  'sf-error-class',
  'sf-error-message',
  'sf-source-topic',
  'sf-source-partition',
  'sf-source-offset',
  'sf-failed-at',
  'sf-worker-version',
] as const;

const position = (partition: number, offset: number): string => `${partition}:${offset}`;

function sameBytes(a: Buffer | null, b: Buffer | null): boolean {
  // The worker writes a tombstone's dead letter as an empty value: both mean "no bytes".
  return (a ?? Buffer.alloc(0)).equals(b ?? Buffer.alloc(0));
}

/** The dead letter's value is the original, or its marked beginning when it was cut. */
function sameValue(original: Buffer | null, record: TopicRecord): boolean {
  const size = record.headers['sf-value-truncated'];
  if (size === undefined) return sameBytes(original, record.value);
  const kept = record.value ?? Buffer.alloc(0);
  return (
    original !== null &&
    String(original.length) === size &&
    kept.length < original.length &&
    original.subarray(0, kept.length).equals(kept)
  );
}

function isOffset(text: string | undefined): text is string {
  return text !== undefined && /^\d+$/.test(text);
}

/**
 * The dead-letter topic must name exactly the invalid input records, each with its original key
 * and value. A position named twice is a duplicate (the outbox is at-least-once): reported,
 * never a difference.
 */
export function compareDlt(
  inputTopic: string,
  dltTopic: string,
  invalid: readonly InvalidInput[],
  dlt: readonly TopicRecord[],
  pendingOutbox: number,
): DltSection {
  const expected = new Map(invalid.map((r) => [position(r.partition, r.offset), r]));
  const seen = new Map<string, { at: SourcePosition; count: number }>();
  const headerProblems: DltSection['headerProblems'] = [];
  const contentMismatches: DltSection['contentMismatches'] = [];

  for (const record of dlt) {
    const where = { dltPartition: record.partition, dltOffset: record.offset };
    const absent = RequiredDltHeaders.filter((h) => record.headers[h] === undefined);
    if (absent.length > 0)
      headerProblems.push({ ...where, problem: `missing ${absent.join(', ')}` });
    const sourceTopic = record.headers['sf-source-topic'];
    const p = record.headers['sf-source-partition'];
    const o = record.headers['sf-source-offset'];
    if (sourceTopic !== undefined && sourceTopic !== inputTopic) {
      headerProblems.push({ ...where, problem: `sf-source-topic is ${sourceTopic}` });
      continue;
    }
    if (!isOffset(p) || !isOffset(o)) {
      if (p !== undefined && o !== undefined) {
        headerProblems.push({ ...where, problem: `bad source position ${p}/${o}` });
      }
      continue;
    }
    const at = { partition: Number(p), offset: Number(o) };
    const key = position(at.partition, at.offset);
    const entry = seen.get(key);
    if (entry) {
      entry.count += 1;
      continue;
    }
    seen.set(key, { at, count: 1 });
    const original = expected.get(key);
    if (original === undefined) continue;
    if (!sameBytes(original.key, record.key)) contentMismatches.push({ ...at, field: 'key' });
    if (!sameValue(original.value, record)) contentMismatches.push({ ...at, field: 'value' });
  }

  const byPosition = (a: SourcePosition, b: SourcePosition) =>
    a.partition - b.partition || a.offset - b.offset;
  const missing = [...expected.values()]
    .filter((r) => !seen.has(position(r.partition, r.offset)))
    .map((r) => ({ partition: r.partition, offset: r.offset }))
    .sort(byPosition);
  const unexpected = [...seen.entries()]
    .filter(([k]) => !expected.has(k))
    .map(([, v]) => v.at)
    .sort(byPosition);
  const duplicates = [...seen.values()]
    .filter((v) => v.count > 1)
    .map((v) => ({ ...v.at, count: v.count }))
    .sort(byPosition);

  return {
    ok:
      missing.length === 0 &&
      unexpected.length === 0 &&
      headerProblems.length === 0 &&
      contentMismatches.length === 0,
    topic: dltTopic,
    expected: expected.size,
    actual: seen.size,
    records: dlt.length,
    missing: missing.length,
    missingPositions: missing.slice(0, MAX_LISTED),
    unexpected: unexpected.length,
    unexpectedPositions: unexpected.slice(0, MAX_LISTED),
    duplicates: duplicates.length,
    duplicatePositions: duplicates.slice(0, MAX_LISTED),
    headerProblems: headerProblems.slice(0, MAX_LISTED),
    contentMismatches: contentMismatches.slice(0, MAX_LISTED),
    pendingOutbox,
  };
}
