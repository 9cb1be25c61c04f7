/** The chaos run's Kafka broker: single-node KRaft from the project's Kafka jars. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKER_HOST } from './netns.js';
import { Managed } from './processes.js';
import { cleanEnv, portOpen, waitUntil } from './util.js';

const CLUSTER_ID = 'c3RyZWFtZm9sZC1jaGFvcw';

/** A single-node KRaft broker from the project's Kafka jars (as scripts/stack.sh runs it). */
export class Broker {
  readonly process: Managed;
  private readonly props: string;
  private readonly javaBase: string[];

  constructor(
    root: string,
    readonly dataDir: string,
    readonly port: number,
    readonly controllerPort: number,
    /** A listener of the workers' own, at WORKER_HOST: the one the network faults cut. */
    readonly workerPort: number,
    heap = '512m',
  ) {
    const pom = readFileSync(path.join(root, 'stack/kafka/pom.xml'), 'utf8');
    const version = /<kafka\.version>(.*)<\/kafka\.version>/.exec(pom)?.[1];
    if (!version) throw new Error('no <kafka.version> in stack/kafka/pom.xml');
    const libs = path.join(root, '.tools/kafka', version, 'libs');
    try {
      readFileSync(path.join(libs, '.complete'));
    } catch {
      throw new Error(`Kafka ${version} jars are missing in ${libs}: run make setup`);
    }
    mkdirSync(path.join(dataDir, 'tmp'), { recursive: true });
    this.props = path.join(dataDir, 'server.properties');
    const template = readFileSync(path.join(root, 'stack/kafka/server.properties.in'), 'utf8');
    writeFileSync(
      this.props,
      template
        .replaceAll('@PORT@', String(port))
        .replaceAll('@CONTROLLER_PORT@', String(controllerPort))
        .replaceAll('@DATA_DIR@', dataDir)
        .replace(/^listeners=.*$/m, (l) => `${l},WORKERS://${WORKER_HOST}:${workerPort}`)
        .replace(
          /^advertised\.listeners=.*$/m,
          (l) => `${l},WORKERS://${WORKER_HOST}:${workerPort}`,
        )
        .replace(/^listener\.security\.protocol\.map=.*$/m, (l) => `${l},WORKERS:PLAINTEXT`),
    );
    this.javaBase = [
      `-Xms${heap}`,
      `-Xmx${heap}`,
      '-Djava.awt.headless=true',
      `-Djava.io.tmpdir=${path.join(dataDir, 'tmp')}`,
      `-Dkafka.logs.dir=${dataDir}`,
      `-Dlog4j2.configurationFile=${path.join(root, 'stack/kafka/log4j2.properties')}`,
      '-cp',
      `${libs}/*`,
    ];
    this.process = new Managed('kafka', path.join(dataDir, 'stdout.log'));
  }

  format(): void {
    const args = [
      ...this.javaBase.map((a) => (a.startsWith('-Xm') ? a.replace(/\d+m$/, '256m') : a)),
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      'kafka.tools.StorageTool',
      'format',
      '--ignore-formatted',
      '-t',
      CLUSTER_ID,
      '-c',
      this.props,
    ];
    const result = spawnSync('java', args, { encoding: 'utf8', env: cleanEnv() });
    if (result.status !== 0) {
      throw new Error(`kafka storage format failed: ${result.stderr}${result.stdout}`);
    }
  }

  /** Starts the broker and waits for its listener; throws when it does not open in time. */
  async start(timeoutMs = 120_000): Promise<void> {
    const args = [
      ...this.javaBase,
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      'kafka.Kafka',
      this.props,
    ];
    // Its own session: a Ctrl-C in the terminal must not reach it; the harness stops it.
    this.process.spawn('java', args, cleanEnv(), true);
    const ok = await waitUntil(
      async () => !this.process.running || (await portOpen(this.port)),
      timeoutMs,
      200,
    );
    if (!ok || !this.process.running) {
      throw new Error(`kafka did not open 127.0.0.1:${this.port} (see ${this.dataDir}/server.log)`);
    }
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** The workers' bootstrap: their own listener, whose metadata names only WORKER_HOST. */
  get workerBootstrap(): string {
    return `${WORKER_HOST}:${this.workerPort}`;
  }
}
