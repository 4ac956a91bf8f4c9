// The Segment Webhooks destination as a source: Segment POSTs each call to
// /v1/sources/segment/<sourceId> and signs the raw body with the workspace's shared secret
// (X-Signature: hex HMAC-SHA1). The source id is public (it only names the workspace in the
// URL, so no secret travels there); the signature is what authenticates the call.
//
// Verifying an HMAC needs the secret itself, so it cannot be kept as a hash like our keys.
// It is kept sealed instead: AES-GCM under a key derived from a Worker secret
// (SOURCE_SECRETS_KEY, else the operator's ADMIN_TOKEN), bound to the workspace id, so a copy
// of the database alone reveals no shared secret and a sealed value moved to another
// workspace does not open.
import type { Env } from '../env.ts';
import { fromBase64, hexToBytes, hmacKey, randomId, randomSecret, toBase64 } from '../platform/crypto.ts';

const enc = new TextEncoder();
const SOURCE_ID = /^src_[0-9a-f]{24}$/;
const SIGNATURE = /^[0-9a-f]{40}$/i;


// Derived once per isolate: the receiver is unauthenticated until the signature is checked,
// so its cost per request stays one indexed read and one AES-GCM open.
let derived: { material: string; key: Promise<CryptoKey> } | null = null;

function sealingKey(env: Env): Promise<CryptoKey> {
  const material = env.SOURCE_SECRETS_KEY ?? `trayecto-sources:${env.ADMIN_TOKEN}`;
  if (derived?.material !== material) derived = { material, key: deriveSealingKey(material) };
  return derived.key;
}

async function deriveSealingKey(material: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', enc.encode(material), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(), info: enc.encode('segment source secrets v1') },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

async function seal(env: Env, ws: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: enc.encode(ws) }, await sealingKey(env), enc.encode(secret));
  return `${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

async function open(env: Env, ws: string, sealed: string): Promise<string | null> {
  const [iv, data] = sealed.split('.');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: enc.encode(ws) }, await sealingKey(env), fromBase64(data));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

const sourcePath = (sourceId: string) => `/v1/sources/segment/${sourceId}`;

/** Sets a new shared secret (the source id stays, so Segment's URL need not change); shown once. */
export async function rotateSegmentSource(env: Env, ws: string, now: number) {
  const secret = randomSecret(32);
  const row = await env.DB.prepare(
    `INSERT INTO segment_sources (workspace_id, source_id, secret_sealed, created_at) VALUES (?1, ?2, ?3, ?4)
     ON CONFLICT (workspace_id) DO UPDATE SET secret_sealed = excluded.secret_sealed RETURNING source_id`,
  )
    .bind(ws, `src_${randomId(12)}`, await seal(env, ws, secret), now)
    .first<{ source_id: string }>();
  return { sourceId: row!.source_id, path: sourcePath(row!.source_id), secret };
}

export async function getSegmentSource(d1: D1Database, ws: string) {
  const row = await d1.prepare('SELECT source_id, created_at FROM segment_sources WHERE workspace_id = ?1').bind(ws).first<{ source_id: string; created_at: number }>();
  return row ? { sourceId: row.source_id, path: sourcePath(row.source_id), createdAt: new Date(row.created_at).toISOString() } : null;
}

export async function deleteSegmentSource(d1: D1Database, ws: string): Promise<boolean> {
  return ((await d1.prepare('DELETE FROM segment_sources WHERE workspace_id = ?1').bind(ws).run()).meta.changes ?? 0) > 0;
}

/**
 * The workspace a signed call belongs to; null when the source is unknown or the signature
 * does not match the raw body (HMAC-SHA1, compared in constant time by crypto.subtle.verify).
 */
export async function verifySegmentCall(env: Env, sourceId: string, signature: string | undefined, body: Uint8Array) {
  if (!SOURCE_ID.test(sourceId) || !signature || !SIGNATURE.test(signature.trim())) return null;
  const row = await env.DB.prepare(
    `SELECT s.workspace_id, s.secret_sealed, w.timezone FROM segment_sources s JOIN workspaces w ON w.id = s.workspace_id WHERE s.source_id = ?1`,
  )
    .bind(sourceId)
    .first<{ workspace_id: string; secret_sealed: string; timezone: string }>();
  if (!row) return null;
  const secret = await open(env, row.workspace_id, row.secret_sealed);
  if (secret === null) return null;
  const key = await hmacKey(secret, 'SHA-1', ['verify']);
  const ok = await crypto.subtle.verify('HMAC', key, hexToBytes(signature.trim()), body);
  return ok ? { workspaceId: row.workspace_id, timezone: row.timezone } : null;
}
