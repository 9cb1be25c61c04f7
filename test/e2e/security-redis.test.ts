import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RedisConnection } from '../../src/state/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectionConfig } from '../../src/config/index.js';
import { connectRedis, createRedis, StateReader } from '../../src/state/index.js';
import { runCli } from '../helpers/cli.js';
import { eventually } from '../helpers/env.js';
import {
  makeTestCertificates,
  OwnRedisServer,
  type TestCertificates,
} from '../helpers/redis-server.js';
import { Scenario } from '../helpers/scenario.js';
import { workerHttpUrl } from '../helpers/worker-http-url.js';
import type { WorkerProcess } from '../helpers/worker-process.js';

/**
 * Every command the worker, `reconcile`, the queries and `unpark` send, in scripts included
 * (docs/operations.md, "Redis ACL" holds the same list). INFO and CLIENT SETNAME are the
 * client's connection handshake.
 */
const workerCommands = [
  '+ping',
  '+info',
  '+client|setname',
  '+get',
  '+set',
  '+incr',
  '+hget',
  '+hmget',
  '+hgetall',
  '+hset',
  '+hincrby',
  '+hdel',
  '+hkeys',
  '+hexists',
  '+hscan',
  '+sadd',
  '+smembers',
  '+xadd',
  '+xrange',
  '+xdel',
  '+xlen',
  '+evalsha',
  '+eval',
];

const USER = 'streamfold';
const PASSWORD = 'Pw-7c1f0e9d-only-in-this-test';
const ADMIN_PASSWORD = 'Admin-3b8e-only-in-this-test';
/** How long a misconfigured worker may take to say so and exit: well short of a hang. */
const FAIL_FAST_MS = 60_000;

async function setUser(
  server: OwnRedisServer,
  user: string,
  keyPattern: string,
  commands: readonly string[],
): Promise<void> {
  await server.command(
    'ACL',
    'SETUSER',
    user,
    'reset',
    'on',
    `>${PASSWORD}`,
    keyPattern,
    'resetchannels',
    '-@all',
    ...commands,
  );
}

/**
 * A worker that must fail: it exits non-zero within bounded time and its log says why.
 * Returns the first log line matching `saying`.
 */
async function expectFailsFast(
  worker: WorkerProcess,
  logFile: string,
  saying: RegExp,
): Promise<string> {
  const t0 = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'hang'>((resolve) => {
    timer = setTimeout(() => resolve('hang'), FAIL_FAST_MS);
  });
  const result = await Promise.race([worker.exited, timeout]);
  clearTimeout(timer);
  if (result === 'hang') {
    await worker.kill();
    throw new Error(`the worker still ran after ${FAIL_FAST_MS} ms: ${readLog(logFile)}`);
  }
  expect(result.code, readLog(logFile)).not.toBe(0);
  expect(result.code).not.toBeNull();
  console.log(`worker failed as expected in ${Date.now() - t0} ms`);
  return eventually(`a log line matching ${String(saying)}`, () =>
    readLog(logFile)
      .split('\n')
      .find((line) => saying.test(line)),
  );
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('Redis over TLS with an ACL user', () => {
  let certs: TestCertificates;
  let server: OwnRedisServer;
  let scenario: Scenario;
  let env: NodeJS.ProcessEnv;
  let redis: RedisConnection | undefined;
  const workers: WorkerProcess[] = [];
  const outputs: string[] = [];

  /** A worker and its log file (Scenario names them worker-<n>.log in start order). */
  const start = (extra: NodeJS.ProcessEnv = {}): [WorkerProcess, string] => {
    const log = path.join(scenario.dir, `worker-${workers.length}.log`);
    const worker = scenario.startWorker(extra);
    workers.push(worker);
    return [worker, log];
  };

  beforeAll(async () => {
    certs = makeTestCertificates();
    server = await OwnRedisServer.start({ tls: certs, adminPassword: ADMIN_PASSWORD });
    scenario = new Scenario(3, {
      REDIS_URL: server.urlFor(USER, PASSWORD),
      REDIS_TLS_CA_FILE: certs.caFile,
    });
    env = scenario.env;
    await scenario.createTopics();
  });

  afterAll(async () => {
    for (const w of workers) await w.kill();
    redis?.disconnect();
    // Not scenario.cleanup(): its key sweep (SCAN, DEL) is beyond the ACL user, and the whole
    // Redis goes away with the server.
    const admin = await scenario.kafkaAdmin();
    await admin.deleteTopics({ topics: Object.values(scenario.topics) }).catch(() => undefined);
    await admin.deleteGroups([scenario.group]).catch(() => undefined);
    await admin.disconnect();
    await server.stop();
    rmSync(certs.dir, { recursive: true, force: true });
  });

  /** A reader connected exactly as the worker is (rediss://, the ACL user, the CA file). */
  async function reader(): Promise<StateReader> {
    redis ??= await connectRedis(createRedis(loadConnectionConfig({}, { ...process.env, ...env })));
    return StateReader.live(redis, scenario.prefix, scenario.topology);
  }

  it('processes, reconciles and answers queries as the limited user over TLS', async () => {
    await setUser(server, USER, `~${scenario.prefix}:*`, workerCommands);
    await scenario.simulate(['--orders', '300', '--seed', '11']);
    const [worker] = start();
    const highs = await scenario.highWatermarks();
    const partitions = [...highs.keys()];
    const state = await reader();
    await eventually(
      'the worker to apply every input record',
      async () => {
        const applied = await state.applied(partitions);
        return partitions.every((p) => (applied.get(p) ?? -1) === (highs.get(p) ?? 0) - 1)
          ? true
          : undefined;
      },
      120_000,
      200,
    );

    const reconcile = await runCli(['reconcile', scenario.file, '--json'], env);
    outputs.push(reconcile.stdout, reconcile.stderr);
    expect(reconcile.code, reconcile.stderr).toBe(0);
    expect(JSON.parse(reconcile.stdout)).toMatchObject({ ok: true });

    const url = await workerHttpUrl(scenario.dir, worker.pid!);
    const revenue = await fetch(new URL('/revenue', url));
    expect(revenue.status).toBe(200);
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(200);
    const query = await runCli(['query', 'revenue', scenario.file, '--json'], env);
    outputs.push(query.stdout, query.stderr);
    expect(query.code, query.stderr).toBe(0);

    // Nothing was refused along the way.
    expect(await server.command('ACL', 'LOG')).toEqual([]);
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });

  it('a wrong password: an authentication error and a non-zero exit, no hang', async () => {
    const [worker, log] = start({ REDIS_URL: server.urlFor(USER, 'not-the-password') });
    const line = await expectFailsFast(worker, log, /authentication failed/);
    expect(line).toMatch(/WRONGPASS/);
  });

  it('a CA that did not sign the server: a TLS error and a non-zero exit, no hang', async () => {
    const [worker, log] = start({ REDIS_TLS_CA_FILE: certs.otherCaFile });
    const line = await expectFailsFast(worker, log, /TLS handshake failed/);
    expect(line).toMatch(/certificate/);
  });

  it('an unreadable CA file: a configuration error naming the setting', async () => {
    const result = await runCli(['run', scenario.file], {
      ...env,
      REDIS_TLS_CA_FILE: path.join(certs.dir, 'missing.crt'),
    });
    outputs.push(result.stdout, result.stderr);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/redisTlsCa \(--redis-tls-ca \/ REDIS_TLS_CA_FILE\).*ENOENT/);
  });

  it('a user without EVALSHA/EVAL: a NOPERM error naming the command, not-ready, exit', async () => {
    const limited = 'streamfold-noscripts';
    await setUser(
      server,
      limited,
      `~${scenario.prefix}:*`,
      workerCommands.filter((c) => c !== '+evalsha' && c !== '+eval'),
    );
    await scenario.simulate(['--orders', '20', '--seed', '12']);
    const [worker, log] = start({ REDIS_URL: server.urlFor(limited, PASSWORD) });
    const line = await expectFailsFast(worker, log, /NOPERM/);
    // The first script call is EVAL or EVALSHA, whichever the client sends first.
    expect(line).toMatch(/the .eval(sha)?. command/i);
    expect(line).toMatch(/SF_REDIS_PERMISSION/);
  });

  it('a user without HSET (used inside the commit script): a clear refusal, exit', async () => {
    const limited = 'streamfold-nohset';
    await setUser(
      server,
      limited,
      `~${scenario.prefix}:*`,
      workerCommands.filter((c) => c !== '+hset'),
    );
    await scenario.simulate(['--orders', '20', '--seed', '13']);
    const [worker, log] = start({ REDIS_URL: server.urlFor(limited, PASSWORD) });
    const line = await expectFailsFast(worker, log, /SF_REDIS_PERMISSION/);
    expect(line).toMatch(/can't run this command/);
  });

  it('a user whose key pattern excludes the prefix: a NOPERM error, exit', async () => {
    const elsewhere = 'streamfold-elsewhere';
    await setUser(server, elsewhere, '~other:*', workerCommands);
    const [worker, log] = start({ REDIS_URL: server.urlFor(elsewhere, PASSWORD) });
    const line = await expectFailsFast(worker, log, /NOPERM|No permissions to access a key/i);
    expect(line).toMatch(/key/i);
  });

  it('never writes the Redis password to a log', () => {
    const logs = readdirSync(scenario.dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => readFileSync(path.join(scenario.dir, f), 'utf8'));
    expect(logs.length).toBeGreaterThanOrEqual(5);
    for (const text of [...logs, ...outputs]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(ADMIN_PASSWORD);
      expect(text).not.toContain('not-the-password');
    }
  });
});
