import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConnectionConfig } from '../../src/config/index.js';
import { connectKafka, createAdmin, type Admin } from '../../src/kafka/index.js';
import { testLogger, uniqueName } from './env.js';
import { freePort } from './free-port.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const kafkaVersion = /<kafka.version>([^<]+)<\/kafka.version>/.exec(
  readFileSync(path.join(root, 'stack/kafka/pom.xml'), 'utf8'),
)?.[1];
/** The jars `make setup` fetched (scripts/lib.sh: SF_KAFKA_LIBS). */
const kafkaLibs = path.join(root, `.tools/kafka/${kafkaVersion}/libs`);

/** The SCRAM user the broker is formatted with. */
export const SCRAM_USER = 'streamfold';
const MECHANISM = 'SCRAM-SHA-512';

function run(cmd: string, args: readonly string[], cwd: string, logFile?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (logFile) writeFileSync(logFile, `${stdout}${stderr}`);
      if (error) {
        reject(new Error(`${cmd} ${args[args.length - 1] ?? ''} failed:\n${stderr}${stdout}`));
        return;
      }
      resolve();
    });
  });
}

/** A self-signed CA (certificate `<name>.pem`, key `<name>.key`). */
async function makeCa(dir: string, name: string): Promise<string> {
  const ca = path.join(dir, `${name}.pem`);
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      path.join(dir, `${name}.key`),
      '-out',
      ca,
    ],
    dir,
  );
  return ca;
}

/** A PEM keystore file (unencrypted PKCS#8 key followed by the certificate) signed by `ca`. */
async function makeServerKeystore(dir: string, ca: string): Promise<string> {
  const key = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  const cert = path.join(dir, 'server.pem');
  const ext = path.join(dir, 'server.ext');
  writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '',
    ].join('\n'),
  );
  await run(
    'openssl',
    ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', key],
    dir,
  );
  await run('openssl', ['req', '-new', '-key', key, '-subj', '/CN=localhost', '-out', csr], dir);
  await run(
    'openssl',
    [
      'x509',
      '-req',
      '-sha256',
      '-days',
      '2',
      '-in',
      csr,
      '-CA',
      ca,
      '-CAkey',
      ca.replace(/\.pem$/, '.key'),
      '-CAcreateserial',
      '-extfile',
      ext,
      '-out',
      cert,
    ],
    dir,
  );
  const keystore = path.join(dir, 'server-keystore.pem');
  writeFileSync(keystore, readFileSync(key, 'utf8') + readFileSync(cert, 'utf8'));
  return keystore;
}

/** True once something accepts a TCP connection on 127.0.0.1:port. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Keys the secured broker sets itself; the shared template's values for them are dropped. */
const overridden = [
  'listeners',
  'advertised.listeners',
  'inter.broker.listener.name',
  'listener.security.protocol.map',
  'controller.quorum.voters',
  'controller.listener.names',
  'log.dirs',
];

export interface SecureKafka {
  /** `127.0.0.1:<port>` of the SASL_SSL listener. */
  readonly bootstrap: string;
  /** The CA that signed the broker's certificate. */
  readonly caFile: string;
  /** Another CA, which did not: a client trusting only it must fail the TLS handshake. */
  readonly otherCaFile: string;
  readonly username: string;
  readonly password: string;
  readonly dir: string;
  /** The worker's and CLI's environment for this broker (KAFKA_* passthrough), with overrides. */
  env(overrides?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** An admin client over SASL_SSL (closed by stop()). */
  admin(): Promise<Admin>;
  /** SIGTERM, then SIGKILL after a grace period; removes the data directory. */
  stop(): Promise<void>;
}

/**
 * A second single-node KRaft broker from the project's Kafka jars, secured: clients on a
 * SASL_SSL listener (SCRAM-SHA-512, a certificate for 127.0.0.1 signed by a CA made here), the
 * controller and inter-broker traffic on PLAINTEXT loopback listeners. Free ports, a temp data
 * directory, a random password. Ready once the port accepts and a metadata call succeeds.
 */
export async function startSecureKafka(timeoutMs = 120_000): Promise<SecureKafka> {
  const dir = mkdtempSync(path.join(tmpdir(), 'streamfold-secure-kafka-'));
  mkdirSync(path.join(dir, 'tmp'));
  const [clientPort, internalPort, controllerPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const password = randomBytes(18).toString('hex');
  const caFile = await makeCa(dir, 'ca');
  const otherCaFile = await makeCa(dir, 'other-ca');
  const keystore = await makeServerKeystore(dir, caFile);

  const template = readFileSync(path.join(root, 'stack/kafka/server.properties.in'), 'utf8')
    .split('\n')
    .filter((line) => !overridden.some((key) => line.startsWith(`${key}=`)))
    .join('\n');
  const properties = path.join(dir, 'server.properties');
  writeFileSync(
    properties,
    [
      template,
      '# Secured listeners (test/helpers/secure-kafka.ts)',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=SASL_SSL://127.0.0.1:${clientPort},INTERNAL://127.0.0.1:${internalPort},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=SASL_SSL://127.0.0.1:${clientPort},INTERNAL://127.0.0.1:${internalPort}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=INTERNAL',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT,SASL_SSL:SASL_SSL',
      `log.dirs=${dir}/logs`,
      `sasl.enabled.mechanisms=${MECHANISM}`,
      `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`,
      'ssl.keystore.type=PEM',
      `ssl.keystore.location=${keystore}`,
      'ssl.client.auth=none',
      '',
    ].join('\n'),
  );

  const java = (heap: string, ...args: string[]) => [
    `-Xms${heap}`,
    `-Xmx${heap}`,
    '-Djava.awt.headless=true',
    `-Djava.io.tmpdir=${dir}/tmp`,
    `-Dkafka.logs.dir=${dir}`,
    `-Dlog4j2.configurationFile=${path.join(root, 'stack/kafka/log4j2.properties')}`,
    '-cp',
    `${kafkaLibs}/*`,
    ...args,
  ];
  await run(
    'java',
    java(
      '256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      'kafka.tools.StorageTool',
      'format',
      '-t',
      'c3RyZWFtZm9sZC1zZWN1cmU',
      '-c',
      properties,
      '--add-scram',
      `${MECHANISM}=[name=${SCRAM_USER},password=${password}]`,
    ),
    dir,
    path.join(dir, 'format.log'),
  );

  const out = openSync(path.join(dir, 'stdout.log'), 'a');
  const child: ChildProcess = spawn(
    'java',
    java('512m', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', 'kafka.Kafka', properties),
    { stdio: ['ignore', out, out] },
  );
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the test process dies without afterAll, the broker must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const bootstrap = `127.0.0.1:${clientPort}`;
  const env = (overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: bootstrap,
    KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
    KAFKA_SASL_MECHANISMS: MECHANISM,
    KAFKA_SASL_USERNAME: SCRAM_USER,
    KAFKA_SASL_PASSWORD: password,
    KAFKA_SSL_CA_LOCATION: caFile,
    ...overrides,
  });
  let adminClient: Admin | undefined;
  const admin = async (): Promise<Admin> => {
    if (!adminClient) {
      const conn = loadConnectionConfig({}, { ...process.env, ...env() });
      const client = createAdmin(conn, testLogger(), { clientId: uniqueName('secure-admin') });
      adminClient = await connectKafka(client, conn, 'admin');
    }
    return adminClient;
  };

  const stop = async (): Promise<void> => {
    await adminClient?.disconnect().catch(() => undefined);
    adminClient = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
  };

  const tail = () => {
    const read = (f: string) => {
      try {
        return readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-40).join('\n');
      } catch {
        return '';
      }
    };
    return `${read('server.log')}\n${read('stdout.log')}`;
  };

  // Ready: the client port accepts, then a metadata call over SASL_SSL succeeds.
  const deadline = Date.now() + timeoutMs;
  try {
    while (!(await portOpen(clientPort))) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`the secured Kafka broker exited during start:\n${tail()}`);
      }
      if (Date.now() > deadline)
        throw new Error(`the secured Kafka broker did not open ${bootstrap}:\n${tail()}`);
      await sleep(200);
    }
    for (;;) {
      try {
        await (await admin()).listTopics();
        break;
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`no metadata from the secured Kafka broker at ${bootstrap}:\n${tail()}`, {
            cause: error,
          });
        }
        await adminClient?.disconnect().catch(() => undefined);
        adminClient = undefined;
        await sleep(500);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return { bootstrap, caFile, otherCaFile, username: SCRAM_USER, password, dir, env, admin, stop };
}
