import { randomBytes } from 'node:crypto';
import { loadConnectionConfig, type ConnectionConfig } from '../../src/config/index.js';
import { createLogger, type Logger } from '../../src/logger.js';

/** The stack the tests talk to: the same flags-and-environment rules as the worker. */
export function testConnection(): ConnectionConfig {
  return loadConnectionConfig({}, process.env);
}

/** Test logs are quiet unless TEST_LOG_LEVEL asks otherwise. */
export function testLogger(): Logger {
  const level = process.env.TEST_LOG_LEVEL ?? 'warn';
  return createLogger(level as 'warn', 'streamfold-test');
}

/** A name no other test (or earlier run) uses: topics, groups and state prefixes. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`, { cause: last });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
