import type { Env as WorkerEnv } from '../src/env.ts';

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
      MIGRATION_DB: D1Database;
    }
    interface GlobalProps {
      mainModule: typeof import('../src/index.ts');
    }
  }
}
