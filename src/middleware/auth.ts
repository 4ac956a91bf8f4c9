import { createMiddleware } from 'hono/factory';
import { database } from '../db/client';
import type { AppEnv, AuthContext, Env, Scope } from '../env';
import { timingSafeEqualText } from '../lib/crypto';
import { ApiError } from '../lib/problem';
import { authenticate } from '../services/keys';

const GRANTS: Record<Scope, Scope[]> = { ingest: ['ingest'], read: ['read'], admin: ['admin', 'read'] };

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

const unauthorized = (detail: string) =>
  new ApiError(401, 'unauthorized', detail, undefined, { 'www-authenticate': 'Bearer realm="trayecto"' });

/** Requires a workspace key that grants `scope`: 401 for a missing or wrong key, 403 for the wrong scope. */
export const requireScope = (scope: Scope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const presented = bearer(c.req.header('authorization'));
    if (!presented) throw unauthorized('Send a workspace key as `Authorization: Bearer <key>`.');
    const auth = await authenticate(database(c.env.DB), presented);
    if (!auth) throw unauthorized('The key is unknown or revoked.');
    if (!GRANTS[auth.scope].includes(scope)) {
      throw new ApiError(403, 'forbidden', `This endpoint needs a key with the \`${scope}\` scope; this key has \`${auth.scope}\`.`);
    }
    await checkRateLimit(c.env, auth);
    c.set('auth', auth);
    await next();
  });

// Periods as configured for the bindings in wrangler.toml: a limited client is told to
// come back when the window has passed.
const LIMITS = { ingest: { binding: 'INGEST_LIMITER', period: 10 }, other: { binding: 'API_LIMITER', period: 60 } } as const;

/** Per-key limits: 429 with Retry-After once a key has used its window. */
async function checkRateLimit(env: Env, auth: AuthContext) {
  const { binding, period } = auth.scope === 'ingest' ? LIMITS.ingest : LIMITS.other;
  const limiter = env[binding];
  if (!limiter || (await limiter.limit({ key: auth.keyId })).success) return;
  throw new ApiError(429, 'rate-limited', `This key has sent too many requests; retry after ${period} seconds.`, undefined, {
    'retry-after': String(period),
  });
}

/** Requires the operator secret ADMIN_TOKEN. */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const presented = bearer(c.req.header('authorization'));
  const expected = c.env.ADMIN_TOKEN;
  if (!presented) throw unauthorized('Send the operator token as `Authorization: Bearer <ADMIN_TOKEN>`.');
  if (!expected || !(await timingSafeEqualText(presented, expected))) throw unauthorized('The operator token is wrong.');
  await next();
});
