import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './env.js';
import { freePort } from './free-port.js';
import type { TestCertificates } from './redis-server.js';

const run = promisify(execFile);

/** A certificate for the nodes' bus connections (clientAuth), signed by the test CA. */
async function clientCertificate(
  tls: TestCertificates,
): Promise<{ certFile: string; keyFile: string }> {
  const at = (name: string) => path.join(tls.dir, name);
  await run('openssl', ['genrsa', '-out', at('bus.key'), '2048']);
  await run('openssl', [
    'req',
    '-new',
    '-key',
    at('bus.key'),
    '-subj',
    '/CN=bus',
    '-out',
    at('bus.csr'),
  ]);
  writeFileSync(
    at('bus.ext'),
    'extendedKeyUsage=clientAuth,serverAuth\nsubjectAltName=IP:127.0.0.1\n',
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    at('bus.csr'),
    '-CA',
    tls.caFile,
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    at('bus.ext'),
    '-out',
    at('bus.crt'),
  ]);
  return { certFile: at('bus.crt'), keyFile: at('bus.key') };
}

/** A free port whose port + 10000 is free too. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535) continue;
    const bus = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port + 10_000, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (bus) return port;
  }
}

/**
 * A Redis Cluster of the test's own: three TLS-only masters on free loopback ports (client and
 * bus), joined with `redis-cli --cluster create`, for the TLS and ACL checks the shared plain
 * cluster cannot make.
 */
export class OwnTlsCluster {
  private constructor(
    private readonly children: ChildProcess[],
    readonly ports: number[],
    private readonly tls: TestCertificates,
  ) {}

  static async start(tls: TestCertificates, masters = 3): Promise<OwnTlsCluster> {
    const ports: number[] = [];
    const children: ChildProcess[] = [];
    const client = await clientCertificate(tls);
    for (let i = 0; i < masters; i++) {
      // redis-cli --cluster create introduces the nodes on the default bus port (port + 10000).
      const port = await freePortPair();
      const bus = port + 10_000;
      const dir = mkdtempSync(path.join(tmpdir(), 'streamfold-cluster-'));
      // TLS only, on the cluster bus too; clients are not asked for certificates.
      const args = ['--bind', '127.0.0.1', '--port', '0', '--tls-port', String(port)];
      args.push('--cluster-enabled', 'yes', '--cluster-port', String(bus), '--tls-cluster', 'yes');
      args.push('--cluster-config-file', path.join(dir, 'nodes.conf'), '--dir', dir);
      args.push('--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile);
      args.push('--tls-ca-cert-file', tls.caFile, '--tls-auth-clients', 'no');
      // Nodes connect to each other's bus as TLS clients: they need a client certificate.
      args.push('--tls-client-cert-file', client.certFile, '--tls-client-key-file', client.keyFile);
      args.push('--save', '', '--appendonly', 'no');
      children.push(spawn('redis-server', args, { stdio: 'ignore' }));
      ports.push(port);
    }
    const cluster = new OwnTlsCluster(children, ports, tls);
    try {
      for (const port of ports) {
        await eventually(`cluster node ${port} to answer`, async () =>
          (await cluster.cli(port, 'ping')).trim() === 'PONG' ? true : undefined,
        );
      }
      await run(
        'redis-cli',
        [
          ...cluster.tlsArgs(),
          '--cluster',
          'create',
          ...ports.map((p) => `127.0.0.1:${p}`),
          '--cluster-replicas',
          '0',
          '--cluster-yes',
        ],
        { timeout: 60_000 },
      );
      for (const port of ports) {
        await eventually(`cluster node ${port} to say cluster_state:ok`, async () =>
          (await cluster.cli(port, 'cluster', 'info')).includes('cluster_state:ok')
            ? true
            : undefined,
        );
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  private tlsArgs(): string[] {
    return ['--tls', '--cacert', this.tls.caFile];
  }

  /** Runs redis-cli against one node as the administrator (`default` user). */
  async cli(port: number, ...args: string[]): Promise<string> {
    const { stdout } = await run('redis-cli', [
      ...this.tlsArgs(),
      '-h',
      '127.0.0.1',
      '-p',
      String(port),
      ...args,
    ]);
    return stdout;
  }

  /** Runs one command on every node (ACL SETUSER: users are per node, not replicated). */
  async onEveryNode(name: string, ...args: string[]): Promise<void> {
    for (const port of this.ports) await this.cli(port, name, ...args);
  }

  /** `rediss://user:password@127.0.0.1:<first port>` and the others as host:port. */
  seeds(user: string, password: string): string {
    const [first, ...rest] = this.ports;
    const auth = `${encodeURIComponent(user)}:${encodeURIComponent(password)}@`;
    return [`rediss://${auth}127.0.0.1:${first}`, ...rest.map((p) => `127.0.0.1:${p}`)].join(',');
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
  }
}
