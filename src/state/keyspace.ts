import { Cluster, type Redis } from 'ioredis';
import type { RedisConnection } from './redis-client.js';

/**
 * The servers that hold keys: the one server, or every master of a Redis Cluster. Commands
 * without a key (SCAN, KEYS, SCRIPT, INFO) reach one node only; run them on each of these.
 */
export function masters(redis: RedisConnection): Redis[] {
  return redis instanceof Cluster ? redis.nodes('master') : [redis];
}

/**
 * Every key matching a glob pattern, with SCAN (never KEYS) on every master: in a cluster each
 * master holds its own slots, so one node's SCAN sees only part of the keyspace.
 */
export async function scanKeys(redis: RedisConnection, match: string): Promise<string[]> {
  const found = new Set<string>();
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      for (const key of keys) found.add(key);
      cursor = next;
    } while (cursor !== '0');
  }
  return [...found];
}

/**
 * Deletes every key matching a glob pattern (tests, cleanup of a namespace). One UNLINK per key:
 * keys of different hash slots may not share a command in a cluster, even on one node.
 */
export async function deleteMatching(redis: RedisConnection, match: string): Promise<number> {
  let deleted = 0;
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', 1000);
      if (keys.length > 0) {
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const [error, count] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          deleted += Number(count);
        }
      }
      cursor = next;
    } while (cursor !== '0');
  }
  return deleted;
}
