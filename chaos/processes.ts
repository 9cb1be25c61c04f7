/**
 * The processes a chaos run owns: its Redis server and its workers (broker.ts: its broker). Each is
 * restartable with the same configuration (port, data directory) and keeps its output in a
 * log file of the run directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { WORKER_HOST } from './netns.js';
import { cleanEnv, elapsed, log, sleep, waitUntil } from './util.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One OS process started by the harness, its exit awaited; stopped (SIGSTOP) state tracked. */
export class Managed {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private logStream: WriteStream | undefined;
  /** True while a SIGSTOP is not followed by a SIGCONT. */
  stopped = false;
  /** Set by whoever is about to end the process on purpose. */
  expectingExit = false;
  startedAt = 0;
  onUnexpectedExit: ((exit: Exit) => void) | undefined;

  constructor(
    readonly name: string,
    private readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  get exited(): Promise<Exit> {
    return this.exitPromise;
  }

  spawn(command: string, args: string[], env: NodeJS.ProcessEnv, detached = false): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.logStream = createWriteStream(this.logFile, { flags: 'a' });
    this.logStream.on('error', () => undefined);
    this.logStream.write(`\n==== chaos: start ${this.name} at +${elapsed()} ms ====\n`);
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached });
    const stream = this.logStream;
    child.on('error', (error) => stream.write(`==== chaos: ${this.name}: ${error.message} ====\n`));
    child.stdout?.on('data', (chunk: Buffer) => stream.write(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stream.write(chunk));
    this.child = child;
    this.stopped = false;
    this.expectingExit = false;
    this.startedAt = Date.now();
    this.exitPromise = new Promise((resolve) => {
      // 'close', not 'exit': the output is all written to the log before it is closed.
      child.once('close', (code, signal) => {
        stream.write(
          `==== chaos: ${this.name} exited code=${code} signal=${signal} at +${elapsed()} ms ====\n`,
        );
        stream.end();
        this.stopped = false;
        const exit = { code, signal };
        if (!this.expectingExit) this.onUnexpectedExit?.(exit);
        resolve(exit);
      });
    });
  }

  signal(signal: NodeJS.Signals): boolean {
    if (!this.running || this.child === undefined) return false;
    this.child.kill(signal);
    if (signal === 'SIGSTOP') this.stopped = true;
    if (signal === 'SIGCONT') this.stopped = false;
    return true;
  }

  /** SIGKILL, and wait for the exit. */
  async kill(): Promise<Exit> {
    this.expectingExit = true;
    this.signal('SIGKILL');
    return this.exitPromise;
  }

  /** SIGTERM (after a SIGCONT), then SIGKILL after `graceMs`; true when it stopped in time. */
  async terminate(graceMs: number): Promise<{ exit: Exit; graceful: boolean }> {
    this.expectingExit = true;
    if (!this.running) return { exit: await this.exitPromise, graceful: true };
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const timer = sleep(graceMs).then(() => 'timeout' as const);
    const first = await Promise.race([this.exitPromise, timer]);
    if (first !== 'timeout') return { exit: first, graceful: true };
    this.signal('SIGKILL');
    return { exit: await this.exitPromise, graceful: false };
  }
}

/** Reads VmRSS (kB) of a process from /proc; undefined when it is gone. */
export function rssKb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A Redis server with an append-only file (fsync every second) in its own directory. */
export class RedisServer {
  readonly process: Managed;

  constructor(
    readonly dir: string,
    readonly port: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.process = new Managed('redis', path.join(dir, 'redis-stdout.log'));
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** The workers' address: the one the network faults cut (netns.ts). */
  get workerUrl(): string {
    return `redis://${WORKER_HOST}:${this.port}`;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      WORKER_HOST,
      '--dir',
      this.dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--logfile',
      path.join(this.dir, 'redis.log'),
    ];
    this.process.spawn('redis-server', args, cleanEnv());
    const ok = await waitUntil(async () => (await this.command('PING')) === 'PONG', timeoutMs, 100);
    if (!ok)
      throw new Error(`redis did not answer PING on ${this.port} (see ${this.dir}/redis.log)`);
  }

  /** One command on a short-lived connection (it would be killed by CLIENT KILL otherwise). */
  async command(name: string, ...args: (string | number)[]): Promise<unknown> {
    const redis = new Redis({
      host: '127.0.0.1',
      port: this.port,
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      commandTimeout: 2000,
      connectTimeout: 2000,
    });
    redis.on('error', () => undefined);
    try {
      await redis.connect();
      return await redis.call(name, ...args);
    } finally {
      redis.disconnect();
    }
  }
}

/** One of the run's worker slots: `streamfold run <topology>`, restarted by the faults. */
export class WorkerSlot {
  readonly process: Managed;
  /** Every process this slot ran, for the RSS series and the exit list. */
  readonly instances: { pid: number; startedAt: number; exit?: Exit & { at: number } }[] = [];

  constructor(
    readonly index: number,
    private readonly cli: string,
    private readonly topologyFile: string,
    private readonly env: NodeJS.ProcessEnv,
    logFile: string,
  ) {
    this.process = new Managed(`worker-${index}`, logFile);
  }

  start(): void {
    this.process.spawn(process.execPath, [this.cli, 'run', this.topologyFile], this.env);
    const pid = this.process.pid;
    if (pid === undefined) throw new Error(`worker-${this.index} did not start`);
    const instance: (typeof this.instances)[number] = { pid, startedAt: Date.now() };
    this.instances.push(instance);
    void this.process.exited.then((exit) => {
      instance.exit = { ...exit, at: Date.now() };
    });
    log(`worker-${this.index} started`, { pid });
  }
}
