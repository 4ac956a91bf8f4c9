// Row of the events table as ingest flattens it (column initials as keys).
export type Row = Record<string, string | number | null>;

/** What the ingest queue carries: one request's rows of one workspace; `at`, when the edge
 * accepted them (an erasure after it drops the erased customer's rows). */
export type IngestMessage = { ws: string; rows: Row[]; at: number };

export type Env = {
  /** The drain of each workspace's pending rollup work (src/jobs/rollup-workflow.ts). */
  ROLLUPS: Workflow<{ ws: string; settleSeconds?: number }>;
  /** `false` (tests): ingest of late events does not start a drain by itself. */
  DRAIN_ON_INGEST?: string;
  /** How long a drain started by ingest waits first, so an import's requests settle. */
  DRAIN_SETTLE_SECONDS?: string;
  DB: D1Database;
  REPORTS: KVNamespace;
  /** Operator secret that may create workspaces (`.dev.vars` locally, a Worker secret in production). */
  ADMIN_TOKEN: string;
  /** Signs dashboard sessions: a random secret of at least 32 characters (`npm start` writes one); without it sign-in is refused. */
  SESSION_SECRET?: string;
  /** Uncached report computations per workspace (Workers Rate Limiting). */
  COMPUTE_LIMITER?: RateLimit;
  /** Per client address limit of the operator route (Workers Rate Limiting). */
  OPERATOR_LIMITER?: RateLimit;
  REPORT_MAX_AGE?: string;
  /** Seals the shared secrets of Segment webhook sources at rest; derived from ADMIN_TOKEN when unset. */
  SOURCE_SECRETS_KEY?: string;
  WEBHOOKS: Queue<{ deliveryId: string }>;
  /** `true` only in local development: lets webhooks use http:// to localhost. */
  WEBHOOK_ALLOW_HTTP?: string;
  /** First retry delay; doubles per attempt. */
  WEBHOOK_RETRY_BASE_SECONDS?: string;
  /** `queue`: POST /v1/events validates and enqueues, a consumer writes; `direct` (default) writes at once. */
  INGEST_MODE?: string;
  INGEST_QUEUE: Queue<IngestMessage>;
  /** Per-key request limits (Workers Rate Limiting): ingest keys, and read/admin keys. */
  INGEST_LIMITER?: RateLimit;
  API_LIMITER?: RateLimit;
};

export const SCOPES = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** `reportGen`: the workspace's report generation, read with the key (see publish/cache.ts). */
export type AuthContext = { workspaceId: string; keyId: string; scope: Scope; timezone: string; reportGen: number };

/** `rawBody`: the parsed JSON body; `rawBytes`: the bytes as sent (the 32 KiB event limit is on those). */
export type AppEnv = { Bindings: Env; Variables: { auth: AuthContext; rawBody: unknown; rawBytes: Uint8Array } };
