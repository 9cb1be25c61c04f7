/**
 * The seeded fault injector: one fault per interval (5–10 s by default), drawn with every
 * parameter (target, delay, pause length) from a random stream of the run's seed, so a seed gives
 * the same sequence of draws. Faults of different parts overlap; each part has at most one fault
 * at a time, which ends healed (restarted, resumed, reconnected).
 */
import { createRandom, type Random } from '../src/sim/index.js';
import type { Broker } from './broker.js';
import type { NetFilter } from './netns.js';
import type { RedisServer, WorkerSlot } from './processes.js';
import { elapsed, log, sleep } from './util.js';

export const FaultKinds = [
  'worker-sigkill',
  'worker-sigterm',
  'worker-sigstop',
  'broker-sigkill',
  'broker-sigterm',
  'broker-sigstop',
  'redis-sigkill',
  'redis-client-kill',
  'kafka-net-drop',
  'redis-net-drop',
] as const;
export type FaultKind = (typeof FaultKinds)[number];

/** The network faults: only where the run has a network namespace of its own (netns.ts). */
const NET_FAULTS: readonly FaultKind[] = ['kafka-net-drop', 'redis-net-drop'];

/** The worker's group session (KAFKA_SESSION_TIMEOUT_MS): a pause must outlast it. */
export const SESSION_TIMEOUT_MS = 6000;

export interface FaultPlan {
  kind: FaultKind;
  /** Worker slot, for worker faults. */
  worker?: number;
  /** Pause before a restart (kill faults), length of a SIGSTOP or of a drop, ms. */
  ms: number;
}

export interface FaultRecord extends FaultPlan {
  /** When the fault was injected, ms since the harness started. */
  atMs: number;
  /** When the component was back (restarted, resumed), ms since the harness started. */
  healedAtMs?: number;
  pid?: number;
  /** False when the injection itself failed (see notes): not counted as a fault. */
  injected: boolean;
  notes: string[];
}

/** The wait between two injections, ms: drawn uniformly from [min, max]. */
export interface Interval {
  minMs: number;
  maxMs: number;
}

export function planFault(random: Random, kinds: readonly FaultKind[]): FaultPlan {
  const kind = kinds[random.int(0, kinds.length - 1)]!;
  switch (kind) {
    case 'worker-sigkill':
      return { kind, worker: random.int(0, 1), ms: random.int(0, 5000) };
    case 'worker-sigterm':
      return { kind, worker: random.int(0, 1), ms: 0 };
    case 'worker-sigstop':
      return { kind, worker: random.int(0, 1), ms: SESSION_TIMEOUT_MS + random.int(2000, 6000) };
    case 'broker-sigkill':
      return { kind, ms: random.int(0, 3000) };
    case 'broker-sigterm':
      return { kind, ms: random.int(0, 3000) };
    case 'broker-sigstop':
      return { kind, ms: random.int(2000, 6000) };
    case 'redis-sigkill':
      return { kind, ms: random.int(0, 3000) };
    case 'redis-client-kill':
      return { kind, ms: 0 };
    case 'kafka-net-drop':
    case 'redis-net-drop':
      return { kind, ms: random.int(2000, 6000) };
  }
}

/** The part a fault acts on: two faults of one part never overlap. */
export function componentOf(f: FaultPlan): string {
  if (f.worker !== undefined) return `worker-${f.worker}`;
  if (f.kind.startsWith('broker-')) return 'broker';
  if (f.kind.startsWith('redis-') && !f.kind.endsWith('-net-drop')) return 'redis';
  return f.kind;
}

export class FaultInjector {
  readonly faults: FaultRecord[] = [];
  readonly kinds: readonly FaultKind[];
  private readonly random: Random;
  private readonly busy = new Set<string>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = false;
  private loop: Promise<void> | undefined;

  constructor(
    seed: number,
    private readonly interval: Interval,
    private readonly broker: Broker,
    private readonly redis: RedisServer,
    private readonly workers: readonly WorkerSlot[],
    private readonly net: NetFilter | undefined,
  ) {
    // Stream 7: independent of the simulator's streams for the same seed.
    this.random = createRandom(seed, 7);
    this.kinds = net ? FaultKinds : FaultKinds.filter((k) => !NET_FAULTS.includes(k));
  }

  /** Faults actually injected (a failed injection is kept in `faults` with its note). */
  get injected(): number {
    return this.faults.filter((f) => f.injected).length;
  }

  start(until: number): void {
    this.loop = this.run(until);
  }

  /** No new fault after this; resolves when every fault in progress has healed. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    await Promise.all([...this.inFlight]);
  }

  /**
   * One injection per wait, timed from the previous injection, not from its heal: faults of
   * different parts overlap (a broker restart goes on while a worker is killed). A fault drawn
   * for a part whose previous fault is still healing is drawn again.
   */
  private async run(until: number): Promise<void> {
    for (;;) {
      const wait = this.random.int(this.interval.minMs, this.interval.maxMs);
      if (Date.now() + wait >= until) return;
      const due = Date.now() + wait;
      // Sleep in small steps so stop() is not held up by a long wait.
      while (Date.now() < due) {
        if (this.stopping) return;
        await sleep(Math.min(250, due - Date.now()));
      }
      let fault = planFault(this.random, this.kinds);
      while (this.busy.has(componentOf(fault))) {
        if (this.stopping || Date.now() >= until) return;
        await sleep(100);
        fault = planFault(this.random, this.kinds);
      }
      if (this.stopping) return;
      const done = this.fire(fault);
      this.inFlight.add(done);
      void done.finally(() => this.inFlight.delete(done));
    }
  }

  private async fire(fault: FaultPlan): Promise<void> {
    const component = componentOf(fault);
    this.busy.add(component);
    const record: FaultRecord = { ...fault, atMs: elapsed(), injected: true, notes: [] };
    this.faults.push(record);
    log(`fault ${fault.kind}`, { worker: fault.worker, ms: fault.ms });
    try {
      await this.inject(record);
    } catch (error) {
      record.injected = false;
      record.notes.push(
        `injection failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    record.healedAtMs ??= elapsed();
    this.busy.delete(component);
    log(`healed ${fault.kind}`, { afterMs: record.healedAtMs - record.atMs });
  }

  /** After a broker kill or stop: wait the fault's pause, start it again, note how long. */
  private async restartBroker(f: FaultRecord): Promise<void> {
    await sleep(f.ms);
    const began = Date.now();
    await this.broker.start();
    f.notes.push(`broker listening ${Date.now() - began} ms after restart`);
    f.healedAtMs = elapsed();
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
        await this.restartBroker(f);
        return;
      }
      case 'broker-sigterm': {
        f.pid = this.broker.process.pid;
        const began = Date.now();
        const { graceful } = await this.broker.process.terminate(60_000);
        f.notes.push(
          `stopped in ${Date.now() - began} ms` +
            (graceful ? '' : '; did not stop within 60 s of SIGTERM, killed'),
        );
        await this.restartBroker(f);
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
      case 'kafka-net-drop':
      case 'redis-net-drop': {
        const target = f.kind === 'kafka-net-drop' ? 'kafka' : 'redis';
        if (!this.net) throw new Error('no network namespace: network faults are off');
        this.net.drop(target);
        try {
          await sleep(f.ms);
        } finally {
          this.net.heal(target);
        }
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
