// Dashboard sessions: a signed, expiring token naming the key it was opened with (never the
// key itself) and a random session id. Every request re-checks that the key is still active
// and that the session was not signed out, so revoking the key or signing out ends it at once.
import { SCOPES, type Env } from '../env.ts';
import { grants } from '../workspace/auth.ts';
import { base64url, fromBase64url, hmacKey, strongEnough } from '../platform/crypto.ts';

const enc = new TextEncoder();
// __Host-: the browser keeps it only if Secure, Path=/ and without Domain (no subdomain can set it).
export const SESSION_COOKIE = '__Host-trayecto_session';
export const SESSION_SECONDS = 12 * 3600;

export type Session = { ws: string; kid: string; sid: string; exp: number };

/** True when SESSION_SECRET is set and strong: sessions are never signed with anything else. */
export const sessionsConfigured = (env: Env) => strongEnough(env.SESSION_SECRET);

function sessionKey(env: Env): Promise<CryptoKey> {
  // Its own random secret (a key derived from ADMIN_TOKEN let any read key's cookie test guesses of ADMIN_TOKEN offline).
  if (!strongEnough(env.SESSION_SECRET)) throw new Error('SESSION_SECRET is not set');
  return hmacKey(env.SESSION_SECRET, 'SHA-256', ['sign', 'verify']);
}

export async function signSession(env: Env, s: Session): Promise<string> {
  const body = base64url(enc.encode(JSON.stringify(s)));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await sessionKey(env), enc.encode(body)));
  return `${body}.${base64url(mac)}`;
}

export async function verifySession(env: Env, token: string | undefined, now = Date.now()): Promise<Session | null> {
  if (!token || token.length > 1000 || !sessionsConfigured(env)) return null;
  const [body, mac] = token.split('.');
  if (!body || !mac) return null;
  try {
    const ok = await crypto.subtle.verify('HMAC', await sessionKey(env), fromBase64url(mac), enc.encode(body));
    if (!ok) return null;
    const s = JSON.parse(new TextDecoder().decode(fromBase64url(body))) as Session;
    const valid = typeof s.exp === 'number' && s.exp * 1000 > now && [s.ws, s.kid, s.sid].every((v) => typeof v === 'string');
    return valid ? s : null;
  } catch {
    return null;
  }
}

/** Records a sign-out, so that a copy of the cookie no longer opens the dashboard. */
export async function endSession(d1: D1Database, s: Session, now = Date.now()) {
  await d1.batch([
    d1.prepare('INSERT INTO ended_sessions (sid, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING').bind(s.sid, s.exp * 1000),
    d1.prepare('DELETE FROM ended_sessions WHERE expires_at < ?1').bind(now),
  ]);
}

/** A per-session token for the sign-out form (the cookie is SameSite=Strict as well). */
export async function csrfToken(env: Env, session: string): Promise<string> {
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await sessionKey(env), enc.encode(`csrf:${session}`)));
  return base64url(mac).slice(0, 32);
}

/**
 * The workspace a session opens, with its report generation (read with it, so the page never
 * trusts a stale one); null once its key is revoked, no longer reads, or the session ended.
 */
export async function sessionWorkspaceOf(d1: D1Database, s: Session) {
  const readers = SCOPES.filter((scope) => grants(scope, 'read'));
  return d1
    .prepare(
      `SELECT w.id, w.name, w.timezone, w.currency, coalesce(r.report_gen, 0) AS reportGen
       FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id LEFT JOIN rollup_state r ON r.workspace_id = w.id
       WHERE k.id = ?1 AND k.workspace_id = ?2 AND k.revoked_at IS NULL AND k.scope IN (SELECT value FROM json_each(?4))
         AND NOT EXISTS (SELECT 1 FROM ended_sessions e WHERE e.sid = ?3)`,
    )
    .bind(s.kid, s.ws, s.sid, JSON.stringify(readers))
    .first<{ id: string; name: string; timezone: string; currency: string; reportGen: number }>();
}
