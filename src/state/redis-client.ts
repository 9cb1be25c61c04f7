import { Redis } from 'ioredis';
import type { ConnectionConfig } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';

export interface RedisClientOptions {
  /** A failed command rejects after this long instead of queueing for a minute. */
  commandTimeoutMs?: number;
  connectionName?: string;
}

/**
 * A Redis connection with bounded waits: the worker's own retry loop (backoff with jitter,
 * partition paused) decides what happens after a failure, not the client's offline queue.
 */
export function createRedis(conn: ConnectionConfig, opts: RedisClientOptions = {}): Redis {
  return new Redis(conn.redisUrl, {
    commandTimeout: opts.commandTimeoutMs ?? 5000,
    maxRetriesPerRequest: 1,
    connectionName: opts.connectionName ?? 'streamfold',
    lazyConnect: true,
  });
}

/** Connects a lazily created client; a refusal becomes a retriable SF_REDIS_UNAVAILABLE. */
export async function connectRedis(redis: Redis, what = 'Redis'): Promise<Redis> {
  try {
    await redis.connect();
    return redis;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new StreamfoldError(ErrorCodes.REDIS_UNAVAILABLE, `${what} unavailable: ${reason}`, {
      cause,
    });
  }
}
