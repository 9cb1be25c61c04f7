import { z } from 'zod';

/** One seed of a Redis Cluster: the client discovers every other node from it. */
export interface ClusterSeed {
  readonly host: string;
  readonly port: number;
}

/**
 * Redis Cluster seeds (`REDIS_CLUSTER_NODES` / `--redis-cluster`). The scheme and the credentials
 * hold for every node of the cluster, including those the client discovers.
 */
export interface RedisClusterConfig {
  readonly nodes: readonly ClusterSeed[];
  /** rediss:// seeds: TLS to every node (with `REDIS_TLS_CA_FILE` if set). */
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

const hostPort = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;
const url = /^rediss?:\/\/[^\s]+$/;

interface ParsedSeed extends ClusterSeed {
  /** Scheme and credentials, for seeds written as URLs. */
  auth?: { tls: boolean; username: string; password: string };
}

function parseUrlSeed(text: string): ParsedSeed | string {
  if (!URL.canParse(text)) return 'not a valid URL';
  const u = new URL(text);
  if (u.pathname !== '' && u.pathname !== '/' && u.pathname !== '/0') {
    return 'a Redis Cluster has only database 0 (drop the /<db> path)';
  }
  const port = u.port === '' ? 6379 : Number(u.port);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port,
    auth: {
      tls: u.protocol === 'rediss:',
      username: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
    },
  };
}

function parseSeed(text: string): ParsedSeed | string {
  if (url.test(text)) return parseUrlSeed(text);
  const match = hostPort.exec(text);
  if (!match?.[1] || !match[2]) return 'expected host:port or a redis:// / rediss:// URL';
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return 'port must be 1-65535';
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
}

const sameAuth = (a: ParsedSeed['auth'], b: ParsedSeed['auth']) =>
  a?.tls === b?.tls && a?.username === b?.username && a?.password === b?.password;

/**
 * `host:port,host:port` (or URLs, for TLS and an ACL user) → the seeds; empty → not a cluster.
 * URL seeds must agree on scheme and credentials; plain `host:port` seeds take them over.
 */
export const redisClusterSeeds = z
  .string()
  .transform((value, ctx): RedisClusterConfig | undefined => {
    const texts = value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
    if (texts.length === 0) {
      if (value.trim() !== '') ctx.addIssue({ code: 'custom', message: 'no host:port seed' });
      return value.trim() === '' ? undefined : z.NEVER;
    }
    const seeds: ParsedSeed[] = [];
    texts.forEach((text, i) => {
      const seed = parseSeed(text);
      if (typeof seed === 'string') ctx.addIssue({ code: 'custom', path: [i], message: seed });
      else seeds.push(seed);
    });
    if (seeds.length < texts.length) return z.NEVER;
    const withAuth = seeds.filter((s) => s.auth !== undefined);
    const auth = withAuth[0]?.auth;
    if (withAuth.some((s) => !sameAuth(s.auth, auth))) {
      ctx.addIssue({
        code: 'custom',
        message: 'every URL seed must use the same scheme, user and password (one cluster)',
      });
      return z.NEVER;
    }
    return {
      nodes: seeds.map(({ host, port }) => ({ host, port })),
      tls: auth?.tls ?? false,
      ...(auth?.username ? { username: auth.username } : {}),
      ...(auth?.password ? { password: auth.password } : {}),
    };
  });
