import { Redis, type RedisOptions } from 'ioredis';
import type { ConnectionConfig } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';

export interface RedisClientOptions {
  /** A failed command rejects after this long instead of queueing for a minute. */
  commandTimeoutMs?: number;
  connectionName?: string;
  /**
   * Called (once per client) when Redis refuses a command with NOPERM: the ACL user lacks a
   * command or key the worker needs. Retrying cannot fix that, so the caller should stop.
   */
  onPermissionDenied?: (error: StreamfoldError) => void;
}

/** Client options for TLS: only for rediss://, trusting the configured CA bundle if any. */
export function tlsOptions(conn: ConnectionConfig): Pick<RedisOptions, 'tls'> {
  if (!conn.redisUrl.startsWith('rediss://')) return {};
  return { tls: conn.redisTlsCa ? { ca: conn.redisTlsCa.pem } : {} };
}

/** Whether a reply error is an ACL refusal (NOPERM), also when raised inside a Lua script. */
export function isPermissionError(error: unknown): boolean {
  return (
    error instanceof Error &&
    /(^|\s)NOPERM\b|no permissions? to|user executing the script can't (run|access)/i.test(
      error.message,
    )
  );
}

/** The refused command and key, from a NOPERM reply, in a sentence an operator can act on. */
export function permissionError(cause: Error, command?: string): StreamfoldError {
  const what = command ? ` (command ${command.toUpperCase()})` : '';
  return new StreamfoldError(
    ErrorCodes.REDIS_PERMISSION,
    `Redis refused a command${what}: ${cause.message}. The Redis ACL user lacks a command or ` +
      'key pattern the worker needs (see docs/operations.md, "Redis ACL")',
    { cause },
  );
}

/**
 * A Redis connection with bounded waits: the worker's own retry loop (backoff with jitter,
 * partition paused) decides what happens after a failure, not the client's offline queue.
 */
export function createRedis(conn: ConnectionConfig, opts: RedisClientOptions = {}): Redis {
  const redis = new Redis(conn.redisUrl, {
    commandTimeout: opts.commandTimeoutMs ?? 5000,
    maxRetriesPerRequest: 1,
    connectionName: opts.connectionName ?? 'streamfold',
    lazyConnect: true,
    ...tlsOptions(conn),
  });
  // The first connection error is the real cause (WRONGPASS, a certificate refused); connect()
  // itself only reports that the connection closed.
  redis.on('error', (error: Error) => {
    firstErrors.set(redis, firstErrors.get(redis) ?? error);
  });
  if (opts.onPermissionDenied) watchPermissions(redis, opts.onPermissionDenied);
  return redis;
}

const firstErrors = new WeakMap<Redis, Error>();

/** Every command (pipelines and scripts too) goes through sendCommand: watch its reply. */
function watchPermissions(redis: Redis, onDenied: (error: StreamfoldError) => void): void {
  const send = redis.sendCommand.bind(redis);
  let reported = false;
  redis.sendCommand = (command, ...rest) => {
    const result = send(command, ...rest);
    command.promise.catch((error: unknown) => {
      if (reported || !isPermissionError(error)) return;
      reported = true;
      onDenied(permissionError(error as Error, command.name));
    });
    return result;
  };
}

/** A reply error carries its command's arguments: for AUTH or HELLO, the password. */
function forgetArguments(error: Error): void {
  const command = (error as { command?: { args?: unknown } }).command;
  if (command && typeof command === 'object') command.args = ['[redacted]'];
}

/** Why a connection attempt failed, in words: authentication, TLS or the network. */
function describeConnectError(error: Error): string {
  const message = error.message;
  if (/WRONGPASS|NOAUTH|invalid username-password|AUTH failed/i.test(message)) {
    return `authentication failed (${message}); check the user and password in the Redis URL`;
  }
  if (isPermissionError(error)) {
    return `${message}; the Redis ACL user lacks a command the connection needs (see docs/operations.md, "Redis ACL")`;
  }
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (
    /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|HOSTNAME|ALTNAME/i.test(code) ||
    /certificate|SSL routines|TLS/i.test(message)
  ) {
    return `TLS handshake failed (${code ? `${code}: ` : ''}${message}); check the CA file (REDIS_TLS_CA_FILE / --redis-tls-ca) and the server certificate`;
  }
  return message;
}

/**
 * Connects a lazily created client. A refusal becomes SF_REDIS_UNAVAILABLE (retriable); bad
 * credentials, a refused certificate or a missing permission are not worth retrying.
 */
export async function connectRedis(redis: Redis, what = 'Redis'): Promise<Redis> {
  firstErrors.delete(redis);
  try {
    await redis.connect();
    return redis;
  } catch (cause) {
    const first = firstErrors.get(redis);
    const error = first ?? (cause instanceof Error ? cause : new Error(String(cause)));
    forgetArguments(error);
    // A failed handshake is final: no point in the client retrying behind our back.
    if (first) redis.disconnect();
    const reason = describeConnectError(error);
    const fatal = reason !== error.message;
    throw new StreamfoldError(ErrorCodes.REDIS_UNAVAILABLE, `${what} unavailable: ${reason}`, {
      cause,
      retriable: !fatal,
    });
  }
}
