// Browser suite: plain Node (not the Workers pool). A global setup runs `wrangler dev` with
// fresh local state and a seeded workspace; the tests drive Debian's Chromium through
// playwright-core against it. Run with `vitest run -c vitest.browser.config.ts`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/browser/**/*.test.ts'],
    globalSetup: ['./test/browser/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
