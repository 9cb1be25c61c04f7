export {
  PartitionProcessor,
  type PartitionProcessorOptions,
  type ProcessorObserver,
} from './partition-processor.js';
export { BatchCommitter, type BatchCommitterOptions, type Committed } from './batch-committer.js';
export {
  CrashPoints,
  crashHookFromEnv,
  faultHookFromEnv,
  type CrashHook,
  type CrashPoint,
} from './crash-points.js';
export { foldContext, leaseInput } from './fold-context.js';
export { FoldStates, type FoldExtras } from './fold-states.js';
export { PartitionLocks } from './partition-locks.js';
export { PoisonCounts } from './poison-counts.js';
