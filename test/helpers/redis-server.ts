import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';
import { eventually } from './env.js';
import { freePort } from './free-port.js';

/** A throw-away certificate authority and a server certificate it signs (SAN IP:127.0.0.1). */
export interface TestCertificates {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
  /** Another CA that signed nothing here: trusting it must fail the handshake. */
  otherCaFile: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['genrsa', '-out', `${name}.key`, '2048']);
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}.key`,
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=streamfold test ${name}`,
    '-out',
    `${name}.crt`,
  ]);
}

/** CA, server key and certificate, and an unrelated CA, made with openssl in a temp folder. */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamfold-tls-'));
  makeCa(dir, 'ca');
  makeCa(dir, 'other-ca');
  openssl(dir, ['genrsa', '-out', 'server.key', '2048']);
  openssl(dir, [
    'req',
    '-new',
    '-key',
    'server.key',
    '-subj',
    '/CN=127.0.0.1',
    '-out',
    'server.csr',
  ]);
  writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    'server.ext',
    '-out',
    'server.crt',
  ]);
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
    otherCaFile: path.join(dir, 'other-ca.crt'),
  };
}

export interface OwnRedisOptions {
  /** Serve TLS only (no plain port), clients need no certificate of their own. */
  tls?: TestCertificates;
  /** A password for the `default` user, which the test uses as the administrator. */
  adminPassword?: string;
}

/**
 * A Redis server of the test's own, so a test can pause (SIGSTOP) or kill it without touching
 * the shared one. Optionally TLS-only and password-protected (the security tests).
 */
export class OwnRedisServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    private readonly options: OwnRedisOptions,
  ) {}

  static async start(options: OwnRedisOptions = {}): Promise<OwnRedisServer> {
    const port = await freePort();
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (options.tls) {
      args.push(
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        options.tls.certFile,
        '--tls-key-file',
        options.tls.keyFile,
        '--tls-ca-cert-file',
        options.tls.caFile,
        '--tls-auth-clients',
        'no',
      );
    } else {
      args.push('--port', String(port));
    }
    if (options.adminPassword) args.push('--requirepass', options.adminPassword);
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    const server = new OwnRedisServer(child, port, options);
    await eventually('the test Redis to answer PING', async () => {
      const probe = server.admin({ maxRetriesPerRequest: 0, retryStrategy: () => null });
      // Refused connections while the server starts are expected; connect() reports them.
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG' ? true : undefined;
      } finally {
        probe.disconnect();
      }
    });
    return server;
  }

  /** `redis://` or `rediss://`, with a user and password when given. */
  urlFor(user?: string, password?: string): string {
    const scheme = this.options.tls ? 'rediss' : 'redis';
    const auth =
      user === undefined
        ? ''
        : `${encodeURIComponent(user)}:${encodeURIComponent(password ?? '')}@`;
    return `${scheme}://${auth}127.0.0.1:${this.port}`;
  }

  get url(): string {
    return this.urlFor();
  }

  /** A lazily connecting client as the `default` user (the administrator). */
  admin(extra: RedisOptions = {}): Redis {
    return new Redis({
      host: '127.0.0.1',
      port: this.port,
      lazyConnect: true,
      ...(this.options.adminPassword ? { password: this.options.adminPassword } : {}),
      ...(this.options.tls ? { tls: { ca: readFileSync(this.options.tls.caFile, 'utf8') } } : {}),
      ...extra,
    });
  }

  /** Runs one command as the administrator (ACL SETUSER, ACL LOG, …). */
  async command(name: string, ...args: (string | number)[]): Promise<unknown> {
    const redis = this.admin({ maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      return await redis.call(name, ...args);
    } finally {
      redis.disconnect();
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGCONT');
    this.child.kill('SIGKILL');
    await exited;
  }
}
