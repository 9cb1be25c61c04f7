import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConnectionConfig } from '../../src/config/index.js';
import { connectKafka, createAdmin, type Admin } from '../../src/kafka/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { testLogger, uniqueName } from '../helpers/env.js';
import { Scenario } from '../helpers/scenario.js';
import { startSecureKafka, type SecureKafka } from '../helpers/secure-kafka.js';

/**
 * A Scenario whose processes get `env`, while its own admin client (high watermarks, cleanup)
 * talks to the secured broker with the right credentials.
 */
class SecureScenario extends Scenario {
  private secureAdmin: Admin | undefined;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly adminEnv: NodeJS.ProcessEnv,
  ) {
    super(3, env);
  }

  override async kafkaAdmin(): Promise<Admin> {
    if (!this.secureAdmin) {
      const conn = loadConnectionConfig({}, { ...process.env, ...this.adminEnv });
      this.secureAdmin = await connectKafka(
        createAdmin(conn, testLogger(), { clientId: uniqueName('secure-e2e-admin') }),
        conn,
        'admin',
      );
    }
    return this.secureAdmin;
  }
}

/** The line a failed command ends with (`streamfold: <message> [<code>]`). */
function failure(output: string): string {
  return (
    output
      .split('\n')
      .filter((line) => line.startsWith('streamfold: '))
      .at(-1) ?? output
  );
}

/** A failure must be reported well before this: a bad credential or CA never hangs. */
const FAIL_WITHIN_MS = 60_000;

describe('Kafka over SASL_SSL (SCRAM-SHA-512)', () => {
  let kafka: SecureKafka;
  const scenarios: Scenario[] = [];
  /** Everything the CLI runs of this file printed, for the secret check. */
  const outputs: { what: string; text: string }[] = [];

  beforeAll(async () => {
    kafka = await startSecureKafka();
  }, 180_000);

  afterAll(async () => {
    for (const s of scenarios) await s.cleanup().catch(() => undefined);
    await kafka?.stop();
  }, 120_000);

  function scenario(env: NodeJS.ProcessEnv = {}): Scenario {
    const s = new SecureScenario({ ...kafka.env(env), LOG_LEVEL: 'debug' }, kafka.env());
    scenarios.push(s);
    return s;
  }

  async function cli(what: string, s: Scenario, args: string[]): Promise<CliResult> {
    const started = Date.now();
    const result = await runCli(args, s.env);
    outputs.push({ what, text: `${result.stdout}\n${result.stderr}` });
    return { ...result, stderr: `${result.stderr}(${Date.now() - started} ms)` };
  }

  /** The worker exits by itself (non-zero) within the bound, and its log says why. */
  async function workerFails(s: Scenario): Promise<string> {
    const worker = s.startWorker();
    const started = Date.now();
    const outcome = await Promise.race([
      worker.exited,
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), FAIL_WITHIN_MS)),
    ]);
    if (outcome === 'hung') await worker.kill();
    expect(outcome).not.toBe('hung');
    expect(outcome).toMatchObject({ code: 1 });
    expect(Date.now() - started).toBeLessThan(FAIL_WITHIN_MS);
    return readFileSync(path.join(s.dir, 'worker-0.log'), 'utf8');
  }

  it('creates topics, simulates, runs a worker and reconciles with the right credentials', async () => {
    const s = scenario();
    const topics = await cli('topics create', s, ['topics', 'create', s.file, '--json']);
    expect(topics.code, topics.stderr).toBe(0);

    const sim = await cli('simulate', s, [
      'simulate',
      s.file,
      '--json',
      '--orders',
      '300',
      '--seed',
      '7',
    ]);
    expect(sim.code, sim.stderr).toBe(0);
    expect((JSON.parse(sim.stdout) as { records: number }).records).toBeGreaterThanOrEqual(300);

    const worker = s.startWorker();
    await s.waitDrained(120_000);
    const reconcile = await cli('reconcile', s, ['reconcile', s.file, '--json']);
    expect(reconcile.code, reconcile.stderr).toBe(0);
    expect(JSON.parse(reconcile.stdout)).toMatchObject({ ok: true });
    expect(await worker.stop()).toEqual({ code: 0, signal: null });
  });

  it('fails fast with an authentication error on a wrong password', async () => {
    const s = scenario({ KAFKA_SASL_PASSWORD: `wrong-${kafka.password.slice(0, 4)}` });
    const topics = await cli('topics create (wrong password)', s, [
      'topics',
      'create',
      s.file,
      '--json',
    ]);
    expect(topics.code).not.toBe(0);
    // The command's own last word names the cause, not only librdkafka's log lines before it.
    expect(failure(topics.stderr)).toMatch(
      /could not connect to Kafka at 127\.0\.0\.1:\d+: authentication failed \(SASL\).*SCRAM-SHA-512.*\[SF_KAFKA_UNAVAILABLE\]$/,
    );

    expect(failure(await workerFails(s))).toMatch(/authentication failed \(SASL\)/);
  });

  it('fails fast with a TLS error when the CA does not trust the broker', async () => {
    const s = scenario({ KAFKA_SSL_CA_LOCATION: kafka.otherCaFile });
    const topics = await cli('topics create (wrong CA)', s, ['topics', 'create', s.file, '--json']);
    expect(topics.code).not.toBe(0);
    expect(failure(topics.stderr)).toMatch(
      /could not connect to Kafka at 127\.0\.0\.1:\d+: TLS handshake failed: .*certificate verify failed.*\[SF_KAFKA_UNAVAILABLE\]$/,
    );

    expect(failure(await workerFails(s))).toMatch(
      /TLS handshake failed: .*certificate verify failed/,
    );
  });

  it('never writes the SCRAM password to a log line', () => {
    const lines: { where: string; line: string }[] = [];
    for (const { what, text } of outputs) {
      for (const line of text.split('\n')) lines.push({ where: what, line });
    }
    for (const s of scenarios) {
      for (const file of readdirSync(s.dir).filter((f) => f.endsWith('.log'))) {
        for (const line of readFileSync(path.join(s.dir, file), 'utf8').split('\n')) {
          lines.push({ where: `${path.basename(s.dir)}/${file}`, line });
        }
      }
    }
    // The runs above must have logged something, or this check proves nothing.
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.filter(({ line }) => line.includes(kafka.password))).toEqual([]);
  });
});
