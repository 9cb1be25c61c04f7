import type { ConnectionConfig } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import {
  connectRedis,
  createRedis,
  errorText,
  ProgramReader,
  StateReader,
  type RedisConnection,
} from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';

/** Runs `use` with a read-only view of a topology's shards, then closes the connection. */
export function withStateReader<T>(
  conn: ConnectionConfig,
  topology: CompiledTopology | LanguageTopology,
  connectionName: string,
  use: (reader: StateReader) => Promise<T>,
): Promise<T> {
  return withRedis(conn, connectionName, async (redis) =>
    use(await StateReader.live(redis, conn.statePrefix, topology.name)),
  );
}

/** The same for a topology program's shards, read in their layout (state/program-fields.ts). */
export function withProgramReader<T>(
  conn: ConnectionConfig,
  topology: LanguageTopology,
  connectionName: string,
  use: (reader: ProgramReader) => Promise<T>,
): Promise<T> {
  return withRedis(conn, connectionName, async (redis) =>
    use(await ProgramReader.live(redis, conn.statePrefix, topology.name)),
  );
}

/** Runs `use` with a Redis connection, then closes it; a failed connect names the cause. */
async function withRedis<T>(
  conn: ConnectionConfig,
  connectionName: string,
  use: (redis: RedisConnection) => Promise<T>,
): Promise<T> {
  const redis = createRedis(conn, { connectionName });
  // Without a listener the client prints every failed reconnect as an unhandled error; the
  // first one is also the only place the real cause (e.g. ECONNREFUSED) shows up.
  let firstError: Error | undefined;
  redis.on('error', (error: Error) => {
    firstError ??= error;
  });
  try {
    try {
      await connectRedis(redis);
    } catch (cause) {
      if (firstError === undefined) throw cause;
      // The URL may carry a password: name the failure, not the address.
      throw new StreamfoldError(
        ErrorCodes.REDIS_UNAVAILABLE,
        `Redis unavailable: ${errorText(firstError)}`,
        { cause },
      );
    }
    return await use(redis);
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
