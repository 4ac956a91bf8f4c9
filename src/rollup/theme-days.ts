// Theme counts, quotes and unthemed terms are rollup rows (src/insights/theme-counts.ts): when a
// theme's words change, the days they were counted on are rolled up again.
import { yesterdayIn } from '../platform/time.ts';
import { ON_LATE_CONFLICT } from './dirty-days.ts';
import { markDaysStatement } from './marks.ts';

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
  const yesterday = yesterdayIn(tz, now);
  const days = reroll ? (await d1.prepare(COMMENT_DAYS).bind(ws, yesterday).all<{ day: string }>()).results.map((r) => r.day) : [];
  await d1.batch([
    ...(days.length ? [markDaysStatement(d1, ws, days, 'full')] : []),
    d1.prepare(`INSERT INTO rollup_state (workspace_id, report_gen) VALUES (?1, 1) ${ON_LATE_CONFLICT}`).bind(ws),
  ]);
  return days.length;
}
