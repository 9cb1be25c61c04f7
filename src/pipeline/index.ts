export { capMessage, MAX_ERROR_MESSAGE_LENGTH } from './cap-message.js';
export { decodeRecord, DecodeErrorClasses, type DecodeErrorClass } from './decode.js';
export {
  anomalyRecord,
  deadLetterRecord,
  MAX_DEAD_LETTER_VALUE_BYTES,
  derivedId,
  aggregateRecord,
  lateRecord,
  revenueRecord,
  statusRecord,
  windowRecord,
  type DeadLetterContext,
  type RevenueUpdate,
} from './derived-records.js';
export {
  lineItemSchema,
  MAX_ID_LENGTH,
  MAX_REASON_LENGTH,
  MAX_SHIPPING_FIELD_LENGTH,
  orderCancelledSchema,
  orderEventSchema,
  orderPaidSchema,
  orderPlacedSchema,
  orderShippedSchema,
} from './event-schema.js';
export {
  AGGREGATE_NAMES,
  aggregateField,
  aggregatorNamed,
  customerValue,
  type Aggregator,
  type AppliedTransition,
  type CustomerValue,
} from './aggregates/index.js';
export { PROCESSING_ERROR_CLASS } from './batch-folder.js';
export { foldBatch, idleCloseBatch, unparkBatch } from './fold-batch.js';
export { MissingStatesError, ProcessingError } from './fold-errors.js';
export {
  ClockFields,
  EMPTY_WINDOWS,
  idleCloseOffsets,
  splitField,
  splitOpenField,
  unparkLog,
  windowField,
  WindowFold,
  type ClosedBy,
  type WindowChanges,
  type WindowResult,
  type WindowSize,
  type WindowSpec,
  type WindowState,
} from './windows.js';
export { SfHeaders } from './headers.js';
export { keysTouched } from './keys-touched.js';
export { decodeBatch, decodeRecords } from './operators.js';
export {
  AnomalyReasons,
  applyEvent,
  transitionReason,
  type ReducerResult,
  type RevenueDelta,
} from './order-reducer.js';
export {
  EventTypes,
  OrderStatuses,
  type BatchCounts,
  type BatchResult,
  type Decoded,
  type DecodeFailure,
  type DerivedRecord,
  type EventType,
  type FoldContext,
  type FoldInput,
  type HeldEvent,
  type ParkedEntry,
  type LineItem,
  type OrderCancelled,
  type OrderEvent,
  type OrderPaid,
  type OrderPlaced,
  type OrderShipped,
  type OrderState,
  type OrderStatus,
  type OutputTopics,
  type SourceRecord,
} from './types.js';
