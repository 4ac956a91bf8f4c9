// Decides which local days each workspace must roll up, and runs them within a budget so
// that one invocation stays far from D1's limits; what is left stays marked for the next run.
import { addDays, daysBetween, localDay } from '../platform/time.ts';
import { rollupDay } from './day.ts';

export const DAYS_PER_RUN = 40;
const PEOPLE_CHUNK = 2000;

type State = { people_seq: number; rolled_through: string | null; report_gen: number };

async function loadState(d1: D1Database, ws: string, yesterday: string): Promise<State> {
  await d1
    .prepare('INSERT INTO rollup_state (workspace_id, rolled_through) VALUES (?1, ?2) ON CONFLICT DO NOTHING')
    .bind(ws, yesterday)
    .run();
  return (await d1.prepare('SELECT people_seq, rolled_through, report_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws).first<State>())!;
}

const MARK_DAYS = `
INSERT INTO dirty_days (workspace_id, day) SELECT ?1, value FROM json_each(?2) WHERE true
ON CONFLICT (workspace_id, day) DO UPDATE SET version = version + 1`;

function dayRange(from: string, to: string): string[] {
  const n = daysBetween(from, to);
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i));
}

export function markDaysStatement(d1: D1Database, ws: string, days: string[]) {
  return d1.prepare(MARK_DAYS).bind(ws, JSON.stringify(days));
}

// Identify, lifecycle and ticket events reach beyond their own day: a segment change moves
// every day of that customer, a lifecycle change shifts who is active on every later day,
// and an earlier `opened` moves a ticket's day of receipt. Turn the new ones into dirty days.
// Each term starts from the chunk's customers or tickets (CROSS JOIN fixes the loop order),
// so a chunk costs the same however large the workspace's history is.
export const PEOPLE_DAYS = `
WITH fresh AS (
  SELECT seq, type, customer_id, ticket_id, day FROM events
  WHERE workspace_id = ?1 AND seq > ?2 AND type IN ('identify', 'lifecycle', 'ticket')
  ORDER BY seq LIMIT ${PEOPLE_CHUNK}
)
SELECT 'max' AS kind, MAX(seq) AS day FROM fresh
UNION ALL SELECT 'from', MIN(day) FROM fresh WHERE type = 'lifecycle'
UNION ALL SELECT 'from', MIN(e.day)
  FROM (SELECT DISTINCT customer_id FROM fresh WHERE type = 'identify') f
  CROSS JOIN events e ON e.workspace_id = ?1 AND e.customer_id = f.customer_id AND e.type = 'lifecycle'
UNION ALL SELECT DISTINCT 'day', e.day FROM events e
  WHERE e.workspace_id = ?1 AND e.type IN ('interaction', 'response', 'ticket')
    AND e.customer_id IN (SELECT customer_id FROM fresh WHERE type = 'identify')
UNION ALL SELECT DISTINCT 'day', e.day FROM events e
  WHERE e.workspace_id = ?1 AND e.type = 'ticket' AND e.status = 'opened'
    AND e.ticket_id IN (SELECT ticket_id FROM fresh WHERE type = 'ticket')`;

async function markPeopleDays(d1: D1Database, ws: string, state: State, yesterday: string): Promise<void> {
  for (;;) {
    const { results } = await d1.prepare(PEOPLE_DAYS).bind(ws, state.people_seq).all<{ kind: string; day: string | number | null }>();
    const maxSeq = results.find((r) => r.kind === 'max')?.day;
    if (maxSeq === null || maxSeq === undefined) return;
    const days = new Set<string>();
    for (const r of results) {
      if (r.kind === 'day' && r.day) days.add(String(r.day));
      if (r.kind === 'from' && r.day && String(r.day) <= yesterday) for (const d of dayRange(String(r.day), yesterday)) days.add(d);
    }
    await d1.batch([
      markDaysStatement(d1, ws, [...days]),
      d1.prepare('UPDATE rollup_state SET people_seq = ?2 WHERE workspace_id = ?1 AND people_seq < ?2').bind(ws, Number(maxSeq)),
    ]);
    state.people_seq = Number(maxSeq);
  }
}

export type RunResult = { rolledUp: string[]; pending: number };

/**
 * Marks newly completed days and the days that late events reach, then rolls up to
 * `maxDays` of the oldest complete dirty days.
 */
export async function runWorkspaceRollup(d1: D1Database, ws: string, tz: string, now: number, maxDays = DAYS_PER_RUN): Promise<RunResult> {
  const today = localDay(now, tz);
  const yesterday = addDays(today, -1);
  const state = await loadState(d1, ws, yesterday);
  if (state.rolled_through && state.rolled_through < yesterday) {
    await d1.batch([
      markDaysStatement(d1, ws, dayRange(addDays(state.rolled_through, 1), yesterday)),
      d1.prepare('UPDATE rollup_state SET rolled_through = ?2 WHERE workspace_id = ?1').bind(ws, yesterday),
    ]);
  }
  await markPeopleDays(d1, ws, state, yesterday);
  const { results } = await d1
    .prepare('SELECT day, version FROM dirty_days WHERE workspace_id = ?1 AND day < ?2 ORDER BY day LIMIT ?3')
    .bind(ws, today, maxDays)
    .all<{ day: string; version: number }>();
  for (const { day, version } of results) await rollupDay(d1, ws, tz, day, version);
  const left = await d1
    .prepare('SELECT COUNT(*) AS n FROM dirty_days WHERE workspace_id = ?1 AND day < ?2')
    .bind(ws, today)
    .first<{ n: number }>();
  // A finished backfill is forgotten, so that the same request later (say after an inventory
  // change) marks its range afresh instead of "continuing" around an unrelated late day.
  await d1
    .prepare(
      `UPDATE rollup_state SET last_run_at = ?2,
         backfill_range = CASE WHEN EXISTS (SELECT 1 FROM dirty_days d WHERE d.workspace_id = ?1
           AND d.day BETWEEN substr(backfill_range, 1, 10) AND substr(backfill_range, 13, 10)) THEN backfill_range END
       WHERE workspace_id = ?1`,
    )
    .bind(ws, now)
    .run();
  return { rolledUp: results.map((r) => r.day), pending: left?.n ?? 0 };
}

/** Days of [from, to] still queued for a rollup. */
export async function pendingIn(d1: D1Database, ws: string, from: string, to: string): Promise<number> {
  const row = await d1
    .prepare('SELECT COUNT(*) AS n FROM dirty_days WHERE workspace_id = ?1 AND day BETWEEN ?2 AND ?3')
    .bind(ws, from, to)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Marks a backfill's days, unless the same range was asked for last and still has days
 * pending: then the call only continues it, so that repeated calls make progress instead of
 * re-running the range's first days again and again.
 */
export async function markBackfill(d1: D1Database, ws: string, from: string, to: string, yesterday: string): Promise<number> {
  const range = `${from}..${to}`;
  const last = await d1.prepare('SELECT backfill_range AS range FROM rollup_state WHERE workspace_id = ?1').bind(ws).first<{ range: string | null }>();
  if (last?.range === range && (await pendingIn(d1, ws, from, to)) > 0) return 0;
  const days = dayRange(from, to);
  await d1.batch([
    markDaysStatement(d1, ws, days),
    d1
      .prepare(
        `INSERT INTO rollup_state (workspace_id, rolled_through, backfill_range) VALUES (?1, ?2, ?3)
         ON CONFLICT (workspace_id) DO UPDATE SET backfill_range = excluded.backfill_range`,
      )
      .bind(ws, yesterday, range),
  ]);
  return days.length;
}
