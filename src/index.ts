/**
 * streamfold as a library (`import { defineTopology } from 'streamfold'`): the TypeScript API of
 * topologies, the language's loaders, the compiled Program's types and the errors. Importing it
 * starts nothing; the worker is run by the `streamfold` command.
 */
export { defineTopology } from './api/index.js';
export type * from './api/types.js';
export {
  compileLanguageTopology,
  loadLanguageTopology,
  type CompileOptions,
  type LanguageOutputs,
  type LanguageTopology,
  type SchemaVerdict,
} from './topology/language/index.js';
export { loadTopologyModule } from './topology/load-topology-module.js';
export type {
  Aggregate,
  AggregateWindows,
  Condition,
  EventPaths,
  FieldType,
  JsonValue,
  KeyState,
  Literal,
  Machine,
  Metric,
  MetricKind,
  Path,
  Program,
  ProgramEvent,
  ReducerInput,
  Ref,
  StateField,
  StateReducer,
  StateShape,
  Test,
  Transition,
  TransitionFilter,
  WindowSizeSpec,
} from './pipeline/program/types.js';
export {
  ConfigError,
  ErrorCodes,
  StreamfoldError,
  isRetriable,
  type ConfigIssue,
  type ErrorCode,
  type StreamfoldErrorOptions,
} from './errors.js';
