import type { Redis } from 'ioredis';

/**
 * Commands Redis has executed since its last stats reset, by `INFO commandstats`: commands run
 * inside Lua scripts count too. The bench's own `info` calls are left out.
 */
export async function redisCommandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}
