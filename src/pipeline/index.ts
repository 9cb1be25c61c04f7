export { capMessage, MAX_ERROR_MESSAGE_LENGTH } from './cap-message.js';
export { decodeRecord, DecodeErrorClasses, type DecodeErrorClass } from './decode.js';
export {
  anomalyRecord,
  deadLetterRecord,
  derivedId,
  revenueRecord,
  statusRecord,
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
export { foldBatch } from './fold-batch.js';
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
