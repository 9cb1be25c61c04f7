/** Header names on derived records; consumers and the DLT tooling read them by these names. */
export const SfHeaders = {
  ID: 'sf-id',
  ERROR_CLASS: 'sf-error-class',
  ERROR_MESSAGE: 'sf-error-message',
  SOURCE_TOPIC: 'sf-source-topic',
  SOURCE_PARTITION: 'sf-source-partition',
  SOURCE_OFFSET: 'sf-source-offset',
  FAILED_AT: 'sf-failed-at',
  WORKER_VERSION: 'sf-worker-version',
  WINDOW_SIZE: 'sf-window-size',
  WINDOW_START: 'sf-window-start',
  WATERMARK: 'sf-watermark',
  /** On a dead letter whose value was cut: the original value's size in bytes. */
  VALUE_TRUNCATED: 'sf-value-truncated',
} as const;
