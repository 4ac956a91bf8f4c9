// A workspace's own settings, as its admin sees and changes them.
type Row = { id: string; name: string; timezone: string; default_owner: string | null; currency: string };
export type Settings = { id: string; name: string; timezone: string; defaultOwner: string | null; currency: string };

const view = (r: Row): Settings => ({ id: r.id, name: r.name, timezone: r.timezone, defaultOwner: r.default_owner, currency: r.currency });

export async function getSettings(d1: D1Database, ws: string): Promise<Settings> {
  return view((await d1.prepare('SELECT * FROM workspaces WHERE id = ?1').bind(ws).first<Row>())!);
}

/** Changes what is given: who receives cases at touchpoints without an owner (null: nobody), the currency of `value`. */
export async function updateSettings(d1: D1Database, ws: string, change: { defaultOwner?: string | null; currency?: string }): Promise<Settings> {
  const row = await d1
    .prepare('UPDATE workspaces SET default_owner = CASE WHEN ?2 THEN ?3 ELSE default_owner END, currency = coalesce(?4, currency) WHERE id = ?1 RETURNING *')
    .bind(ws, change.defaultOwner !== undefined ? 1 : 0, change.defaultOwner ?? null, change.currency ?? null)
    .first<Row>();
  return view(row!);
}
