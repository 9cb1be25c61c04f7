export { reconcile, type ReconcileOptions } from './reconcile.js';
export {
  ReferenceModel,
  referenceStep,
  type InputRecord,
  type InvalidInput,
  type RefCounts,
  type RefEntry,
  type RefOrder,
  type RefOutcome,
  type RefStatus,
} from './reference.js';
export { validateRecord, type RefEvent, type Validation } from './reference-validate.js';
export {
  ComparedFields,
  compareApplied,
  compareOrders,
  compareRevenue,
  revenueView,
  type ActualOrders,
} from './compare-state.js';
export { compareDlt, RequiredDltHeaders } from './compare-dlt.js';
export type * from './types.js';
