import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import type { ClusterSeed } from '../config/index.js';
import { ErrorCodes, StreamfoldError } from '../errors.js';

/** How long a cluster may take to become ready (slot map loaded, nodes answering). */
const READY_TIMEOUT_MS = 20_000;

const seedsOf = new WeakMap<Cluster, { seed: ClusterSeed; options: RedisOptions }>();

/** Remembers a cluster client's first seed and node options, for `probeSeed`. */
export function rememberSeed(cluster: Cluster, seed: ClusterSeed, options: RedisOptions): void {
  seedsOf.set(cluster, { seed, options });
}

/**
 * `cluster.connect()`, bounded: a cluster whose ready check keeps failing (e.g. the ACL user may
 * not run CLUSTER INFO) reconnects forever instead of rejecting.
 */
export async function connectCluster(cluster: Cluster): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      cluster.disconnect();
      reject(
        new StreamfoldError(
          ErrorCodes.REDIS_UNAVAILABLE,
          `the cluster was not ready within ${READY_TIMEOUT_MS / 1000} s (check cluster_state, ` +
            'and that the ACL user may run CLUSTER INFO and CLUSTER SLOTS)',
        ),
      );
    }, READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([cluster.connect(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Why the first seed refuses us, from a plain connection with the same options: the cluster
 * client keeps its nodes' errors to itself ("Connection is closed"), but a refused certificate
 * or password is what an operator needs to read. Undefined when the seed accepts.
 */
export async function probeSeed(cluster: Cluster): Promise<Error | undefined> {
  const known = seedsOf.get(cluster);
  if (!known) return undefined;
  const probe = new Redis({
    ...known.options,
    host: known.seed.host,
    port: known.seed.port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectionName: 'streamfold-probe',
  });
  let first: Error | undefined;
  probe.on('error', (error: Error) => {
    first ??= error;
  });
  try {
    await probe.connect();
    return undefined;
  } catch (cause) {
    return first ?? (cause instanceof Error ? cause : new Error(String(cause)));
  } finally {
    probe.disconnect();
  }
}
