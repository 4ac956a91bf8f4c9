// Dirty-day marks: which local days a workspace must roll up again. A mark is `full` (the day's
// own events changed) or `people` (only who was active changed); src/rollup/dirty-days.ts says
// which days get one, and the drain claims the ones it reads.

export type MarkKind = 'full' | 'people';

// A `full` mark wins over a `people` one. The version tells a rollup whether the day was marked
// again after it read it: a reader first claims the marks it reads (an odd version, `claimMarks`),
// and a mark moves the version on (to the next even number) only when it changes the kind or the
// day is claimed. A mark that changes nothing writes nothing (D1 bills every row written), so
// each batch of today's events no longer rewrites today's mark. Binds ?1 workspace, ?2 a JSON
// array of days; each day once (DISTINCT).
const markDaysSql = (kind: MarkKind) => `
INSERT INTO dirty_days (workspace_id, day, kind, version) SELECT DISTINCT ?1, j.value, '${kind}', 0 FROM json_each(?2) j WHERE true
ON CONFLICT (workspace_id, day) DO UPDATE SET version = (dirty_days.version / 2 + 1) * 2${kind === 'full' ? ", kind = 'full'" : ''}
WHERE dirty_days.version % 2 = 1${kind === 'full' ? " OR dirty_days.kind <> 'full'" : ''}`;

/**
 * Claims the workspace's marks that a rollup is about to read (`where`, with ?2 and on, picks
 * them): an odd version, so that any mark after this moves it; then the claimed versions, which
 * the rollup hands back when it clears a mark. Claimed marks are not written again.
 */
export async function claimMarks(d1: D1Database, ws: string, where: string, ...params: unknown[]): Promise<Map<string, number>> {
  const [, { results }] = await d1.batch([
    d1.prepare(`UPDATE dirty_days SET version = version + 1 WHERE workspace_id = ?1 AND ${where} AND version % 2 = 0`).bind(ws, ...params),
    d1.prepare(`SELECT day, version FROM dirty_days WHERE workspace_id = ?1 AND ${where}`).bind(ws, ...params),
  ]);
  return new Map((results as { day: string; version: number }[]).map((r) => [r.day, r.version]));
}

export const MARK_FULL = markDaysSql('full');
const MARK_PEOPLE = markDaysSql('people');

export function markDaysStatement(d1: D1Database, ws: string, days: string[], kind: MarkKind = 'full') {
  return d1.prepare(kind === 'full' ? MARK_FULL : MARK_PEOPLE).bind(ws, JSON.stringify(days));
}

// The report rebuild keeps the period facts that do not depend on who was active under
// rollup_state.facts_gen (src/publish/fact-store.ts). Whatever changes the rows, raw events or
// segments behind them (a day's rollup, a segment move, an erasure, an ingest batch holding an
// identify) moves it on; the lifecycle pass never does.
const FACTS_CHANGED = `INSERT INTO rollup_state (workspace_id, facts_gen) VALUES (?1, 1)
ON CONFLICT (workspace_id) DO UPDATE SET facts_gen = facts_gen + 1`;

export const factsChanged = (d1: D1Database, ws: string) => d1.prepare(FACTS_CHANGED).bind(ws);

// The days the cascade looks at for identify, lifecycle and ticket events it has not seen
// (src/rollup/dirty-days.ts): every batch that stores such events notes their days, in the same
// D1 batch. A day already noted writes nothing. (A case's own ticket is not noted: it opens on
// its event's day, which that batch marks `full` already, so the cascade has nothing to add.)
export const NOTE_PEOPLE_DAYS = `INSERT INTO people_days (workspace_id, day) SELECT DISTINCT ?1, j.value FROM json_each(?2) j WHERE true
ON CONFLICT (workspace_id, day) DO NOTHING`;

export const notePeopleDays = (d1: D1Database, ws: string, days: string[]) => d1.prepare(NOTE_PEOPLE_DAYS).bind(ws, JSON.stringify(days));
