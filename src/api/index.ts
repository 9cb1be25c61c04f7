/**
 * The TypeScript API of topologies (docs/language.md, "The TypeScript API"): `defineTopology` and
 * the types of the object it takes.
 */
export { defineTopology, UNNAMED_MODULE } from './define-topology.js';
export type {
  AggregateSpec,
  ConditionSpec,
  DefineOptions,
  FieldSpec,
  FieldsSpec,
  FieldValue,
  InputSpec,
  MachineSpec,
  MetricSpec,
  OutputsSpec,
  ReducerContext,
  StateReducerSpec,
  StateSpec,
  StateUpdates,
  StateValues,
  TestSpec,
  TopologySpec,
  TransitionFilterSpec,
  TransitionSpec,
  WindowsSpec,
} from './types.js';
