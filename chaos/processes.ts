/**
 * The processes a chaos run owns: its Kafka broker, its Redis server and its workers. Each is
 * restartable with the same configuration (port, data directory) and keeps its output in a
 * log file of the run directory.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  createWriteStream,
  mkdirSync,
  readFileSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { cleanEnv, elapsed, log, portOpen, sleep, waitUntil } from './util.js';

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

const CLUSTER_ID = 'c3RyZWFtZm9sZC1jaGFvcw';

/** A single-node KRaft broker from the project's Kafka jars (as scripts/stack.sh runs it). */
export class Broker {
  readonly process: Managed;
  private readonly props: string;
  private readonly javaBase: string[];

  constructor(
    root: string,
    readonly dataDir: string,
    readonly port: number,
    readonly controllerPort: number,
    heap = '512m',
  ) {
    const pom = readFileSync(path.join(root, 'stack/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>(.*)<\/kafka\.version>/.exec(pom)?.[1];
    if (!version) throw new Error('no <kafka.version> in stack/kafka/pom.xml');
    const libs = path.join(root, '.tools/kafka', version, 'libs');
    try {
      readFileSync(path.join(libs, '.complete'));
    } catch {
      throw new Error(`Kafka ${version} jars are missing in ${libs}: run make setup`);
    }
    mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
    this.props = path.join(dataDir, 'server.properties');
    const template = readFileSync(path.join(root, 'stack/kafka/server.properties.in'), 'utf8');
    writeFileSync(
      this.props,
      template
        .replaceAll('@PORT@', String(port))
        .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
        .replaceAll('@DATA_DIR@', dataDir),
    );
    this.javaBase = [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${path.join(dataDir, 'tmp')}`,
      `-Dkafka.logs.dir=${dataDir}`,
      `-Dlog4j2.configurationFile=${path.join(root, 'stack/kafka/log4j2.properties')}`,
      '-cp',
      `${libs}/*`,
    ];
    this.process = new Managed('kafka', path.join(dataDir, 'stdout.log'));
  }

  format(): void {
    const args = [
      ...this.javaBase.map((a) => (a.startsWith('-Xm') ? a.replace(/\d+m$/, '256m') : a)),
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '-t',
      CLUSTER_ID,
      '-c',
      this.props,
    ];
    const result = spawnSync('java', args, { encoding: 'utf8', env: cleanEnv() });
    if (result.status !== 0) {
      throw new Error(`kafka storage format failed: ${result.stderr}${result.stdout}`);
    }
  }

  /** Starts the broker and waits for its listener; throws when it does not open in time. */
  async start(timeoutMs = 120_000): Promise<void> {
    const args = [
      ...this.javaBase,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      'kafka.Kafka',
      this.props,
    ];
    // Its own session: a Ctrl-C in the terminal must not reach it; the harness stops it.
    this.process.spawn('java', args, cleanEnv(), true);
    const ok = await waitUntil(
      async () => !this.process.running || (await portOpen(this.port)),
      timeoutMs,
      200,
    );
    if (!ok || !this.process.running) {
      throw new Error(`kafka did not open 127.0.0.1:${this.port} (see ${this.dataDir}/server.log)`);
    }
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
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

  async start(timeoutMs = 60_000): Promise<void> {
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
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
