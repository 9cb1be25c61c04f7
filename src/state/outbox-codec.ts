import type { DerivedRecord } from '../pipeline/types.js';

/**
 * One outbox stream entry holds all derived records of one committed batch, so the commit
 * script issues one XADD per batch rather than one per record. Binary keys and values (dead
 * letters carry the original bytes) travel as base64.
 */
interface Wire {
  t: string;
  k: string | null;
  v: string;
  /** Which of key / value are base64-encoded bytes. */
  b?: 'k' | 'v' | 'kv';
  h: Record<string, string>;
  id: string;
}

export function encodeOutbox(records: readonly DerivedRecord[]): string {
  const wire = records.map((r): Wire => {
    const keyBytes = Buffer.isBuffer(r.key);
    const valueBytes = Buffer.isBuffer(r.value);
    const flags = `${keyBytes ? 'k' : ''}${valueBytes ? 'v' : ''}`;
    return {
      t: r.topic,
      k:
        r.key === null ? null : keyBytes ? (r.key as Buffer).toString('base64') : (r.key as string),
      v: valueBytes ? (r.value as Buffer).toString('base64') : (r.value as string),
      ...(flags ? { b: flags as Wire['b'] } : {}),
      h: r.headers,
      id: r.id,
    };
  });
  return JSON.stringify(wire);
}

export function decodeOutbox(encoded: string): DerivedRecord[] {
  return (JSON.parse(encoded) as Wire[]).map((w) => ({
    topic: w.t,
    key: w.k === null ? null : w.b?.includes('k') ? Buffer.from(w.k, 'base64') : w.k,
    value: w.b?.includes('v') ? Buffer.from(w.v, 'base64') : w.v,
    headers: w.h,
    id: w.id,
  }));
}
