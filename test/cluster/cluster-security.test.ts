import { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectionConfig } from '../../src/config/index.js';
import {
  connectRedis,
  createRedis,
  masters,
  RedisStateStore,
  ScriptRunner,
  StateReader,
  type RedisConnection,
} from '../../src/state/index.js';
import { OwnTlsCluster } from '../helpers/redis-cluster.js';
import { makeTestCertificates, type TestCertificates } from '../helpers/redis-server.js';
import { uniqueName } from '../helpers/env.js';
import type { BatchResult } from '../../src/pipeline/index.js';

const USER = 'streamfold';
const PASSWORD = 'Pw-cluster-5d2a-only-in-this-test';

/** docs/operations.md's ACL list for the worker, plus what a cluster client needs. */
const clusterCommands = [
  ...['+ping', '+info', '+client|setname', '+get', '+set', '+incr', '+hget', '+hmget'],
  ...['+hgetall', '+hset', '+hincrby', '+hdel', '+hkeys', '+hexists', '+hscan', '+sadd'],
  ...['+smembers', '+xadd', '+xrange', '+xdel', '+xlen', '+evalsha', '+eval'],
  ...['+cluster|slots', '+cluster|info', '+asking'],
];

/** A batch that only moves the applied offset and adds one currency delta. */
function batch(partition: number, lastOffset: number, cents: number): BatchResult {
  return {
    partition,
    firstOffset: 0,
    lastOffset,
    states: new Map(),
    totalsDelta: new Map([['USD', cents]]),
    aggregates: new Map(),
    parked: { next: new Map(), changed: new Map(), removed: [] },
    unparked: [],
    outputs: [],
    counts: {
      records: lastOffset + 1,
      applied: 0,
      duplicates: 0,
      anomalies: 0,
      deadLettered: 0,
      held: 0,
      late: 0,
    },
  };
}

describe('a Redis Cluster over TLS with an ACL user', () => {
  let tls: TestCertificates;
  let cluster: OwnTlsCluster;
  const clients: RedisConnection[] = [];

  beforeAll(async () => {
    tls = makeTestCertificates();
    cluster = await OwnTlsCluster.start(tls);
    await cluster.onEveryNode(
      'ACL',
      'SETUSER',
      USER,
      'reset',
      'on',
      `>${PASSWORD}`,
      '~sfc:*',
      'resetchannels',
      '-@all',
      ...clusterCommands,
    );
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await cluster?.stop();
  });

  const connect = (seeds: string, ca = tls.caFile) => {
    const client = createRedis(loadConnectionConfig({ redisCluster: seeds, redisTlsCa: ca }, {}));
    clients.push(client);
    return connectRedis(client);
  };

  it('carries TLS and the ACL user to every node: fence, commit and read on every shard', async () => {
    const redis = await connect(cluster.seeds(USER, PASSWORD));
    expect(redis).toBeInstanceOf(Cluster);
    expect(masters(redis)).toHaveLength(3);
    const prefix = `sfc:${uniqueName('t')}`.replace(/[^A-Za-z0-9_.:-]/g, '-');
    const store = new RedisStateStore({
      redis,
      scripts: new ScriptRunner(),
      prefix,
      topology: 'orders',
    });
    for (let p = 0; p < 6; p++) {
      const lease = await store.acquire(p);
      expect(lease.applied).toBe(-1);
      expect(await store.commit(lease, batch(p, 9, 100 + p))).toMatchObject({
        status: 'committed',
      });
    }
    const reader = await StateReader.live(redis, prefix, 'orders');
    const partitions = await reader.partitions();
    expect(partitions).toEqual([0, 1, 2, 3, 4, 5]);
    expect([...(await reader.applied(partitions)).values()]).toEqual([9, 9, 9, 9, 9, 9]);
    const totals = await reader.totals(partitions);
    expect([...totals.values()].map((t) => t.get('USD'))).toEqual([100, 101, 102, 103, 104, 105]);
  });

  it('a wrong password stops the connection with "authentication failed", not retried', async () => {
    await expect(connect(cluster.seeds(USER, 'wrong'))).rejects.toMatchObject({
      message: expect.stringMatching(/authentication failed/) as unknown,
      retriable: false,
    });
  });

  it('a CA that did not sign the nodes stops the connection with "TLS handshake failed"', async () => {
    await expect(connect(cluster.seeds(USER, PASSWORD), tls.otherCaFile)).rejects.toMatchObject({
      message: expect.stringMatching(/TLS handshake failed/) as unknown,
      retriable: false,
    });
  });
});
