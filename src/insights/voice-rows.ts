// Writes a day's voice rows (src/insights/theme-counts.ts counts them) in the rollup's batch. A
// day rolled up again writes only what changed: the day's rows are read, and only new or changed
// rows are upserted and rows the day no longer gives deleted (D1 bills every row written; deleting
// and re-inserting the day cost two per unchanged row). The result equals writing from nothing.
import { jsonChunkStatements } from '../platform/chunk.ts';
import { countDayVoice, type QuoteRow, type TermRow, type ThemeRow } from './theme-counts.ts';

type Table<R> = { table: string; key: string[]; cols: [column: string, field: keyof R][] };
const THEMES: Table<ThemeRow> = {
  table: 'daily_themes',
  key: ['theme', 'touchpoint', 'segment', 'nps_group'],
  cols: [['theme', 't'], ['touchpoint', 'p'], ['segment', 's'], ['nps_group', 'g'], ['mentions', 'n']],
};
const QUOTES: Table<QuoteRow> = {
  table: 'daily_theme_quotes',
  key: ['theme', 'seq'],
  cols: [['theme', 't'], ['seq', 'q'], ['ts', 'ts'], ['segment', 's'], ['touchpoint', 'p'], ['survey', 'v'], ['score', 'sc'], ['text', 'x']],
};
const TERMS: Table<TermRow> = { table: 'daily_terms', key: ['term'], cols: [['term', 'w'], ['mentions', 'n']] };

// Rows travel as JSON arrays in the columns' order (?3), in chunks (jsonChunkStatements).
const upsertSql = ({ table, key, cols }: Table<never>) => `
INSERT INTO ${table} (workspace_id, day, ${cols.map(([c]) => c).join(', ')})
SELECT ?1, ?2, ${cols.map((_, i) => `j.value->>${i}`).join(', ')} FROM json_each(?3) j WHERE true
ON CONFLICT (workspace_id, day, ${key.join(', ')}) DO UPDATE SET ${cols.filter(([c]) => !key.includes(c)).map(([c]) => `${c} = excluded.${c}`).join(', ')}`;
const deleteSql = ({ table, key }: Table<never>) => `
DELETE FROM ${table} WHERE workspace_id = ?1 AND day = ?2
  AND (${key.join(', ')}) IN (SELECT ${key.map((_, i) => `value->>${i}`).join(', ')} FROM json_each(?3))`;
const readSql = ({ table, cols }: Table<never>) => `SELECT ${cols.map(([c]) => c).join(', ')} FROM ${table} WHERE workspace_id = ?1 AND day = ?2`;

export const VOICE_ROW_SQL = Object.fromEntries([THEMES, QUOTES, TERMS].flatMap((t) => [[`read ${t.table}`, readSql(t as Table<never>)], [`delete ${t.table}`, deleteSql(t as Table<never>)]]));

/** The statements that bring one table's rows of the day to `rows`. */
async function tableStatements<R>(d1: D1Database, ws: string, day: string, spec: Table<R>, rows: R[]): Promise<D1PreparedStatement[]> {
  const t = spec as unknown as Table<never>;
  const keyOf = (values: unknown[]) => JSON.stringify(spec.key.map((k) => values[spec.cols.findIndex(([c]) => c === k)]));
  const stored = new Map<string, string>();
  for (const r of (await d1.prepare(readSql(t)).bind(ws, day).raw<unknown[]>())) stored.set(keyOf(r), JSON.stringify(r));
  const wanted = rows.map((r) => spec.cols.map(([, f]) => r[f]));
  const keep = new Set(wanted.map(keyOf));
  const changed = wanted.filter((v) => stored.get(keyOf(v)) !== JSON.stringify(v));
  const gone = [...stored.keys()].filter((k) => !keep.has(k));
  return [...jsonChunkStatements(d1, deleteSql(t), [ws, day], gone), ...jsonChunkStatements(d1, upsertSql(t), [ws, day], changed.map((v) => JSON.stringify(v)))];
}

/** The statements that write the day's voice rows (themes, quotes, unthemed terms), for the rollup's batch. */
export async function voiceStatements(d1: D1Database, ws: string, day: string): Promise<D1PreparedStatement[]> {
  const rows = await countDayVoice(d1, ws, day);
  const parts = await Promise.all([tableStatements(d1, ws, day, THEMES, rows.themes), tableStatements(d1, ws, day, QUOTES, rows.quotes), tableStatements(d1, ws, day, TERMS, rows.terms)]);
  return parts.flat();
}
