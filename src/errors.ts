/**
 * Every error streamfold raises. The `retriable` flag decides what happens next: retriable
 * faults (Redis or Kafka unavailable) are retried with backoff while the partition is paused;
 * the rest stop the worker (bad config) or send the event to the dead-letter topic.
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'SF_CONFIG_INVALID',
  REDIS_UNAVAILABLE: 'SF_REDIS_UNAVAILABLE',
  REDIS_SCRIPT: 'SF_REDIS_SCRIPT',
  /** The Redis ACL user may not run a command or touch a key the worker needs (NOPERM). */
  REDIS_PERMISSION: 'SF_REDIS_PERMISSION',
  KAFKA_UNAVAILABLE: 'SF_KAFKA_UNAVAILABLE',
  KAFKA_TIMEOUT: 'SF_KAFKA_TIMEOUT',
  TOPIC_MISSING: 'SF_TOPIC_MISSING',
  /** The shard was retired by a rebuild's switch; owning it again waits for the new pointer. */
  SHARD_RETIRED: 'SF_SHARD_RETIRED',
  /** Another rebuild moved the generation pointer first. */
  REBUILD_CONFLICT: 'SF_REBUILD_CONFLICT',
  /** An invariant of the engine itself does not hold: a bug, never bad input. */
  INTERNAL: 'SF_INTERNAL',
  /** A query's parameters are missing or wrong (HTTP 400, CLI exit 1). */
  QUERY_INVALID: 'SF_QUERY_INVALID',
  /** The HTTP server could not bind its address (in use, or not allowed). */
  HTTP_LISTEN: 'SF_HTTP_LISTEN',
  /** A fault injected on purpose by a test (STREAMFOLD_FAIL_EVENT_IDS), as a reducer bug would. */
  INJECTED_FAULT: 'SF_INJECTED_FAULT',
  /**
   * A topology's own reducer (defineTopology's `state.reduce`) threw, or returned a field that is
   * not declared or a value of the wrong type: a processing failure of that event, never retried.
   */
  REDUCER_FAILED: 'SF_REDUCER_FAILED',
  /**
   * An event's processing failed and it has attempts left: its batch is retried with backoff,
   * and the event dead-lettered (its key parked) once the topology's attempts run out.
   */
  PROCESSING_FAILED: 'SF_PROCESSING_FAILED',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Which codes are worth retrying with backoff by default. */
const retriableCodes: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  ErrorCodes.PROCESSING_FAILED,
  ErrorCodes.REDIS_UNAVAILABLE,
  ErrorCodes.KAFKA_UNAVAILABLE,
  ErrorCodes.KAFKA_TIMEOUT,
  ErrorCodes.SHARD_RETIRED,
]);

export interface StreamfoldErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

export class StreamfoldError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: StreamfoldErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamfoldError';
    this.code = code;
    this.retriable = options.retriable ?? retriableCodes.has(code);
  }
}

/** One problem with one configuration field; `path` is the dotted field name. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends StreamfoldError {
  readonly issues: readonly ConfigIssue[];

  constructor(source: string, issues: readonly ConfigIssue[]) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
    super(ErrorCodes.CONFIG_INVALID, `invalid configuration (${source}):\n${lines}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isRetriable(error: unknown): boolean {
  return error instanceof StreamfoldError && error.retriable;
}
