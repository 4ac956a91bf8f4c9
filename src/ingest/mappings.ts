// Per-workspace mapping rules and the counters of calls that mapped to nothing.
import { MappingRule } from './segment-schema.ts';

export type StoredMapping = { name: string; rule: MappingRule; updatedAt: string };
type MappingRow = { name: string; rule: string; updated_at: number };

const out = (r: MappingRow): StoredMapping => ({ name: r.name, rule: MappingRule.parse(JSON.parse(r.rule)), updatedAt: new Date(r.updated_at).toISOString() });

/** The rules stored under any of `names`: one query whatever the request's size. */
export async function rulesFor(d1: D1Database, ws: string, names: string[]): Promise<Map<string, MappingRule>> {
  if (!names.length) return new Map();
  const { results } = await d1
    .prepare('SELECT name, rule, updated_at FROM segment_mappings WHERE workspace_id = ?1 AND name IN (SELECT value FROM json_each(?2))')
    .bind(ws, JSON.stringify([...new Set(names)]))
    .all<MappingRow>();
  return new Map(results.map((r) => [r.name, out(r).rule]));
}

// A wildcard rule (`page`, `screen`) maps every `page:<name>` too, so those leave the list.
const FORGET_UNMAPPED = `DELETE FROM segment_unmapped WHERE workspace_id = ?1
  AND (name = ?2 OR (?2 IN ('page', 'screen') AND substr(name, 1, length(?2) + 1) = ?2 || ':'))`;

/** Stores a rule; the name leaves the unmapped list, since its calls now map. */
export async function putMapping(d1: D1Database, ws: string, name: string, rule: MappingRule, now: number): Promise<StoredMapping> {
  await d1.batch([
    d1
      .prepare(
        `INSERT INTO segment_mappings (workspace_id, name, rule, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (workspace_id, name) DO UPDATE SET rule = excluded.rule, updated_at = excluded.updated_at`,
      )
      .bind(ws, name, JSON.stringify(rule), now),
    d1.prepare(FORGET_UNMAPPED).bind(ws, name),
  ]);
  return { name, rule, updatedAt: new Date(now).toISOString() };
}

export async function getMapping(d1: D1Database, ws: string, name: string): Promise<StoredMapping | null> {
  const row = await d1.prepare('SELECT name, rule, updated_at FROM segment_mappings WHERE workspace_id = ?1 AND name = ?2').bind(ws, name).first<MappingRow>();
  return row ? out(row) : null;
}

export async function listMappings(d1: D1Database, ws: string): Promise<StoredMapping[]> {
  const { results } = await d1.prepare('SELECT name, rule, updated_at FROM segment_mappings WHERE workspace_id = ?1 ORDER BY name').bind(ws).all<MappingRow>();
  return results.map(out);
}

export async function deleteMapping(d1: D1Database, ws: string, name: string): Promise<boolean> {
  const res = await d1.prepare('DELETE FROM segment_mappings WHERE workspace_id = ?1 AND name = ?2').bind(ws, name).run();
  return (res.meta.changes ?? 0) > 0;
}

/** Adds a request's unmapped calls to the counters (names as a JSON object of counts: 3 parameters). */
export function countUnmapped(d1: D1Database, ws: string, names: string[], now: number): D1PreparedStatement[] {
  if (!names.length) return [];
  // A Map, not an object literal: an event may well be called `__proto__`.
  const counts = new Map<string, number>();
  for (const n of names) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [
    d1
      .prepare(
        `INSERT INTO segment_unmapped (workspace_id, name, count, last_seen_at)
         SELECT ?1, j.key, j.value, ?3 FROM json_each(?2) j WHERE true
         ON CONFLICT (workspace_id, name) DO UPDATE SET count = count + excluded.count, last_seen_at = excluded.last_seen_at`,
      )
      .bind(ws, JSON.stringify(Object.fromEntries(counts)), now),
  ];
}

export async function listUnmapped(d1: D1Database, ws: string) {
  const { results } = await d1
    .prepare('SELECT name, count, last_seen_at FROM segment_unmapped WHERE workspace_id = ?1 ORDER BY count DESC, name LIMIT 500')
    .bind(ws)
    .all<{ name: string; count: number; last_seen_at: number }>();
  return results.map((r) => ({ name: r.name, count: r.count, lastSeenAt: new Date(r.last_seen_at).toISOString() }));
}
