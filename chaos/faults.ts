/**
 * The seeded fault injector: every 5–20 s one fault, drawn with every parameter (target, delay,
 * pause length) from a random stream of the run's seed, so a seed gives the same schedule. Faults
 * run one at a time: each ends healed (the component restarted or resumed) before the next wait.
 */
import { createRandom, type Random } from '../src/sim/index.js';
import type { Broker, RedisServer, WorkerSlot } from './processes.js';
import { elapsed, log, sleep } from './util.js';

export const FaultKinds = [
  'worker-sigkill',
  'worker-sigterm',
  'worker-sigstop',
  'broker-sigkill',
  'broker-sigstop',
  'redis-sigkill',
  'redis-client-kill',
] as const;
export type FaultKind = (typeof FaultKinds)[number];

/** The worker's group session (KAFKA_SESSION_TIMEOUT_MS): a pause must outlast it. */
export const SESSION_TIMEOUT_MS = 6000;

export interface FaultPlan {
  kind: FaultKind;
  /** Worker slot, for worker faults. */
  worker?: number;
  /** Pause before a restart (kill faults) or length of a SIGSTOP, ms. */
  ms: number;
}

export interface FaultRecord extends FaultPlan {
  /** When the fault was injected, ms since the harness started. */
  atMs: number;
  /** When the component was back (restarted, resumed), ms since the harness started. */
  healedAtMs?: number;
  pid?: number;
  notes: string[];
}

export function planFault(random: Random): FaultPlan {
  const kind = FaultKinds[random.int(0, FaultKinds.length - 1)]!;
  switch (kind) {
    case 'worker-sigkill':
      return { kind, worker: random.int(0, 1), ms: random.int(0, 5000) };
    case 'worker-sigterm':
      return { kind, worker: random.int(0, 1), ms: 0 };
    case 'worker-sigstop':
      return { kind, worker: random.int(0, 1), ms: SESSION_TIMEOUT_MS + random.int(2000, 6000) };
    case 'broker-sigkill':
      return { kind, ms: random.int(0, 3000) };
    case 'broker-sigstop':
      return { kind, ms: random.int(2000, 6000) };
    case 'redis-sigkill':
      return { kind, ms: random.int(0, 3000) };
    case 'redis-client-kill':
      return { kind, ms: 0 };
  }
}

export class FaultInjector {
  readonly faults: FaultRecord[] = [];
  private readonly random: Random;
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    seed: number,
    private readonly broker: Broker,
    private readonly redis: RedisServer,
    private readonly workers: readonly WorkerSlot[],
  ) {
    // Stream 7: independent of the simulator's streams for the same seed.
    this.random = createRandom(seed, 7);
  }

  start(until: number): void {
    this.loop = this.run(until);
  }

  /** No new fault after this; resolves when the one in progress has healed. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
  }

  private async run(until: number): Promise<void> {
    for (;;) {
      const wait = this.random.int(5000, 20000);
      const fault = planFault(this.random);
      if (Date.now() + wait >= until) return;
      // Sleep in small steps so stop() is not held up by a long wait.
      const due = Date.now() + wait;
      while (Date.now() < due) {
        if (this.stopping) return;
        await sleep(Math.min(250, due - Date.now()));
      }
      if (this.stopping) return;
      const record: FaultRecord = { ...fault, atMs: elapsed(), notes: [] };
      this.faults.push(record);
      log(`fault ${fault.kind}`, { worker: fault.worker, ms: fault.ms });
      try {
        await this.inject(record);
      } catch (error) {
        record.notes.push(
          `injection failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      record.healedAtMs ??= elapsed();
      log(`healed ${fault.kind}`, { afterMs: record.healedAtMs - record.atMs });
    }
  }

  private async inject(f: FaultRecord): Promise<void> {
    const w = f.worker === undefined ? undefined : this.workers[f.worker];
    switch (f.kind) {
      case 'worker-sigkill': {
        if (!w) return;
        f.pid = w.process.pid;
        if (!w.process.running) f.notes.push('worker was not running');
        await w.process.kill();
        await sleep(f.ms);
        w.start();
        f.healedAtMs = elapsed();
        return;
      }
      case 'worker-sigterm': {
        if (!w) return;
        f.pid = w.process.pid;
        const began = Date.now();
        const { exit, graceful } = await w.process.terminate(60_000);
        f.notes.push(
          `stopped in ${Date.now() - began} ms (code ${exit.code}, signal ${exit.signal})` +
            (graceful ? '' : '; did not stop within 60 s of SIGTERM, killed'),
        );
        w.start();
        f.healedAtMs = elapsed();
        return;
      }
      case 'worker-sigstop': {
        if (!w) return;
        f.pid = w.process.pid;
        w.process.signal('SIGSTOP');
        await sleep(f.ms);
        if (!w.process.signal('SIGCONT')) f.notes.push('worker gone before SIGCONT');
        f.healedAtMs = elapsed();
        return;
      }
      case 'broker-sigkill': {
        f.pid = this.broker.process.pid;
        await this.broker.process.kill();
        await sleep(f.ms);
        const began = Date.now();
        await this.broker.start();
        f.notes.push(`broker listening ${Date.now() - began} ms after restart`);
        f.healedAtMs = elapsed();
        return;
      }
      case 'broker-sigstop': {
        f.pid = this.broker.process.pid;
        this.broker.process.signal('SIGSTOP');
        await sleep(f.ms);
        this.broker.process.signal('SIGCONT');
        f.healedAtMs = elapsed();
        return;
      }
      case 'redis-sigkill': {
        f.pid = this.redis.process.pid;
        await this.redis.process.kill();
        await sleep(f.ms);
        await this.redis.start();
        f.healedAtMs = elapsed();
        return;
      }
      case 'redis-client-kill': {
        const killed = await this.redis.command('CLIENT', 'KILL', 'TYPE', 'normal');
        f.notes.push(`CLIENT KILL TYPE normal closed ${String(killed)} connections`);
        f.healedAtMs = elapsed();
        return;
      }
    }
  }
}
