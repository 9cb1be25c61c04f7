/**
 * `streamfold reconcile` for any language topology: the input recomputed with the independent
 * interpreter and compared with the shards and the dead-letter topic.
 */
export { reconcileProgram, type ProgramReconcileOptions } from './reconcile-program.js';
export { compareStates } from './compare-states.js';
export { compareAggregates, type ExpectedPartials } from './compare-aggregates.js';
export {
  compareProgramWindows,
  type ExpectedWindows,
  type StoredWindows,
} from './compare-windows.js';
export { ProgramInputCollector, type ProgramInput } from './program-input.js';
export { formatProgramReport } from './program-summary.js';
export type * from './types.js';
