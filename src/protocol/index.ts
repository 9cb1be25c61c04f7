export {
  PartitionProcessor,
  type PartitionProcessorOptions,
  type ProcessorObserver,
} from './partition-processor.js';
export {
  BatchCommitter,
  type BatchCommitterOptions,
  type CommitStore,
  type Committed,
  type CommittedBatch,
} from './batch-committer.js';
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
export {
  ProgramProcessor,
  type ProgramProcessorOptions,
  type ProgramStore,
} from './program-processor.js';
export { foldWithReads, type ProgramFoldExtras, type ProgramReads } from './program-fold-states.js';
