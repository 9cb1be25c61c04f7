import type { ConnectionConfig } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';
import { connectRedis, createRedis, errorText, StateReader } from '../state/index.js';
import type { CompiledTopology, LanguageTopology } from '../topology/index.js';

/** Runs `use` with a read-only view of a topology's shards, then closes the connection. */
export async function withStateReader<T>(
  conn: ConnectionConfig,
  topology: CompiledTopology | LanguageTopology,
  connectionName: string,
  use: (reader: StateReader) => Promise<T>,
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
    return await use(await StateReader.live(redis, conn.statePrefix, topology.name));
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
