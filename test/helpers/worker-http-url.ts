import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eventually } from './env.js';

/**
 * The URL a worker started with `HTTP_ADDR=...:0` serves on, from its `http listening` log
 * line in `logDir` (a Scenario's dir). Matched by pid, so it does not depend on how the log
 * files are named or on which worker started first.
 */
export function workerHttpUrl(logDir: string, pid: number, timeoutMs = 30_000): Promise<URL> {
  return eventually(
    `worker ${pid} to log its HTTP address`,
    () => {
      const logs = readdirSync(logDir).filter((f) => f.endsWith('.log'));
      for (const file of logs) {
        for (const line of readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
          // Lines are pino JSON; a partly flushed last line or any other output is skipped.
          if (!line.includes('"http listening"')) continue;
          let entry: { pid?: unknown; msg?: unknown; url?: unknown };
          try {
            entry = JSON.parse(line) as typeof entry;
          } catch {
            continue;
          }
          if (
            entry.pid === pid &&
            entry.msg === 'http listening' &&
            typeof entry.url === 'string'
          ) {
            return new URL(entry.url);
          }
        }
      }
      return undefined;
    },
    timeoutMs,
    100,
  );
}
