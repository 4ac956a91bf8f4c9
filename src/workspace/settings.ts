// A workspace's own settings, as its admin sees and changes them.
type Row = { id: string; name: string; timezone: string; default_owner: string | null };
export type Settings = { id: string; name: string; timezone: string; defaultOwner: string | null };

const view = (r: Row): Settings => ({ id: r.id, name: r.name, timezone: r.timezone, defaultOwner: r.default_owner });

export async function getSettings(d1: D1Database, ws: string): Promise<Settings> {
  return view((await d1.prepare('SELECT * FROM workspaces WHERE id = ?1').bind(ws).first<Row>())!);
}

/** Who receives cases at touchpoints without an owner (null: nobody). */
export async function setDefaultOwner(d1: D1Database, ws: string, owner: string | null): Promise<Settings> {
  return view((await d1.prepare('UPDATE workspaces SET default_owner = ?2 WHERE id = ?1 RETURNING *').bind(ws, owner).first<Row>())!);
}
