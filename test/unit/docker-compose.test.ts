import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// The Docker stack cannot be started where the tests run (no Docker engine in CI), so this
// checks its files instead: the services, their ports and health, and that what they build and
// mount exists.

const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

/**
 * Host paths mounted before the files exist: other issues write them. Remove an entry when its
 * file lands; the list shrinks to nothing, and then a mistyped path can no longer hide in it.
 */
const NOT_YET_WRITTEN: ReadonlySet<string> = new Set<string>([]);

interface Healthcheck {
  test?: string | string[];
  disable?: boolean;
}
interface Dependency {
  condition?: string;
}
interface PortMapping {
  target: number;
  published?: number | string;
  host_ip?: string;
}
interface VolumeMount {
  type?: string;
  source?: string;
  target: string;
}
interface BuildSpec {
  context?: string;
  dockerfile?: string;
}
interface Service {
  image?: string;
  build?: string | BuildSpec;
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | PortMapping)[];
  volumes?: (string | VolumeMount)[];
  depends_on?: string[] | Record<string, Dependency>;
  healthcheck?: Healthcheck;
  restart?: string;
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

function loadCompose(): ComposeFile {
  const doc = parse(read('docker-compose.yml')) as Partial<ComposeFile> | null;
  if (typeof doc?.services !== 'object') throw new Error('docker-compose.yml has no services');
  return doc as ComposeFile;
}

const compose = loadCompose();
const services = Object.entries(compose.services);

function service(name: string): Service {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service "${name}"`);
  return found;
}

function env(svc: Service): Record<string, string> {
  const entries = Array.isArray(svc.environment)
    ? svc.environment.map((line) => {
        const eq = line.indexOf('=');
        return eq === -1 ? [line, ''] : [line.slice(0, eq), line.slice(eq + 1)];
      })
    : Object.entries(svc.environment ?? {}).map(([k, v]) => [k, String(v ?? '')]);
  return Object.fromEntries(entries) as Record<string, string>;
}

/** Any port syntax as `hostIp:published:target`; an empty part was not given. */
function describePort(port: string | number | PortMapping): string {
  if (typeof port === 'object') {
    return `${port.host_ip ?? ''}:${port.published ?? ''}:${port.target}`;
  }
  const parts = String(port)
    .replace(/\/(tcp|udp)$/, '')
    .split(':');
  const target = parts.at(-1) ?? '';
  const published = parts.length >= 2 ? (parts.at(-2) ?? '') : '';
  const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  return `${hostIp}:${published}:${target}`;
}

/** The tag (or `digest`) an image reference pins, or undefined when it pins none. */
function imagePin(image: string): string | undefined {
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return 'digest';
  const name = image.slice(image.lastIndexOf('/') + 1);
  const colon = name.indexOf(':');
  return colon === -1 || colon === name.length - 1 ? undefined : name.slice(colon + 1);
}

/** A mount's host side: a path for a bind mount, a name for a named volume. */
function mountSource(mount: string | VolumeMount): string | undefined {
  if (typeof mount === 'object') return mount.source;
  return mount.includes(':') ? mount.slice(0, mount.indexOf(':')) : undefined;
}

function mountTarget(mount: string | VolumeMount): string | undefined {
  if (typeof mount === 'object') return mount.target;
  return mount.split(':')[1];
}

const isHostPath = (source: string): boolean => /^(\.{1,2}\/|\/|~)/.test(source);

describe('docker-compose.yml', () => {
  it('defines the stack: Kafka, its UI, Redis, Prometheus, Grafana, topic creation, the worker', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['grafana', 'kafka', 'kafka-ui', 'prometheus', 'redis', 'topics', 'worker'].sort(),
    );
  });

  it('gives every long-running service a healthcheck; only `topics` runs once', () => {
    const oneShot = services.filter(([, s]) => (s.restart ?? 'no') === 'no').map(([n]) => n);
    expect(oneShot).toEqual(['topics']);

    const unchecked = services
      .filter(([name]) => !oneShot.includes(name))
      .filter(([, { healthcheck: h }]) => {
        const test = typeof h?.test === 'string' ? ['CMD-SHELL', h.test] : h?.test;
        return h?.disable === true || !test || test.length < 2 || test[0] === 'NONE';
      })
      .map(([name]) => name);
    expect(unchecked).toEqual([]);
  });

  it('publishes exactly the documented ports, on loopback only', () => {
    const published = Object.fromEntries(
      services.filter(([, s]) => s.ports?.length).map(([n, s]) => [n, s.ports?.map(describePort)]),
    );
    // Loopback: Redis and Kafka here accept anyone who can connect.
    expect(published).toEqual({
      kafka: ['127.0.0.1:9092:9092'],
      'kafka-ui': ['127.0.0.1:8080:8080'],
      redis: ['127.0.0.1:6379:6379'],
      prometheus: ['127.0.0.1:9090:9090'],
      grafana: ['127.0.0.1:3000:3000'],
      worker: ['127.0.0.1:9464:9464'],
    });
  });

  it('pins every image to a tag other than latest (or a digest)', () => {
    const unpinned = services
      .filter(([, s]) => {
        if (s.image === undefined) return s.build === undefined;
        const pin = imagePin(s.image);
        return pin === undefined || pin === 'latest';
      })
      .map(([name, s]) => `${name}: ${s.image ?? '(no image, no build)'}`);
    expect(unpinned).toEqual([]);
  });

  it('recognises unpinned image references (the check above relies on it)', () => {
    expect(imagePin('redis')).toBeUndefined();
    expect(imagePin('redis:')).toBeUndefined();
    expect(imagePin('localhost:5000/team/redis')).toBeUndefined();
    expect(imagePin('prom/prometheus:latest')).toBe('latest');
    expect(imagePin('localhost:5000/redis:7.4')).toBe('7.4');
    expect(imagePin(`redis@sha256:${'a'.repeat(64)}`)).toBe('digest');
  });

  it('runs the Kafka release the local stack runs, without topic auto-creation', () => {
    const pomVersion = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(
      read('stack/kafka/pom.xml'),
    )?.[1];
    expect(pomVersion).toBeDefined();
    const kafka = service('kafka');
    expect(kafka.image).toBe(`apache/kafka:${pomVersion}`);
    expect(env(kafka)).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
      KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
      KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    });
    expect(JSON.stringify(kafka.healthcheck?.test)).toContain('--bootstrap-server localhost:9092');
  });

  it('points every container client at the listener Kafka advertises inside the network', () => {
    const advertised = env(service('kafka')).KAFKA_ADVERTISED_LISTENERS?.split(',') ?? [];
    const internal = advertised
      .map((listener) => listener.slice(listener.indexOf('://') + 3))
      .filter((address) => !address.startsWith('127.0.0.1:') && !address.startsWith('localhost:'));
    expect(internal).toEqual(['kafka:29092']);

    expect(env(service('kafka-ui')).KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS).toBe('kafka:29092');
    expect(env(service('topics')).KAFKA_BROKERS).toBe('kafka:29092');
    expect(env(service('worker')).KAFKA_BROKERS).toBe('kafka:29092');
  });

  it('builds the worker from the Dockerfile and starts it after its dependencies', () => {
    const worker = service('worker');
    const build = typeof worker.build === 'string' ? { context: worker.build } : worker.build;
    expect(build).toBeDefined();
    const context = new URL(`${(build?.context ?? '.').replace(/\/?$/, '/')}`, root);
    const dockerfile = new URL(build?.dockerfile ?? 'Dockerfile', context);
    expect(dockerfile.href).toBe(new URL('Dockerfile', root).href);
    expect(existsSync(dockerfile)).toBe(true);

    expect(worker.command).toEqual(['run', 'topologies/orders.yaml']);
    // The object form: a bare list only waits for the containers to start.
    expect(worker.depends_on).toMatchObject({
      kafka: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      topics: { condition: 'service_completed_successfully' },
    });
  });

  it('configures the worker to reach Redis and to serve HTTP on the published port', () => {
    const vars = env(service('worker'));
    expect(vars.REDIS_URL).toBe('redis://redis:6379');
    expect(vars.HTTP_ADDR).toBe('0.0.0.0:9464');
    expect(JSON.stringify(service('worker').healthcheck?.test)).toContain(
      'http://127.0.0.1:9464/healthz',
    );
    // Every other KAFKA_* variable becomes a librdkafka property of the worker's clients.
    expect(Object.keys(vars).filter((k) => k.startsWith('KAFKA_'))).toEqual(['KAFKA_BROKERS']);
  });

  it('creates the topics with the worker image before the worker starts', () => {
    const topics = service('topics');
    expect(topics.image).toBe(service('worker').image);
    expect(topics.command).toEqual(['topics', 'create', 'topologies/orders.yaml']);
    expect(topics.depends_on).toMatchObject({ kafka: { condition: 'service_healthy' } });
  });

  it('mounts only host paths that exist or are listed as not yet written', () => {
    const hostPaths = services
      .flatMap(([, s]) => s.volumes ?? [])
      .map(mountSource)
      .filter((source): source is string => source !== undefined && isHostPath(source));
    expect(hostPaths.filter((p) => !p.startsWith('./'))).toEqual([]);
    const missing = hostPaths.filter(
      (p) => !NOT_YET_WRITTEN.has(p) && !existsSync(new URL(p, root)),
    );
    expect(missing).toEqual([]);
    // An entry nothing mounts any more is a stale entry.
    expect([...NOT_YET_WRITTEN].filter((p) => !hostPaths.includes(p))).toEqual([]);
  });

  it('declares every named volume it mounts', () => {
    const named = services
      .flatMap(([, s]) => s.volumes ?? [])
      .map(mountSource)
      .filter((source): source is string => source !== undefined && !isHostPath(source));
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !(name in (compose.volumes ?? {})))).toEqual([]);
  });

  it('mounts the Prometheus and Grafana config where the images read it', () => {
    const mounts = (name: string): Record<string, string | undefined> =>
      Object.fromEntries(
        (service(name).volumes ?? []).map((m): [string, string | undefined] => [
          mountSource(m) ?? '',
          mountTarget(m),
        ]),
      );
    expect(mounts('prometheus')).toMatchObject({
      // The Docker variant: inside the container the worker is worker:9464, not loopback.
      './stack/prometheus/prometheus.docker.yml': '/etc/prometheus/prometheus.yml',
      './stack/prometheus/rules': '/etc/prometheus/rules',
    });
    expect(mounts('grafana')).toMatchObject({
      './dashboards': '/var/lib/grafana/dashboards',
      './stack/grafana/provisioning': '/etc/grafana/provisioning',
    });
  });
});

describe('Dockerfile', () => {
  /** Instructions with continuation lines joined and comments dropped. */
  const instructions = read('Dockerfile')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const space = line.search(/\s/);
      return { keyword: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
  const lastStage = instructions.findLastIndex((i) => i.keyword === 'FROM');
  const final = instructions.slice(lastStage);
  const execForm = (keyword: string): unknown =>
    JSON.parse(final.findLast((i) => i.keyword === keyword)?.args ?? 'null');

  it('builds on the Node major that .nvmrc names', () => {
    const nvmrcMajor = Number.parseInt(read('.nvmrc').trim().replace(/^v/, ''), 10);
    expect(Number.isInteger(nvmrcMajor)).toBe(true);

    const stages = new Set<string>();
    const bases: string[] = [];
    for (const { args } of instructions.filter((i) => i.keyword === 'FROM')) {
      const [image = '', as, stage] = args.split(/\s+/).filter((w) => !w.startsWith('--'));
      if (!stages.has(image)) bases.push(image);
      if (as?.toUpperCase() === 'AS' && stage) stages.add(stage);
    }
    expect(bases.length).toBeGreaterThan(0);
    expect(bases.map((image) => /^node:(\d+)(?:[.-]|$)/.exec(image)?.[1])).toEqual(
      bases.map(() => String(nvmrcMajor)),
    );
  });

  it('runs the CLI that package.json publishes, in exec form', () => {
    const pkg = JSON.parse(read('package.json')) as { bin?: Record<string, string> };
    expect(pkg.bin?.streamfold).toBe('dist/cli/main.js');
    // Exec form (JSON): node is PID 1 and gets SIGTERM itself, so a stop drains the worker.
    expect(execForm('ENTRYPOINT')).toEqual(['node', 'dist/cli/main.js']);
    expect(execForm('CMD')).toEqual(['run', 'topologies/orders.yaml']);
  });

  it('runs as the unprivileged node user and exposes the HTTP port', () => {
    expect(final.findLast((i) => i.keyword === 'USER')?.args).toBe('node');
    expect(final.filter((i) => i.keyword === 'EXPOSE').map((i) => i.args)).toEqual(['9464']);
    expect(final.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain(
      'http://127.0.0.1:9464/healthz',
    );
  });

  it('keeps host build output out of the build context', () => {
    const ignored = read('.dockerignore').split(/\r?\n/);
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.tools', '.git']));
  });
});
