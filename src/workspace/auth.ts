import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv, Env, Scope } from '../env.ts';
import { MIN_SECRET_LENGTH, parseKey, sha256Hex, strongEnough, timingSafeEqualText } from '../platform/crypto.ts';
import { ApiError } from '../platform/problem.ts';
import { authenticate } from './keys.ts';

const GRANTS: Record<Scope, Scope[]> = { ingest: ['ingest'], read: ['read'], admin: ['admin', 'read'] };

/** Whether a key of scope `have` may use what needs `need` (an admin key also reads). */
export const grants = (have: Scope, need: Scope) => GRANTS[have].includes(need);

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m ? m[1] : null;
}

const unauthorized = (detail: string) =>
  new ApiError(401, 'unauthorized', detail, undefined, { 'www-authenticate': 'Bearer realm="trayecto"' });

/** Where a route reads the presented key from, and what a client without one is told. */
export type KeySource = { read: (c: Context<AppEnv>) => string | null; hint: string };

const bearerKey: KeySource = { read: (c) => bearer(c.req.header('authorization')), hint: 'Send a workspace key as `Authorization: Bearer <key>`.' };

/**
 * Requires a workspace key that grants `scope` ('any': any valid key): 401 for a missing or
 * wrong key, 403 for the wrong scope, 429 past the key's rate limit. The key lookup (D1, so
 * that a revocation holds at once) and the limiter run side by side: a report read waits for
 * one round-trip, not two.
 */
export const requireScope = (scope: Scope | 'any', from: KeySource = bearerKey) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const presented = from.read(c);
    if (!presented) throw unauthorized(from.hint);
    const [auth, limited] = await Promise.all([authenticate(c.env.DB, presented), overLimit(c.env, presented)]);
    if (!auth) throw unauthorized('The key is unknown or revoked.');
    if (scope !== 'any' && !grants(auth.scope, scope)) {
      throw new ApiError(403, 'forbidden', `This endpoint needs a key with the \`${scope}\` scope; this key has \`${auth.scope}\`.`);
    }
    if (limited) {
      throw new ApiError(429, 'rate-limited', `This key has sent too many requests; retry after ${limited} seconds.`, undefined, {
        'retry-after': String(limited),
      });
    }
    c.set('auth', auth);
    await next();
  });

// Periods as configured for the bindings in wrangler.toml: a limited client is told to
// come back when the window has passed.
const LIMITS = { ingest: { binding: 'INGEST_LIMITER', period: 10 }, other: { binding: 'API_LIMITER', period: 60 } } as const;

/**
 * Per-key limits; the window's length in seconds once the key has used it, else 0. The scope
 * is read from the key's own text, and the counter is named by a hash of the whole presented
 * key, not by its id: ids are not secret (an ingest key ships inside apps), and a counter
 * named by the id would let anyone who knows it use up the real key's window with forged
 * secrets. A forged key only fills a counter of its own (and gets 401 anyway). It is a hash
 * of its own (prefixed), not the stored secret_hash, which stays in D1 alone.
 */
async function overLimit(env: Env, presented: string): Promise<number> {
  const { binding, period } = parseKey(presented)?.scope === 'ingest' ? LIMITS.ingest : LIMITS.other;
  const limiter = env[binding];
  if (!limiter) return 0;
  const counter = (await sha256Hex(`rate-limit:${presented}`)).slice(0, 32);
  return (await limiter.limit({ key: counter })).success ? 0 : period;
}

/**
 * Segment's write key: the user of HTTP Basic auth (empty password), a Bearer key, or
 * `writeKey` in the JSON body (read after the body middleware), in that order.
 */
export const segmentWriteKey: KeySource = {
  read(c) {
    const header = c.req.header('authorization') ?? '';
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
    if (basic) {
      let decoded = '';
      try {
        decoded = atob(basic[1]);
      } catch {
        return null;
      }
      return decoded.split(':')[0] || null;
    }
    const raw = c.get('rawBody') as { writeKey?: unknown } | undefined;
    const inBody = raw && typeof raw === 'object' && typeof raw.writeKey === 'string' ? raw.writeKey : null;
    return bearer(header) ?? inBody;
  },
  hint: 'Send an ingest key as the write key: the user of `Authorization: Basic` (empty password), a Bearer key, or `writeKey` in the body.',
};

/** Operator attempts per client address per minute (OPERATOR_LIMITER in wrangler.toml). */
const OPERATOR_PERIOD = 60;

/**
 * Requires the operator secret ADMIN_TOKEN. Every attempt counts against the client address's
 * limit (guesses included); a deployment whose ADMIN_TOKEN is weak refuses the route outright.
 */
export const requireOperator = createMiddleware<AppEnv>(async (c, next) => {
  const expected = c.env.ADMIN_TOKEN;
  if (!strongEnough(expected)) {
    throw new ApiError(503, 'not-configured', `The operator route needs an ADMIN_TOKEN of at least ${MIN_SECRET_LENGTH} characters.`);
  }
  const address = c.req.header('cf-connecting-ip') ?? 'unknown';
  if (c.env.OPERATOR_LIMITER && !(await c.env.OPERATOR_LIMITER.limit({ key: `operator:${address}` })).success) {
    throw new ApiError(429, 'rate-limited', `Too many operator requests from this address; retry after ${OPERATOR_PERIOD} seconds.`, undefined, {
      'retry-after': String(OPERATOR_PERIOD),
    });
  }
  const presented = bearer(c.req.header('authorization'));
  if (!presented) throw unauthorized('Send the operator token as `Authorization: Bearer <ADMIN_TOKEN>`.');
  if (!(await timingSafeEqualText(presented, expected))) throw unauthorized('The operator token is wrong.');
  await next();
});
