export type * from './types.js';
export { FieldTypes, MetricKinds } from './types.js';
export { readPath, compileRef, type Accessor, type Scope } from './read-ref.js';
export { compileConditions, type Predicate } from './conditions.js';
export { groupKeyOf, valueText, sameValue } from './json-text.js';
export { createStepper, type StepResult, type Stepper } from './step.js';
export {
  compileAggregateChanges,
  type AppliedTransition,
  type ChangesOf,
  type GroupChange,
  type MetricOp,
} from './aggregate-changes.js';
export { applyOps, emptyPartial, mergePartials, metricView } from './partials.js';
export {
  EMPTY_PROGRAM_WINDOWS,
  ProgramWindows,
  frontierField,
  openWindowField,
  splitOpenField,
  type LateWindow,
  type ProgramWindowChanges,
  type ProgramWindowResult,
  type ProgramWindowState,
  type WindowClosedBy,
} from './program-windows.js';
export {
  ProgramFold,
  compileFold,
  partialField,
  type CompiledFold,
  type EventOutcome,
  type ProgramFoldInput,
  type ProgramFoldResult,
} from './program-fold.js';
export {
  createEventDecoder,
  MAX_KEY_LENGTH,
  type EventDecoder,
  type EventDecoderOptions,
  type ProgramDecoded,
  type SchemaCheck,
} from './decode-event.js';
export { decodeState, encodeState, stateObject, type StateRead } from './state-json.js';
export {
  aggregateUpdateRecord,
  groupView,
  previousField,
  programAnomalyRecord,
  programStatusRecord,
  programWindowRecord,
  statusRecordWriter,
  type AggregateUpdate,
  type StatusRecordWriter,
} from './program-records.js';
export type {
  ProgramBatch,
  ProgramBatchInput,
  ProgramBatchOutcome,
  ProgramFoldContext,
  ProgramHeldEvent,
  ProgramOutputs,
  ProgramParkedEntry,
} from './batch-types.js';
export { PROCESSING_ERROR_CLASS, ProgramBatchFolder } from './batch-fold.js';
export {
  foldProgramBatch,
  heldRecord,
  idleCloseProgramBatch,
  unparkProgramBatch,
} from './batch-folds.js';
