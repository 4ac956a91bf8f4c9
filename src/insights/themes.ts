import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../platform/d1.ts';
import { themes } from '../db/schema.ts';
import { addDays, localDay } from '../platform/time.ts';
import { markDaysStatement, ON_LATE_CONFLICT } from '../rollup/dirty-days.ts';

export type Polarity = (typeof themes.$inferSelect)['polarity'];
export type ThemeInput = { name: string; terms: { es: string[]; en: string[] }; polarity: Polarity };
export type Theme = ThemeInput & { key: string };

/** Themes a workspace may keep: matching cost at rollup time grows with themes × terms. */
export const THEME_LIMITS = { themes: 100, termsPerLanguage: 50, termLength: 60, nameLength: 100 } as const;

const themeOut = (t: typeof themes.$inferSelect): Theme => ({ key: t.key, name: t.name, terms: JSON.parse(t.terms), polarity: t.polarity });

export async function putTheme(db: Database, workspaceId: string, key: string, input: ThemeInput): Promise<Theme | 'too-many'> {
  const row = { workspaceId, key, name: input.name, terms: JSON.stringify(input.terms), polarity: input.polarity, updatedAt: Date.now() };
  const existing = await db.select({ key: themes.key }).from(themes).where(eq(themes.workspaceId, workspaceId)).limit(THEME_LIMITS.themes + 1);
  if (existing.length >= THEME_LIMITS.themes && !existing.some((t) => t.key === key)) return 'too-many';
  const [saved] = await db
    .insert(themes)
    .values(row)
    .onConflictDoUpdate({ target: [themes.workspaceId, themes.key], set: { name: row.name, terms: row.terms, polarity: row.polarity, updatedAt: row.updatedAt } })
    .returning();
  return themeOut(saved);
}

export async function listThemes(db: Database, workspaceId: string): Promise<Theme[]> {
  const rows = await db.select().from(themes).where(eq(themes.workspaceId, workspaceId)).orderBy(asc(themes.key));
  return rows.map(themeOut);
}

export async function deleteTheme(db: Database, workspaceId: string, key: string): Promise<boolean> {
  const gone = await db.delete(themes).where(and(eq(themes.workspaceId, workspaceId), eq(themes.key, key))).returning({ key: themes.key });
  return gone.length > 0;
}

// The days that hold comments (every such day has daily_themes rows), one index seek per day
// rather than a walk over all of the workspace's theme rows.
export const COMMENT_DAYS = `
WITH RECURSIVE d(day) AS (
  SELECT (SELECT min(day) FROM daily_themes WHERE workspace_id = ?1)
  UNION ALL SELECT (SELECT min(day) FROM daily_themes WHERE workspace_id = ?1 AND day > d.day) FROM d WHERE d.day IS NOT NULL
)
SELECT day FROM d WHERE day IS NOT NULL AND day <= ?2`;

/**
 * After a theme changed: theme counts, quotes and unthemed terms are the rollup's, so when its
 * words changed (`reroll`) every rolled-up day that holds comments is marked `full` for the
 * drain; reports say complete: false until it is done. Either way the report generation moves
 * on, since reports carry the theme's name and polarity. Returns the number of days marked.
 */
export async function themesChanged(d1: D1Database, ws: string, tz: string, reroll: boolean, now = Date.now()): Promise<number> {
  const yesterday = addDays(localDay(now, tz), -1);
  const days = reroll ? (await d1.prepare(COMMENT_DAYS).bind(ws, yesterday).all<{ day: string }>()).results.map((r) => r.day) : [];
  await d1.batch([
    ...(days.length ? [markDaysStatement(d1, ws, days, 'full')] : []),
    d1.prepare(`INSERT INTO rollup_state (workspace_id, report_gen) VALUES (?1, 1) ${ON_LATE_CONFLICT}`).bind(ws),
  ]);
  return days.length;
}
