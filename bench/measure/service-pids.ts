import { execFileSync } from 'node:child_process';
import type { Redis } from 'ioredis';

/** The pid of the process listening on a loopback TCP port, from `ss`. */
export function listenerPid(port: number): number | undefined {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const match = /pid=(\d+)/.exec(out);
  return match ? Number(match[1]) : undefined;
}

/** The Redis server's own pid, as it reports it. */
export async function redisPid(redis: Redis): Promise<number> {
  const info = await redis.info('server');
  const match = /^process_id:(\d+)/m.exec(info);
  if (!match) throw new Error('Redis INFO server did not report process_id');
  return Number(match[1]);
}
