/** Small helpers of the chaos harness: time, ports, logging, child-process environments. */
import { createServer, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/** Ports the machine's shared stack and CI use: the harness never binds or targets them. */
const RESERVED = new Set([6379, 9090, 9092, 9093, 9464]);

/** Milliseconds since the harness started: every time in the report is relative to it. */
const origin = Date.now();
export const elapsed = (at = Date.now()): number => at - origin;
export const originMs = origin;

export function log(message: string, fields?: Record<string, unknown>): void {
  const t = (elapsed() / 1000).toFixed(1).padStart(7);
  const extra = fields ? ` ${JSON.stringify(fields)}` : '';
  process.stderr.write(`[chaos ${t}s] ${message}${extra}\n`);
}

/** A loopback port free right now and not one of the reserved ones. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    if (port > 0 && !RESERVED.has(port)) return port;
  }
}

export function portOpen(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1');
  });
}

/** Polls `check` until it returns true; false when `timeoutMs` passes first. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return true;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * The harness's own environment without any connection setting of the caller's (a CI job's
 * KAFKA_BROKERS, REDIS_URL …): children get exactly the stack the harness started.
 */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(KAFKA_|REDIS_)/.test(name)) continue;
    if (['STATE_PREFIX', 'HTTP_ADDR', 'LOG_LEVEL'].includes(name)) continue;
    env[name] = value;
  }
  return env;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number | null {
  if (points.length < 2) return null;
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  }
  return den === 0 ? null : num / den;
}
