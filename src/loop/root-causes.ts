// Root causes: the workspace's list of why cases happen. Closing a case names one once the
// list is not empty, so reports can count causes per touchpoint and stage.

type RootCauseRow = { key: string; name: string; updated_at: number };
const out = (r: RootCauseRow) => ({ key: r.key, name: r.name, updatedAt: new Date(r.updated_at).toISOString() });

/** Root causes per workspace: a list an owner picks from when closing a case. */
export const MAX_ROOT_CAUSES = 200;

/** Null when the workspace already has MAX_ROOT_CAUSES others. */
export async function putRootCause(d1: D1Database, ws: string, key: string, name: string, now: number) {
  const others = await d1.prepare('SELECT COUNT(*) AS n FROM root_causes WHERE workspace_id = ?1 AND "key" <> ?2').bind(ws, key).first<{ n: number }>();
  if ((others?.n ?? 0) >= MAX_ROOT_CAUSES) return null;
  const row = await d1
    .prepare(
      `INSERT INTO root_causes (workspace_id, "key", name, updated_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (workspace_id, "key") DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at RETURNING *`,
    )
    .bind(ws, key, name, now)
    .first<RootCauseRow>();
  return out(row!);
}

export async function listRootCauses(d1: D1Database, ws: string) {
  const { results } = await d1.prepare(`SELECT * FROM root_causes WHERE workspace_id = ?1 ORDER BY "key" LIMIT ${MAX_ROOT_CAUSES}`).bind(ws).all<RootCauseRow>();
  return results.map(out);
}

export async function getRootCause(d1: D1Database, ws: string, key: string) {
  const row = await d1.prepare('SELECT * FROM root_causes WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key).first<RootCauseRow>();
  return row ? out(row) : null;
}

/** False when there was none; closed cases keep the key they named. */
export async function deleteRootCause(d1: D1Database, ws: string, key: string) {
  const res = await d1.prepare('DELETE FROM root_causes WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key).run();
  return !!res.meta.changes;
}

export const rootCauseExists = async (d1: D1Database, ws: string, key: string) =>
  !!(await d1.prepare('SELECT 1 AS x FROM root_causes WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key).first());

export const hasRootCauses = async (d1: D1Database, ws: string) =>
  !!(await d1.prepare('SELECT 1 AS x FROM root_causes WHERE workspace_id = ?1 LIMIT 1').bind(ws).first());
