import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../platform/d1.ts';
import { themes } from '../db/schema.ts';

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
