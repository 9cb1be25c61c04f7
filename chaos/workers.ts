/** The run's two worker slots: started, restarted when one exits on its own, and healed. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WorkerSlot, type Exit } from './processes.js';
import type { ChaosStack } from './stack.js';
import { elapsed, log } from './util.js';

export interface UnexpectedExit {
  what: string;
  pid?: number;
  atMs: number;
  exit: Exit;
  logTail?: string;
}

/** Every component running and resumed at the end of the load period; what had to be done. */
export async function healAll(
  stack: ChaosStack,
  workers: readonly WorkerSlot[],
): Promise<string[]> {
  const notes: string[] = [];
  const { broker, redis } = stack;
  if (!broker.process.running) {
    notes.push('kafka was down: restarted');
    await broker.start();
  } else if (broker.process.stopped) {
    notes.push('kafka was stopped: SIGCONT');
    broker.process.signal('SIGCONT');
  }
  if (!redis.process.running) {
    notes.push('redis was down: restarted');
    await redis.start();
  }
  for (const w of workers) {
    if (w.process.stopped) {
      notes.push(`worker-${w.index} was stopped: SIGCONT`);
      w.process.signal('SIGCONT');
    }
    if (!w.process.running) {
      notes.push(`worker-${w.index} was down: restarted`);
      w.start();
    }
  }
  return notes;
}

export function startWorkers(
  cli: string,
  stack: ChaosStack,
  env: NodeJS.ProcessEnv,
  runDir: string,
  unexpected: UnexpectedExit[],
  isShuttingDown: () => boolean,
): WorkerSlot[] {
  return [0, 1].map((i) => {
    const file = path.join(runDir, `worker-${i}.log`);
    const slot = new WorkerSlot(i, cli, stack.topologyFile, env, file);
    slot.process.onUnexpectedExit = (exit) => {
      if (isShuttingDown()) return;
      const pid = slot.instances.at(-1)?.pid;
      const logTail = existsSync(file)
        ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n')
        : undefined;
      unexpected.push({
        what: `worker-${i}`,
        ...(pid ? { pid } : {}),
        atMs: elapsed(),
        exit,
        ...(logTail ? { logTail } : {}),
      });
      log(`worker-${i} exited on its own; restarting it in 1 s`, { ...exit });
      setTimeout(() => {
        if (!isShuttingDown() && !slot.process.running) slot.start();
      }, 1000);
    };
    slot.start();
    return slot;
  });
}
