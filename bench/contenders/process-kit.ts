/**
 * What every in-house contender process shares: its settings arrive as one JSON argument, it
 * runs until SIGTERM, and it prints one JSON line of results on stdout before it exits.
 */
import { loadConnectionConfig, type ConnectionConfig } from '../../src/config/index.js';
import { createLogger, type Logger } from '../../src/logger.js';

export interface ContenderSettings {
  brokers: string;
  redisUrl: string;
  /** The preloaded input topic. */
  input: string;
  group: string;
  /** Where derived records go (passthrough copies, naive status records). */
  output?: string;
  /** Partitions handled at once. */
  concurrency: number;
  /** Namespace of the contender's Redis keys. */
  statePrefix?: string;
}

export interface ContenderProcess {
  settings: ContenderSettings;
  conn: ConnectionConfig;
  log: Logger;
}

export function contenderProcess(name: string): ContenderProcess {
  const arg = process.argv[2];
  if (arg === undefined) throw new Error(`${name}: expected the settings as one JSON argument`);
  const settings = JSON.parse(arg) as ContenderSettings;
  const conn = loadConnectionConfig(
    { brokers: settings.brokers, redisUrl: settings.redisUrl, logLevel: 'warn' },
    process.env,
  );
  return { settings, conn, log: createLogger('warn', name) };
}

/**
 * Runs `start`, then waits for SIGTERM or SIGINT, runs `stop`, prints `result()` as JSON and
 * exits. Any failure exits 1 with the error on stderr.
 */
export function runUntilSignal(
  name: string,
  start: () => Promise<void>,
  stop: () => Promise<void>,
  result: () => Record<string, unknown>,
): void {
  const fail = (err: unknown): never => {
    process.stderr.write(
      `${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  };
  let stopping = false;
  const onSignal = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(() => {
      process.stdout.write(`${JSON.stringify(result())}\n`);
      process.exit(0);
    }, fail);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  start().then(() => process.stdout.write('READY\n'), fail);
}
