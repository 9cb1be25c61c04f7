import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { loadConnectionConfig } from '../../../src/config/index.js';
import { configIssues } from '../helpers/config-issues.js';
import { createRedis, tlsOptions } from '../../../src/state/redis-client.js';

const source = '(--redis-cluster / REDIS_CLUSTER_NODES)';
const field = `redisCluster ${source}`;

const issues = configIssues;

describe('the Redis Cluster setting', () => {
  it('is absent by default: one Redis at the URL', () => {
    const config = loadConnectionConfig({}, {});
    expect('redisCluster' in config).toBe(false);
    const client = createRedis(config);
    expect(client).toBeInstanceOf(Redis);
    client.disconnect();
  });

  it('reads host:port seeds from the environment; the flag wins', () => {
    const env = { REDIS_CLUSTER_NODES: ' 10.0.0.1:7001 , 10.0.0.2:7002,,' };
    expect(loadConnectionConfig({}, env).redisCluster).toEqual({
      nodes: [
        { host: '10.0.0.1', port: 7001 },
        { host: '10.0.0.2', port: 7002 },
      ],
      tls: false,
    });
    const flagged = loadConnectionConfig({ redisCluster: '[::1]:7005' }, env);
    expect(flagged.redisCluster?.nodes).toEqual([{ host: '::1', port: 7005 }]);
    expect(Object.isFrozen(flagged.redisCluster)).toBe(true);
    expect(Object.isFrozen(flagged.redisCluster?.nodes)).toBe(true);
  });

  it('an empty value (flag or variable) means no cluster', () => {
    expect('redisCluster' in loadConnectionConfig({}, { REDIS_CLUSTER_NODES: '' })).toBe(false);
    expect('redisCluster' in loadConnectionConfig({ redisCluster: ' ' }, {})).toBe(false);
  });

  it('takes TLS and ACL credentials from URL seeds, for every node', () => {
    const config = loadConnectionConfig(
      { redisCluster: 'rediss://sf%40worker:p%3Ass@a:7001,b:7002,rediss://sf%40worker:p%3Ass@c' },
      {},
    );
    expect(config.redisCluster).toEqual({
      nodes: [
        { host: 'a', port: 7001 },
        { host: 'b', port: 7002 },
        { host: 'c', port: 6379 },
      ],
      tls: true,
      username: 'sf@worker',
      password: 'p:ss',
    });
    expect(tlsOptions(config)).toEqual({ tls: {} });
  });

  it('builds a cluster client whose nodes share the bounded options and credentials', () => {
    const config = loadConnectionConfig({ redisCluster: 'redis://u:pw@127.0.0.1:7001' }, {});
    const client = createRedis(config, { connectionName: 'sf-test', commandTimeoutMs: 1234 });
    expect(client).toBeInstanceOf(Cluster);
    const options = (client as Cluster).options;
    expect(options.enableOfflineQueue).toBe(false);
    expect(options.redisOptions).toMatchObject({
      commandTimeout: 1234,
      maxRetriesPerRequest: 1,
      connectionName: 'sf-test',
      username: 'u',
      password: 'pw',
    });
    client.disconnect();
  });

  it('names the field and the bad seed', () => {
    expect(
      issues(() =>
        loadConnectionConfig({ redisCluster: 'a:7001,nohost,b:70000,redis://c:1/2' }, {}),
      ),
    ).toEqual([
      {
        path: `redisCluster[1] ${source}`,
        message: 'expected host:port or a redis:// / rediss:// URL',
      },
      { path: `redisCluster[2] ${source}`, message: 'port must be 1-65535' },
      {
        path: `redisCluster[3] ${source}`,
        message: 'a Redis Cluster has only database 0 (drop the /<db> path)',
      },
    ]);
  });

  it('refuses seeds that disagree on scheme or credentials, and a list of commas', () => {
    expect(
      issues(() => loadConnectionConfig({ redisCluster: 'redis://a:1,rediss://b:2' }, {})),
    ).toEqual([
      {
        path: field,
        message: 'every URL seed must use the same scheme, user and password (one cluster)',
      },
    ]);
    expect(issues(() => loadConnectionConfig({ redisCluster: ' , ' }, {}))).toEqual([
      { path: field, message: 'no host:port seed' },
    ]);
  });

  it('a CA file needs rediss:// seeds when the cluster is set', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sf-cluster-'));
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    // The URL is rediss://, but the cluster (which replaces it) is not: refused.
    expect(
      issues(() =>
        loadConnectionConfig(
          { redisCluster: 'a:7001', redisTlsCa: ca, redisUrl: 'rediss://h:6380' },
          {},
        ),
      ),
    ).toEqual([
      {
        path: 'redisTlsCa (--redis-tls-ca / REDIS_TLS_CA_FILE)',
        message: 'a CA file is only used with rediss:// cluster seeds',
      },
    ]);
    const config = loadConnectionConfig({ redisCluster: 'rediss://a:7001', redisTlsCa: ca }, {});
    expect(tlsOptions(config)).toEqual({ tls: { ca: config.redisTlsCa?.pem } });
  });
});
