import { Cluster, Redis, type Command, type RedisOptions } from 'ioredis';
import type { ConnectionConfig } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { connectCluster, probeSeed, rememberSeed } from './cluster-connect.js';

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

/**
 * A connection to Redis: one server, or a Redis Cluster (`REDIS_CLUSTER_NODES`). Every command
 * streamfold sends touches one hash slot (or none), so both answer the same calls.
 */
export type RedisConnection = Redis | Cluster;

/** Client options for TLS: only for rediss://, trusting the configured CA bundle if any. */
export function tlsOptions(conn: ConnectionConfig): Pick<RedisOptions, 'tls'> {
  const tls = conn.redisCluster ? conn.redisCluster.tls : conn.redisUrl.startsWith('rediss://');
  if (!tls) return {};
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
export function createRedis(
  conn: ConnectionConfig,
  opts: RedisClientOptions = {},
): RedisConnection {
  const options: RedisOptions = {
    commandTimeout: opts.commandTimeoutMs ?? 5000,
    maxRetriesPerRequest: 1,
    connectionName: opts.connectionName ?? 'streamfold',
    lazyConnect: true,
    ...tlsOptions(conn),
  };
  const redis = conn.redisCluster
    ? createCluster(conn.redisCluster, options)
    : new Redis(conn.redisUrl, options);
  // The first connection error is the real cause (WRONGPASS, a certificate refused); connect()
  // itself only reports that the connection closed.
  const remember = (error: Error) => {
    firstErrors.set(redis, firstErrors.get(redis) ?? error);
  };
  redis.on('error', remember);
  // A cluster reports each node's failure separately; its own error is a summary.
  if (redis instanceof Cluster) redis.on('node error', remember);
  if (opts.onPermissionDenied) watchPermissions(redis, opts.onPermissionDenied);
  return redis;
}

/**
 * A Redis Cluster client: every node (the seeds and those discovered) gets the same bounded
 * options, credentials and TLS. Commands fail at once while the cluster is not ready instead of
 * waiting in the client's queue: the worker's retry loop owns the waiting.
 */
function createCluster(
  cluster: NonNullable<ConnectionConfig['redisCluster']>,
  options: RedisOptions,
): Cluster {
  const redisOptions: RedisOptions = {
    ...options,
    ...(cluster.username ? { username: cluster.username } : {}),
    ...(cluster.password ? { password: cluster.password } : {}),
  };
  const client = new Cluster(
    cluster.nodes.map((n) => ({ host: n.host, port: n.port })),
    {
      redisOptions,
      lazyConnect: true,
      enableOfflineQueue: false,
      scaleReads: 'master',
      slotsRefreshTimeout: 2000,
    },
  );
  if (cluster.nodes[0]) rememberSeed(client, cluster.nodes[0], redisOptions);
  return client;
}

const firstErrors = new WeakMap<RedisConnection, Error>();

/** Every command (pipelines and scripts too) goes through sendCommand: watch its reply. */
function watchPermissions(
  redis: RedisConnection,
  onDenied: (error: StreamfoldError) => void,
): void {
  // Both clients take the command first; a cluster's extra arguments pass through untouched.
  const client = redis as unknown as {
    sendCommand: (command: Command, ...rest: unknown[]) => unknown;
  };
  const send = client.sendCommand.bind(redis);
  let reported = false;
  client.sendCommand = (command, ...rest) => {
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

/**
 * An error's message; for a cluster whose seeds all failed ("Failed to refresh slots cache"),
 * with the last node's own error, which says why (refused, authentication, TLS).
 */
export function errorText(error: Error): string {
  const last = (error as { lastNodeError?: unknown }).lastNodeError;
  return last instanceof Error ? `${error.message} (${last.message})` : error.message;
}

/** Why a connection attempt failed, in words: authentication, TLS or the network. */
function describeConnectError(error: Error): string {
  const message = errorText(error);
  const last = (error as { lastNodeError?: unknown }).lastNodeError;
  const cause = last instanceof Error ? last : error;
  if (/WRONGPASS|NOAUTH|invalid username-password|AUTH failed/i.test(message)) {
    return `authentication failed (${message}); check the user and password in the Redis URL (or the cluster seeds)`;
  }
  if (isPermissionError(cause)) {
    return `${message}; the Redis ACL user lacks a command the connection needs (see docs/operations.md, "Redis ACL")`;
  }
  const code = (cause as NodeJS.ErrnoException).code ?? '';
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
export async function connectRedis<C extends RedisConnection>(
  redis: C,
  what = 'Redis',
): Promise<C> {
  firstErrors.delete(redis);
  try {
    await (redis instanceof Cluster ? connectCluster(redis) : redis.connect());
    return redis;
  } catch (cause) {
    // A cluster reports its nodes' failures as "Connection is closed": ask the first seed why.
    const cluster = redis instanceof Cluster;
    const first = cluster ? await probeSeed(redis) : firstErrors.get(redis);
    const error = first ?? (cause instanceof Error ? cause : new Error(String(cause)));
    forgetArguments(error);
    // A failed handshake is final: no point in the client retrying behind our back (nor a
    // cluster client, which would go on refreshing its slot map).
    if (first || cluster) redis.disconnect();
    const reason = describeConnectError(error);
    const fatal = reason !== errorText(error);
    throw new StreamfoldError(ErrorCodes.REDIS_UNAVAILABLE, `${what} unavailable: ${reason}`, {
      cause,
      retriable: !fatal,
    });
  }
}
