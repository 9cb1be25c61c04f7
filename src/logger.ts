import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

/**
 * The root logger. Redaction lives here because a child's `redact` replaces the parent's:
 * secrets passed through as Kafka properties or in a Redis URL must never reach a log line.
 */
export function createLogger(level: LevelWithSilent = 'info', name = 'streamfold'): Logger {
  return pino({
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
      ],
      censor: '[redacted]',
    },
    ...(process.stdout.isTTY && level !== 'silent'
      ? { transport: { target: 'pino-pretty', options: { colorize: true } } }
      : {}),
  });
}
