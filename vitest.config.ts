import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tiers: unit (pure code, no network), integration (the real Kafka broker and Redis that
// `make stack-up` starts), e2e (the built worker as a process) and e2e-cluster (the core
// correctness files again, with Redis Cluster instead of one Redis). Files of the real-stack
// tiers run one at a time: they share one broker.

/** The loopback cluster that `scripts/stack.sh cluster-up` starts. */
const clusterSeeds = '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';
const clusterSuite = [
  'test/cluster/**/*.test.ts',
  'test/integration/redis-script.test.ts',
  'test/integration/state/redis-state-store.test.ts',
  'test/integration/state/acquire-switch.test.ts',
  'test/integration/reconcile.test.ts',
  'test/e2e/crash.test.ts',
  'test/e2e/worker-reconcile.test.ts',
  'test/e2e/rebuild.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        // A topology module imports `streamfold` (the package itself, dist/ once built): pure
        // tests read the sources instead, as tsconfig.json's `paths` does for the typecheck.
        resolve: {
          alias: [
            {
              find: /^streamfold$/,
              replacement: fileURLToPath(new URL('src/index.ts', import.meta.url)),
            },
          ],
        },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
      {
        // The core correctness suite again, against the Redis Cluster of `make stack-up
        // CLUSTER=1`: the tests and the workers they spawn read REDIS_CLUSTER_NODES.
        test: {
          name: 'e2e-cluster',
          include: clusterSuite,
          env: { REDIS_CLUSTER_NODES: process.env.REDIS_CLUSTER_NODES ?? clusterSeeds },
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 600_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
