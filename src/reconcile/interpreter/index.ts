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
