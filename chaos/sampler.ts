/**
 * The continuous observer, seen from the harness: it runs `observer.js` as a child process
 * (restarted when it dies: the Kafka client can abort the process during broker restarts) and
 * folds its lines into the judgement "no committed Kafka offset above Redis's applied offset + 1".
 * Committed offsets are read before applied ones and an applied offset only grows, so a violation
 * is real, not a race of the two reads. Worker RSS is read here, from /proc, every second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ObserverConfig, ObserverLine } from './observer.js';
import { rssKb, type WorkerSlot } from './processes.js';
import { elapsed, log, sleep } from './util.js';

export { withTimeout } from './observer.js';

export interface Violation {
  atMs: number;
  partition: number;
  committed: number;
  applied: number;
}

export interface LagPoint {
  atMs: number;
  /** Σ over partitions of (high watermark − 1 − applied). */
  totalLag: number;
}

export interface RssSeries {
  slot: number;
  pid: number;
  /** [ms since harness start, kB] */
  samples: [number, number][];
}

const observerJs = fileURLToPath(new URL('./observer.js', import.meta.url));

export class Sampler {
  samples = 0;
  failed = 0;
  /** Why samples failed (broker or Redis down: expected during faults). */
  readonly failures = new Map<string, number>();
  readonly violations: Violation[] = [];
  /** Largest committed − (applied + 1) seen, over all partitions and samples. */
  maxExcess = Number.NEGATIVE_INFINITY;
  readonly lag: LagPoint[] = [];
  readonly rss = new Map<number, RssSeries>();
  /** Observer processes that died (a native abort of the Kafka client, say). */
  readonly observerExits: {
    atMs: number;
    code: number | null;
    signal: string | null;
    stderr: string;
  }[] = [];
  private running = false;
  private child: ChildProcess | undefined;
  private rssTimer: NodeJS.Timeout | undefined;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: ObserverConfig,
    private readonly workers: readonly WorkerSlot[],
  ) {}

  start(): void {
    this.running = true;
    this.spawn();
    this.rssTimer = setInterval(() => this.sampleRss(), 1000);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.rssTimer);
    this.child?.kill('SIGTERM');
    const killer = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killer);
  }

  private spawn(): void {
    const child = spawn(process.execPath, [observerJs], {
      env: { ...process.env, CHAOS_OBSERVER: JSON.stringify(this.config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-1000)));
    createInterface({ input: child.stdout }).on('line', (line) => this.take(line));
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (this.running) {
          this.observerExits.push({ atMs: elapsed(), code, signal, stderr: stderr.trim() });
          log('observer died; restarting it', { code, signal, stderr: stderr.trim().slice(-200) });
          void sleep(500).then(() => {
            if (this.running) this.spawn();
          });
        }
        resolve();
      });
    });
  }

  private take(text: string): void {
    let line: ObserverLine;
    try {
      line = JSON.parse(text) as ObserverLine;
    } catch {
      return;
    }
    const atMs = elapsed(line.t);
    if (line.f !== undefined) {
      this.failed += 1;
      this.failures.set(line.f, (this.failures.get(line.f) ?? 0) + 1);
      return;
    }
    this.samples += 1;
    if (line.x !== undefined && line.x > this.maxExcess) this.maxExcess = line.x;
    for (const [partition, committed, applied] of line.v ?? []) {
      this.violations.push({ atMs, partition, committed, applied });
    }
    if (line.lag !== undefined) this.lag.push({ atMs, totalLag: line.lag });
  }

  private sampleRss(): void {
    const at = elapsed();
    for (const w of this.workers) {
      const pid = w.process.pid;
      if (pid === undefined) continue;
      const kb = rssKb(pid);
      if (kb === undefined) continue;
      let series = this.rss.get(pid);
      if (!series) {
        series = { slot: w.index, pid, samples: [] };
        this.rss.set(pid, series);
      }
      series.samples.push([at, kb]);
    }
  }
}
