import path from 'node:path';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { createReceiver } from './test/webhook-receiver.ts';

/** Requests per ingest key per 10 s in tests (test/rate-limits.test.ts reads it from its binding). */
export const TEST_INGEST_LIMIT = 500;
/** Operator requests per address per minute in tests. */
export const TEST_OPERATOR_LIMIT = 1000;
/** Uncached report computations per workspace per minute in tests. */
export const TEST_COMPUTE_LIMIT = 200;

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
          bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: 'test-operator-token-0123456789abcdef',
            SESSION_SECRET: 'test-session-secret-0123456789abcdef', WEBHOOK_RETRY_BASE_SECONDS: '0', DRAIN_ON_INGEST: 'false', TEST_INGEST_LIMIT: String(TEST_INGEST_LIMIT), TEST_OPERATOR_LIMIT: String(TEST_OPERATOR_LIMIT), TEST_COMPUTE_LIMIT: String(TEST_COMPUTE_LIMIT) },
          outboundService: createReceiver(),
          // Lower than production (1,000 per 10 s) so that a test fills the window well within
          // its 10 seconds even on a slow machine; same period, so Retry-After is the same.
          ratelimits: {
            INGEST_LIMITER: { namespace_id: '1001', simple: { limit: TEST_INGEST_LIMIT, period: 10 } },
            // Tests create many workspaces from one address; test/hardening.test.ts fills it from another.
            OPERATOR_LIMITER: { namespace_id: '1003', simple: { limit: TEST_OPERATOR_LIMIT, period: 60 } },
            COMPUTE_LIMITER: { namespace_id: '1004', simple: { limit: TEST_COMPUTE_LIMIT, period: 60 } },
          },
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
