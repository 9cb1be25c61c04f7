import { defineConfig } from 'vitest/config';

// Tiers: unit (pure code, no network) and integration (the real Kafka broker and Redis that
// `make stack-up` starts). Integration files run one at a time: they share one broker.
export default defineConfig({
  test: {
    projects: [
      {
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
    ],
  },
});
