// The drain: one live Workflow instance per workspace rolls up every marked day and rebuilds the
// reports. rollup_state.drain_open says one is live (set and cleared by single statements, so two
// starters never both win), drain_seq names it (instance ids are never reused).
import type { Env } from '../env.ts';
import { localDay, addDays } from '../platform/time.ts';
import { rebuildReports } from '../publish/cache.ts';
import { finishRuns } from './runs.ts';
import { checkMetricAlerts } from './metric-alert-check.ts';

export type DrainParams = { ws: string; settleSeconds?: number };

export const drainId = (ws: string, seq: number) => `${ws}-drain-${seq}`;

/**
 * Starts a drain for the workspace unless one is live; returns the new instance's id (or null).
 * `settleSeconds`: the instance first waits that long (ingest of an import arrives in many
 * requests; rolling up after the last of them avoids rolling the same days again and again).
 */
export async function ensureDrain(env: Env, d1: D1Database, ws: string, now: number, settleSeconds = 0): Promise<string | null> {
  const row = await d1
    .prepare(
      `INSERT INTO rollup_state (workspace_id, drain_seq, drain_open, drain_started_at) VALUES (?1, 1, 1, ?2)
       ON CONFLICT (workspace_id) DO UPDATE SET drain_seq = drain_seq + 1, drain_open = 1, drain_started_at = ?2 WHERE drain_open = 0
       RETURNING drain_seq`,
    )
    .bind(ws, now)
    .first<{ drain_seq: number }>();
  if (!row) return null;
  const id = drainId(ws, row.drain_seq);
  try {
    await env.ROLLUPS.create({ id, params: { ws, settleSeconds } satisfies DrainParams });
  } catch (err) {
    // Not started: let the next caller (or the cron) try again.
    await d1.prepare('UPDATE rollup_state SET drain_open = 0 WHERE workspace_id = ?1 AND drain_seq = ?2').bind(ws, row.drain_seq).run();
    throw err;
  }
  return id;
}

/** Each step says it is alive, so that the cron can tell a dead drain from a long one. */
export function heartbeat(d1: D1Database, ws: string, now: number) {
  return d1.prepare('UPDATE rollup_state SET drain_started_at = ?2 WHERE workspace_id = ?1').bind(ws, now).run();
}

/** The drain's last word: reports rebuilt from the rolled days, and the runs they complete done. */
export async function publish(env: Env, d1: D1Database, ws: string, tz: string, now: number, changed = true): Promise<number | null> {
  // Nothing rolled up this round (say a tick for a day's own events): the reports stand as built.
  const gen = changed ? await rebuildReports(d1, env.REPORTS, ws, tz, now) : null;
  if (changed) await checkMetricAlerts(env, d1, ws, tz, now);
  await finishRuns(d1, ws, now);
  return gen;
}

/**
 * Ends the drain if nothing is left to do; false if work arrived since (the drain goes round
 * again). One statement: ingest either marked before it (and sees the drain live) or after it
 * (and starts a new one).
 */
export async function closeDrain(d1: D1Database, ws: string, tz: string, now: number): Promise<boolean> {
  const today = localDay(now, tz);
  const r = await d1
    .prepare(
      `UPDATE rollup_state SET drain_open = 0 WHERE workspace_id = ?1 AND people_from IS NULL
         AND (rolled_through IS NULL OR rolled_through >= ?3)
         AND NOT EXISTS (SELECT 1 FROM dirty_days WHERE workspace_id = ?1 AND day < ?2)
         AND NOT EXISTS (SELECT 1 FROM rollup_runs WHERE workspace_id = ?1 AND status IN ('queued', 'running'))`,
    )
    .bind(ws, today, addDays(today, -1))
    .run();
  return (r.meta.changes ?? 0) > 0;
}

/** The drain failed for good: it is no longer live (the cron or the next work starts another). */
export function abandonDrain(d1: D1Database, ws: string) {
  return d1.prepare('UPDATE rollup_state SET drain_open = 0 WHERE workspace_id = ?1').bind(ws).run();
}

/**
 * After ingest stored late events with no drain live: start one that first lets the import
 * settle (DRAIN_SETTLE_SECONDS, default 60). Never throws: the cron starts it otherwise.
 * `DRAIN_ON_INGEST = "false"` (the test suite) leaves starting to explicit calls and the cron.
 */
export async function drainAfterIngest(env: Env, d1: D1Database, ws: string): Promise<void> {
  if (env.DRAIN_ON_INGEST === 'false') return;
  await ensureDrain(env, d1, ws, Date.now(), Number(env.DRAIN_SETTLE_SECONDS ?? 60)).catch((e) => console.error('drain not started', ws, String(e)));
}
