import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * The root logger. Redaction lives here because a child's `redact` replaces the parent's:
 * secrets passed through as Kafka properties or in a Redis URL must never reach a log line.
 */
export function createLogger(level: LevelWithSilent = 'info', name = 'streamfold'): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: [
        '*.password',
        '*["sasl.password"]',
        '*["ssl.key.password"]',
        '*["ssl.keystore.password"]',
        'redisUrl',
        '*.redisUrl',
        'redisCluster.password',
        '*.redisCluster.password',
      ],
      censor: '[redacted]',
    },
  };
  // Logs go to stderr (synchronously, so none is lost at exit): stdout carries command output
  // (`--json`) that scripts parse.
  if (process.stderr.isTTY && level !== 'silent') {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { colorize: true, destination: 2 } },
    });
  }
  return pino(options, pino.destination({ fd: 2, sync: true }));
}
