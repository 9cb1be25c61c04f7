import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Launch } from './types.js';

/** A contender's process: stdout kept for its report line, stderr appended to a log file. */
export class ContenderChild {
  readonly process: ChildProcess;
  private stdout = '';
  private exitCode: number | null | undefined;
  private readonly exited: Promise<void>;

  constructor(launch: Pick<Launch, 'command' | 'args' | 'env'>, logFile: string) {
    this.process = spawn(launch.command, launch.args, {
      env: launch.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.process.stderr?.pipe(createWriteStream(logFile, { flags: 'a' }));
    this.exited = once(this.process, 'exit').then(([code]) => {
      this.exitCode = code as number | null;
    });
  }

  get pid(): number {
    if (this.process.pid === undefined) throw new Error('contender process did not start');
    return this.process.pid;
  }

  /** The exit code once the process has exited, else undefined. */
  get exit(): number | null | undefined {
    return this.exitCode;
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves with the exit code. */
  async stop(graceMs = 45_000): Promise<number | null> {
    if (this.exitCode === undefined) {
      this.process.kill('SIGTERM');
      const killed = sleep(graceMs, 'timeout' as const);
      if ((await Promise.race([this.exited, killed])) === 'timeout') this.process.kill('SIGKILL');
      await this.exited;
    }
    return this.exitCode ?? null;
  }

  /** The last JSON line the process printed on stdout; undefined when there is none. */
  report(): Record<string, unknown> | undefined {
    for (const line of this.stdout.trim().split('\n').reverse()) {
      if (!line.startsWith('{')) continue;
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    }
    return undefined;
  }
}
