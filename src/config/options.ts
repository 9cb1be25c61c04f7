import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { redisClusterSeeds, type RedisClusterConfig } from './redis-cluster.js';

/** Where each setting comes from: a CLI flag overrides the environment variable. */
export const settingSources = {
  brokers: { flag: '--brokers', env: 'KAFKA_BROKERS' },
  redisUrl: { flag: '--redis', env: 'REDIS_URL' },
  redisTlsCa: { flag: '--redis-tls-ca', env: 'REDIS_TLS_CA_FILE' },
  redisCluster: { flag: '--redis-cluster', env: 'REDIS_CLUSTER_NODES' },
  httpAddr: { flag: '--http', env: 'HTTP_ADDR' },
  statePrefix: { flag: '--state-prefix', env: 'STATE_PREFIX' },
  logLevel: { flag: '--log-level', env: 'LOG_LEVEL' },
} as const;

export type SettingName = keyof typeof settingSources;

export const defaults = {
  brokers: '127.0.0.1:9092',
  redisUrl: 'redis://127.0.0.1:6379',
  /** Empty: a rediss:// connection trusts the system's CA store. */
  redisTlsCa: '',
  /** Empty: a single Redis server at redisUrl. */
  redisCluster: '',
  httpAddr: '127.0.0.1:9464',
  statePrefix: 'sf',
  logLevel: 'info',
} as const satisfies Record<SettingName, string>;

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const hostPortPattern = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
const portOf = (s: string) => Number(s.slice(s.lastIndexOf(':') + 1));

const hostPort = z
  .string()
  .regex(hostPortPattern, { error: 'expected host:port', abort: true })
  .refine((s) => portOf(s) > 0 && portOf(s) < 65536, 'port must be 1-65535');

/** Where to listen: port 0 asks the system for a free port (tests, several workers per host). */
const listenAddress = z
  .string()
  .regex(hostPortPattern, { error: 'expected host:port', abort: true })
  .refine((s) => portOf(s) < 65536, 'port must be 0-65535');

/** A CA bundle for rediss://, read once at start: its path (for messages) and its PEM text. */
export interface TlsCaBundle {
  readonly file: string;
  readonly pem: string;
}

const caBundle = z.string().transform((file, ctx): TlsCaBundle | undefined => {
  if (file.trim() === '') return undefined;
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    ctx.addIssue({ code: 'custom', message: `cannot read CA file ${file} (${code})` });
    return z.NEVER;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    ctx.addIssue({ code: 'custom', message: `${file} holds no PEM certificate` });
    return z.NEVER;
  }
  return { file, pem };
});

export const connectionSchema = z
  .object({
    brokers: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((b) => b.trim())
          .filter((b) => b.length > 0),
      )
      .pipe(z.array(hostPort).min(1, 'at least one broker (host:port)')),
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\/[^\s]+$/, 'expected a redis:// or rediss:// URL')
      .refine((s) => URL.canParse(s), 'not a valid URL'),
    redisTlsCa: caBundle,
    /** Seeds of a Redis Cluster; when set, redisUrl is not used. */
    redisCluster: redisClusterSeeds,
    httpAddr: listenAddress,
    statePrefix: z
      .string()
      .regex(
        /^[A-Za-z0-9_.-]{1,64}$/,
        '1-64 characters of letters, digits, "_", "." or "-" (no braces: they are hash tags)',
      ),
    logLevel: z.enum(logLevels),
    /** librdkafka properties passed through from KAFKA_* variables (security settings etc.). */
    kafka: z.record(z.string(), z.string()),
  })
  .superRefine((c, ctx) => {
    const tls = c.redisCluster ? c.redisCluster.tls : c.redisUrl.startsWith('rediss://');
    if (c.redisTlsCa !== undefined && !tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['redisTlsCa'],
        message: c.redisCluster
          ? 'a CA file is only used with rediss:// cluster seeds'
          : 'a CA file is only used with a rediss:// URL',
      });
    }
  });

type ParsedConnection = z.output<typeof connectionSchema>;

export type ConnectionConfig = Readonly<
  Omit<ParsedConnection, 'redisTlsCa' | 'redisCluster'> & {
    redisTlsCa?: TlsCaBundle;
    redisCluster?: RedisClusterConfig;
  }
>;
