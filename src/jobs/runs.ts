// Rollup runs (POST /v1/rollups): a range of days that goes before other pending work. A run is
// `queued` until the drain works on it, `running` while its days roll, `done` once its days are
// rolled and the reports rebuilt after them, `failed` (with `error`) if the drain gave up.
import { randomId } from '../platform/crypto.ts';
import { dayRange, loadState, pendingIn } from '../rollup/dirty-days.ts';
import { markDaysStatement } from '../rollup/marks.ts';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed';
export type RunView = { id: string; from: string; to: string; status: RunStatus; days: number; daysDone: number; error?: string };

type RunRow = { id: string; from_day: string; to_day: string; days: number; status: RunStatus; error: string | null };

const LIVE = "status IN ('queued', 'running')";

async function view(d1: D1Database, ws: string, r: RunRow, yesterday: string): Promise<RunView> {
  const pending = r.status === 'done' ? 0 : await pendingIn(d1, ws, r.from_day, r.to_day, yesterday);
  const out: RunView = { id: r.id, from: r.from_day, to: r.to_day, status: r.status, days: r.days, daysDone: Math.max(0, r.days - pending) };
  if (r.error) out.error = r.error;
  return out;
}

/**
 * A run for [from, to]: the live one for the same range if there is one, else a new one whose
 * days are marked (`full`) and whose start lowers the history floor if it is older. Returns
 * `created` so the caller starts the drain.
 */
export async function openRun(d1: D1Database, ws: string, from: string, to: string, now: number, yesterday: string) {
  const live = await d1
    .prepare(`SELECT * FROM rollup_runs WHERE workspace_id = ?1 AND from_day = ?2 AND to_day = ?3 AND ${LIVE} ORDER BY created_at LIMIT 1`)
    .bind(ws, from, to)
    .first<RunRow>();
  if (live) return { run: await view(d1, ws, live, yesterday), created: false };
  const days = dayRange(from, to);
  const id = randomId();
  const { floor } = await loadState(d1, ws, yesterday);
  await d1.batch([
    // An explicit range before the floor moves the floor: the admin asked for that history.
    d1
      .prepare('UPDATE rollup_state SET report_gen = report_gen + 1, history_from = CASE WHEN ?2 < ?3 THEN ?2 ELSE history_from END WHERE workspace_id = ?1')
      .bind(ws, from, floor),
    markDaysStatement(d1, ws, days),
    d1
      .prepare(`INSERT INTO rollup_runs (id, workspace_id, from_day, to_day, days, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6)`)
      .bind(id, ws, from, to, days.length, now),
  ]);
  return { run: { id, from, to, status: 'queued' as const, days: days.length, daysDone: 0 }, created: true };
}

export async function getRun(d1: D1Database, ws: string, id: string, yesterday: string): Promise<RunView | null> {
  const r = await d1.prepare('SELECT * FROM rollup_runs WHERE workspace_id = ?1 AND id = ?2').bind(ws, id).first<RunRow>();
  return r && view(d1, ws, r, yesterday);
}

/** The drain has started on the workspace's queued runs. */
export function startRuns(d1: D1Database, ws: string, now: number) {
  return d1.prepare(`UPDATE rollup_runs SET status = 'running', updated_at = ?2 WHERE workspace_id = ?1 AND status = 'queued'`).bind(ws, now).run();
}

/** After a rebuild: live runs none of whose days is still marked are done. */
export function finishRuns(d1: D1Database, ws: string, now: number) {
  return d1
    .prepare(
      `UPDATE rollup_runs SET status = 'done', updated_at = ?2 WHERE workspace_id = ?1 AND ${LIVE}
         AND NOT EXISTS (SELECT 1 FROM dirty_days d WHERE d.workspace_id = ?1 AND d.day BETWEEN from_day AND to_day)`,
    )
    .bind(ws, now)
    .run();
}

export function failRuns(d1: D1Database, ws: string, now: number, error: string) {
  return d1
    .prepare(`UPDATE rollup_runs SET status = 'failed', error = ?3, updated_at = ?2 WHERE workspace_id = ?1 AND ${LIVE}`)
    .bind(ws, now, error.slice(0, 500))
    .run();
}
