import { eq } from 'drizzle-orm';
import type { Database } from '../platform/d1.ts';
import { apiKeys } from '../db/schema.ts';
import type { AuthContext, Scope } from '../env.ts';
import { formatKey, hexToBytes, parseKey, randomId, randomSecret, sha256, sha256Hex } from '../platform/crypto.ts';

export type KeyInfo = { id: string; scope: Scope; createdAt: string; revokedAt: string | null };

/** Makes a key; the secret exists only in the returned string. */
export async function createKey(workspaceId: string, scope: Scope) {
  const id = randomId(8);
  const secret = randomSecret(32);
  const row = { id, workspaceId, scope, secretHash: await sha256Hex(secret), createdAt: Date.now() };
  return { row, key: formatKey(scope, id, secret) };
}

export async function insertKey(db: Database, workspaceId: string, scope: Scope) {
  const { row, key } = await createKey(workspaceId, scope);
  await db.insert(apiKeys).values(row);
  return { id: row.id, key, scope };
}

// The hot path of every keyed request: one indexed read, no ORM mapping. It also brings the
// workspace's report generation, so that a report read never trusts a stale one.
const KEY_LOOKUP = `SELECT k.workspace_id, k.scope, k.secret_hash, w.timezone, coalesce(s.report_gen, 0) AS report_gen
  FROM api_keys k JOIN workspaces w ON w.id = k.workspace_id LEFT JOIN rollup_state s ON s.workspace_id = k.workspace_id
  WHERE k.id = ?1 AND k.revoked_at IS NULL`;

/** Resolves a bearer key; null when unknown, malformed or revoked. */
export async function authenticate(d1: D1Database, presented: string): Promise<AuthContext | null> {
  const parsed = parseKey(presented);
  // Hash even on malformed input so that answers take the same path of work.
  const digest = await sha256(parsed?.secret ?? presented);
  if (!parsed) return null;
  const row = await d1
    .prepare(KEY_LOOKUP)
    .bind(parsed.id)
    .first<{ workspace_id: string; scope: Scope; secret_hash: string; timezone: string; report_gen: number }>();
  if (!row || row.scope !== parsed.scope) return null;
  if (!crypto.subtle.timingSafeEqual(digest, hexToBytes(row.secret_hash))) return null;
  return { workspaceId: row.workspace_id, keyId: parsed.id, scope: row.scope, timezone: row.timezone, reportGen: row.report_gen };
}

export async function listKeys(db: Database, workspaceId: string): Promise<KeyInfo[]> {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(apiKeys.createdAt, apiKeys.id);
  return rows.map((r) => ({
    id: r.id,
    scope: r.scope,
    createdAt: new Date(r.createdAt).toISOString(),
    revokedAt: r.revokedAt ? new Date(r.revokedAt).toISOString() : null,
  }));
}

// One statement, so that two admins revoking each other's keys at once cannot both succeed and
// leave the workspace without an admin key (nothing but the operator could mint one then).
const REVOKE = `
UPDATE api_keys SET revoked_at = ?3 WHERE id = ?2 AND workspace_id = ?1 AND revoked_at IS NULL
  AND (scope <> 'admin' OR (SELECT COUNT(*) FROM api_keys WHERE workspace_id = ?1 AND scope = 'admin' AND revoked_at IS NULL) > 1)
RETURNING id`;

/**
 * Revokes a key of this workspace: 'revoked', 'missing' (no active key with that id here) or
 * 'last-admin' (the workspace's only active admin key is kept).
 */
export async function revokeKey(d1: D1Database, workspaceId: string, id: string): Promise<'revoked' | 'missing' | 'last-admin'> {
  if (await d1.prepare(REVOKE).bind(workspaceId, id, Date.now()).first()) return 'revoked';
  const live = await d1
    .prepare('SELECT scope FROM api_keys WHERE id = ?2 AND workspace_id = ?1 AND revoked_at IS NULL')
    .bind(workspaceId, id)
    .first<{ scope: Scope }>();
  return live ? 'last-admin' : 'missing';
}
