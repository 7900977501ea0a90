import { defineConfig } from 'vitest/config';

// Tests that need the real kube-apiserver share one test cluster started in globalSetup;
// the machines are small, so files run in a few forks and nothing asserts on wall time.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    restoreMocks: true,
  },
});
