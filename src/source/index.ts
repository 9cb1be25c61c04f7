export { BatchSource, type BatchSourceOptions } from './batch-source.js';
export { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
export type { BatchOutcome, PartitionHandler, SourceObserver } from './types.js';
export { HandoffClock } from './handoff-clock.js';
