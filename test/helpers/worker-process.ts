import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { cliPath } from './cli.js';

/**
 * The worker as a child process (`streamfold run`), its output kept in a log file for the
 * test's post-mortem. Stop it politely (SIGTERM) or not (SIGKILL), and wait for the exit.
 */
export class WorkerProcess {
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private output = '';

  constructor(
    topologyFile: string,
    env: NodeJS.ProcessEnv,
    logFile: string,
    extraArgs: string[] = [],
  ) {
    this.log = createWriteStream(logFile, { flags: 'a' });
    this.child = spawn(process.execPath, [cliPath, 'run', topologyFile, ...extraArgs], {
      env: { ...process.env, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      // Enough of the tail to find readiness lines; the full log is in the file.
      this.output = (this.output + chunk.toString()).slice(-200_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.log.end();
        resolve({ code, signal });
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** True once the worker has logged `text` (e.g. "partition owned"). */
  hasLogged(text: string): boolean {
    return this.output.includes(text);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.running) this.child.kill(signal);
  }

  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }

  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.signal('SIGTERM');
    return this.exited;
  }
}
