import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { createReceiver } from './test/webhook-receiver.ts';

/** Requests per ingest key per 10 s in tests (test/rate-limits.test.ts reads it from its binding). */
export const TEST_INGEST_LIMIT = 500;

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, 'migrations'));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          // A second, empty database for test/migrations.test.ts, which migrates it step by step.
          d1Databases: { MIGRATION_DB: 'trayecto-migration-test' },
          // Drains start from POST /v1/rollups, erasure and the cron in tests; not by themselves on ingest.
          bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: 'test-operator-token', WEBHOOK_RETRY_BASE_SECONDS: '0', DRAIN_ON_INGEST: 'false', TEST_INGEST_LIMIT: String(TEST_INGEST_LIMIT) },
          outboundService: createReceiver(),
          // Lower than production (1,000 per 10 s) so that a test fills the window well within
          // its 10 seconds even on a slow machine; same period, so Retry-After is the same.
          ratelimits: { INGEST_LIMITER: { namespace_id: '1001', simple: { limit: TEST_INGEST_LIMIT, period: 10 } } },
        },
      }),
    ],
    test: {
      setupFiles: ['./test/setup.ts'],
      include: ['test/**/*.test.ts'],
      exclude: ['test/browser/**'],
      testTimeout: 30_000,
    },
  };
});
