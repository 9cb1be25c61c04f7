import { DecodeErrorClasses } from '../pipeline/decode.js';

/**
 * Every value a bounded label can take. A label fed from data (an order id, a customer id, an
 * error message) would create a series per value and grow without bound; these sets are what
 * keeps the series count fixed and what `zeroKnownLabels` pre-creates.
 */

/** What became of a consumed record (`streamfold_records_processed_total{result}`). */
export const ProcessResults = {
  APPLIED: 'applied',
  DUPLICATE: 'duplicate',
  ANOMALY: 'anomaly',
  DEAD_LETTERED: 'dead_lettered',
  /** Held behind a parked key; counted again with its outcome when the key is unparked. */
  HELD: 'held',
} as const;
export type ProcessResult = (typeof ProcessResults)[keyof typeof ProcessResults];

/**
 * Why a record could not be decoded: the pipeline's decode error classes, plus `other` so that
 * a class added there later is still counted (under a bounded value) before it is listed here.
 */
export const FailureReasons = {
  ...DecodeErrorClasses,
  PROCESSING: 'processing',
  OTHER: 'other',
} as const;
export type FailureReason = (typeof FailureReasons)[keyof typeof FailureReasons];

/** The Redis round trips worth timing separately. */
export const RedisCommands = {
  FENCE: 'fence',
  LOAD_STATES: 'load_states',
  COMMIT: 'commit',
  OUTBOX_READ: 'outbox_read',
  OUTBOX_ACK: 'outbox_ack',
  UNPARK_REQUESTS: 'unpark_requests',
} as const;
export type RedisCommand = (typeof RedisCommands)[keyof typeof RedisCommands];

/** Why a commit script wrote nothing: another owner (fenced), a moved offset (stale), a fault. */
export const CommitFailureReasons = {
  FENCED: 'fenced',
  STALE: 'stale',
  ERROR: 'error',
} as const;
export type CommitFailureReason = (typeof CommitFailureReasons)[keyof typeof CommitFailureReasons];

export const RebalanceTypes = {
  ASSIGN: 'assign',
  REVOKE: 'revoke',
} as const;
export type RebalanceType = (typeof RebalanceTypes)[keyof typeof RebalanceTypes];

/** Maps a free-form class (e.g. a DLT error class) onto the bounded set; unknown → `other`. */
export function toFailureReason(value: string): FailureReason {
  const known: readonly string[] = Object.values(FailureReasons);
  return known.includes(value) ? (value as FailureReason) : FailureReasons.OTHER;
}
