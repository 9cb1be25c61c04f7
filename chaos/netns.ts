/**
 * Network faults: a chaos run runs inside a network namespace of its own (`ip netns`), where nft
 * rules can cut the workers off from Kafka or Redis without touching the machine's firewall.
 * The workers reach the broker and Redis at 127.0.0.2 (a broker listener and a Redis bind of
 * their own); the harness, its observer and the load use 127.0.0.1 and are never cut, so the
 * judgements keep their view while the workers lose theirs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { log } from './util.js';

/** Set in the re-executed harness: the namespace it runs in. */
export const NETNS_ENV = 'STREAMFOLD_CHAOS_NETNS';

/** The address the workers use for the broker and Redis; the only one the drop rules match. */
export const WORKER_HOST = '127.0.0.2';

const TABLE = 'streamfold_chaos';

export type NetTarget = 'kafka' | 'redis';

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stderr ?? ''}${r.stdout ?? ''}`.trim() };
}

/** Why network faults cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (process.getuid?.() !== 0) return 'needs root (ip netns, nft)';
  for (const tool of ['ip', 'nft']) {
    if (!run('sh', ['-c', `command -v ${tool}`]).ok) return `${tool} is not installed`;
  }
  return undefined;
}

/**
 * Runs this harness again inside a fresh network namespace (loopback up) and returns its exit
 * code; the namespace is deleted afterwards. Signals reach the inner harness, which cleans up.
 */
export async function runInNetns(argv: readonly string[]): Promise<number> {
  const name = `streamfold-chaos-${randomBytes(3).toString('hex')}`;
  const add = run('ip', ['netns', 'add', name]);
  if (!add.ok) throw new Error(`ip netns add ${name}: ${add.output}`);
  try {
    const up = run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
    if (!up.ok) throw new Error(`loopback of ${name}: ${up.output}`);
    log(`network namespace ${name}: the run, its broker and its Redis run inside it`);
    const child = spawn('ip', ['netns', 'exec', name, process.execPath, ...argv], {
      stdio: 'inherit',
      env: { ...process.env, [NETNS_ENV]: name },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const code = await new Promise<number>((resolve) => {
      child.once('close', (c, signal) => resolve(c ?? (signal ? 130 : 2)));
    });
    process.off('SIGINT', forward);
    process.off('SIGTERM', forward);
    return code;
  } finally {
    run('ip', ['netns', 'del', name]);
  }
}

/**
 * The drop rules, in a table of the namespace's own: one chain per target, jumped to from the
 * output hook; a fault adds the rules to its chain and the heal flushes it.
 */
export class NetFilter {
  constructor(private readonly ports: Record<NetTarget, number>) {}

  setup(): void {
    this.nft(`add table inet ${TABLE}`);
    for (const target of ['kafka', 'redis'] as const) this.nft(`add chain inet ${TABLE} ${target}`);
    this.nft(`add chain inet ${TABLE} out { type filter hook output priority 0 ; }`);
    for (const target of ['kafka', 'redis'] as const) {
      this.nft(`add rule inet ${TABLE} out jump ${target}`);
    }
  }

  /** Both directions of every worker connection to the target are dropped (no RST, no FIN). */
  drop(target: NetTarget): void {
    const port = this.ports[target];
    this.nft(`add rule inet ${TABLE} ${target} ip daddr ${WORKER_HOST} tcp dport ${port} drop`);
    this.nft(`add rule inet ${TABLE} ${target} ip saddr ${WORKER_HOST} tcp sport ${port} drop`);
  }

  heal(target: NetTarget): void {
    this.nft(`flush chain inet ${TABLE} ${target}`);
  }

  private nft(command: string): void {
    const r = run('nft', command.split(' '));
    if (!r.ok) throw new Error(`nft ${command}: ${r.output}`);
  }
}
