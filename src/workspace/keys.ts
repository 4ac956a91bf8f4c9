import { and, eq, isNull } from 'drizzle-orm';
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

/** Revokes a key of this workspace; false when there is none with that id here. */
export async function revokeKey(db: Database, workspaceId: string, id: string): Promise<boolean> {
  const res = await db
    .update(apiKeys)
    .set({ revokedAt: Date.now() })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.workspaceId, workspaceId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return res.length > 0;
}
