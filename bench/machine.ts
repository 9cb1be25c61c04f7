import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import type { Redis } from 'ioredis';
import { repoRoot } from './paths.js';

/** What the numbers were measured on. */
export async function describeMachine(redis: Redis): Promise<Record<string, string | number>> {
  const info = await redis.info('server');
  const pom = readFileSync(join(repoRoot, 'stack', 'kafka', 'pom.xml'), 'utf8');
  // `java -version` writes to stderr; only the Kafka Streams peer needs Java.
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr ?? '';
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kafka: /<kafka.version>([^<]+)</.exec(pom)?.[1] ?? 'unknown',
    redis: /^redis_version:(\S+)/m.exec(info)?.[1] ?? 'unknown',
    java: /version "([^"]+)"/.exec(java)?.[1] ?? 'not found',
  };
}
