import { defineConfig } from 'vitest/config';

// Two projects: unit tests (per package, run in parallel) and cluster tests under test/ (real
// nodes on loopback, timing-sensitive: one file at a time, so that elections do not compete for
// the machine's two cores with other clusters).
const resolve = { conditions: ['@herald/source'] };
const ssr = { resolve: { conditions: ['@herald/source'] } };

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: { name: 'unit', include: ['packages/*/test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
      },
      {
        resolve,
        ssr,
        test: { name: 'cluster', include: ['test/**/*.test.ts'], fileParallelism: false, testTimeout: 120_000, hookTimeout: 60_000 },
      },
    ],
  },
});
