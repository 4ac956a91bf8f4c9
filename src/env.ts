export type Env = {
  DB: D1Database;
  REPORTS: KVNamespace;
  /** Operator secret that may create workspaces (`.dev.vars` locally, a Worker secret in production). */
  ADMIN_TOKEN: string;
  REPORT_MAX_AGE?: string;
};

export type Scope = 'ingest' | 'read' | 'admin';

export type AuthContext = { workspaceId: string; keyId: string; scope: Scope; timezone: string };

export type AppEnv = { Bindings: Env; Variables: { auth: AuthContext; rawBody: unknown } };
