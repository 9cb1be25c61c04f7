/**
 * The independent interpreter of topology programs that `streamfold reconcile` checks the engine
 * against (docs/language.md): the state machine's steps 1-4 (machine.ts), refs and conditions with
 * their absent-value rules (values.ts), event and state metrics with `when`, `while` and `by`
 * (aggregates.ts), the partial encodings and their merge over partitions (partials.ts), and
 * tumbling windows with watermark, grace, late transitions and idle closes (windows.ts).
 */
export { interpret } from './interpret.js';
export { stateJson, startingState, stepKey, type StepOutcome } from './machine.js';
export { groupKeyOf, valueText } from './values.js';
export type {
  InterpretedAnomaly,
  InterpreterInput,
  InterpreterResult,
  LateTransition,
  WindowClosedBy,
  WindowPartition,
} from './types.js';
