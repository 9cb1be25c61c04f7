/**
 * The steady load: `streamfold simulate` at a fixed rate, in segments of a few tens of seconds
 * with seeds derived from the run's seed (distinct order ids per segment). A segment that fails
 * (the broker was down when it connected) is followed by the next one, so the load resumes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { plan } from '../src/sim/index.js';
import { log, sleep } from './util.js';

export const SIM_FLAGS = {
  duplicates: 0.01,
  malformed: 0.01,
  invalidTransitions: 0.01,
} as const;

export interface Segment {
  seed: number;
  orders: number;
  startedAtMs: number;
  endedAtMs?: number;
  code?: number | null;
  signal?: string | null;
  /** Records the simulator reported delivered (absent when it was stopped or failed). */
  records?: number;
  stderrTail?: string;
}

export class Load {
  readonly segments: Segment[] = [];
  private current: ChildProcess | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly cli: string,
    private readonly topologyFile: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly seed: number,
    private readonly rate: number,
    private readonly relative: (at?: number) => number,
    private readonly segmentSeconds = 30,
  ) {}

  /** Orders that make about `seconds` of records at the rate (from the simulator's own plan). */
  private ordersFor(seconds: number, seed: number): number {
    const sample = plan({ orders: 2000, seed, ...SIM_FLAGS });
    const perOrder = sample.records / sample.orders;
    return Math.max(1, Math.round((this.rate * seconds) / perOrder));
  }

  start(until: number): void {
    this.loop = this.run(until);
  }

  private async run(until: number): Promise<void> {
    let i = 0;
    while (!this.stopping && Date.now() < until) {
      const seconds = Math.min(this.segmentSeconds, Math.max(1, (until - Date.now()) / 1000));
      const seed = this.seed * 1000 + i;
      i += 1;
      const orders = this.ordersFor(seconds, seed);
      const segment: Segment = { seed, orders, startedAtMs: this.relative() };
      this.segments.push(segment);
      const args = [
        this.cli,
        'simulate',
        this.topologyFile,
        '--orders',
        String(orders),
        '--seed',
        String(seed),
        '--rate',
        String(this.rate),
        '--duplicates',
        String(SIM_FLAGS.duplicates),
        '--malformed',
        String(SIM_FLAGS.malformed),
        '--invalid-transitions',
        String(SIM_FLAGS.invalidTransitions),
        '--json',
      ];
      const child = spawn(process.execPath, args, {
        env: this.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      this.current = child;
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
      const exit = await new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      this.current = undefined;
      segment.endedAtMs = this.relative();
      segment.code = exit.code;
      segment.signal = exit.signal;
      try {
        const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { records?: number };
        if (typeof summary.records === 'number') segment.records = summary.records;
      } catch {
        // stopped or failed: no summary
      }
      if (exit.code !== 0 && !this.stopping) {
        segment.stderrTail = stderr.trim().slice(-500);
        log('simulate segment failed; starting the next one', { seed, code: exit.code });
        await sleep(1000);
      }
    }
  }

  /** Ends the load now: the running segment is stopped (what it sent stays sent). */
  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.current;
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await this.loop;
  }
}
