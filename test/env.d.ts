import type { Env as WorkerEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
      MIGRATION_DB: D1Database;
      /** The ingest limiter's limit in tests (vitest.config.ts). */
      TEST_INGEST_LIMIT: string;
      TEST_OPERATOR_LIMIT: string;
      TEST_COMPUTE_LIMIT: string;
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index.ts');
    }
  }
}
