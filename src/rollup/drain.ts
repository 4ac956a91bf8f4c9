// One step of draining a workspace's marks, and the same steps in one loop. The drain Workflow
// (src/jobs/rollup-workflow.ts) calls `drainStep` once per step.do; tests and the bench's
// baseline call `drainAll`. Every call is bounded (a few days, one cascade budget, or one
// lifecycle pass), so no step nears D1's limits whatever the backlog.
import { localDay, yesterdayIn } from '../platform/time.ts';
import { rollupDay } from './day.ts';
import { advanceMarks } from './dirty-days.ts';
import { claimMarks } from './marks.ts';
import { lifecyclePass } from './lifecycle.ts';

/** Full days rolled up per step: a 100k-event day takes ~3 s, so a step stays well under a minute. */
const DAYS_PER_STEP = 7;

// Days of live rollup runs first (the oldest run's first), then the newest days: yesterday's
// report is never starved by an old backlog.
const NEXT_FULL_DAYS = `
SELECT d.day, d.version FROM dirty_days d
WHERE d.workspace_id = ?1 AND d.kind = 'full' AND d.day < ?2
ORDER BY coalesce((SELECT MIN(r.created_at) FROM rollup_runs r WHERE r.workspace_id = ?1 AND r.status IN ('queued', 'running')
  AND d.day BETWEEN r.from_day AND r.to_day), 9e15), d.day DESC
LIMIT ?3`;

export type StepResult = { rolledUp: string[]; lifecycleDays: number; done: boolean };

/** Advances the marks, then rolls up a few full days or, when none is left, runs the lifecycle pass. */
export async function drainStep(d1: D1Database, ws: string, tz: string, now: number, days = DAYS_PER_STEP): Promise<StepResult> {
  const today = localDay(now, tz);
  if ((await advanceMarks(d1, ws, tz, now)).more) return { rolledUp: [], lifecycleDays: 0, done: false };
  const { results } = await d1.prepare(NEXT_FULL_DAYS).bind(ws, today, days).all<{ day: string; version: number }>();
  // Claimed before any of their events are read, so that a mark landing meanwhile keeps them full.
  const claimed = results.length ? await claimMarks(d1, ws, 'day IN (SELECT value FROM json_each(?2))', JSON.stringify(results.map((r) => r.day))) : new Map();
  for (const { day, version } of results) await rollupDay(d1, ws, tz, day, claimed.get(day) ?? version);
  if (results.length) return { rolledUp: results.map((r) => r.day), lifecycleDays: 0, done: false };
  const lifecycleDays = await lifecyclePass(d1, ws, today);
  return { rolledUp: [], lifecycleDays, done: true };
}

/** Days (of any kind) still marked before today, at or after the floor. */
async function pendingDays(d1: D1Database, ws: string, tz: string, now: number): Promise<number> {
  const today = localDay(now, tz);
  const row = await d1.prepare('SELECT COUNT(*) AS n FROM dirty_days WHERE workspace_id = ?1 AND day < ?2').bind(ws, today).first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * The drain in one loop, without the engine: up to `maxDays` full days, then the lifecycle pass
 * (when the full days are done). What tests and the bench's baseline use.
 */
export async function drainAll(d1: D1Database, ws: string, tz: string, now: number, maxDays = Infinity) {
  const rolledUp: string[] = [];
  for (;;) {
    const step = await drainStep(d1, ws, tz, now, Math.min(DAYS_PER_STEP, maxDays - rolledUp.length));
    rolledUp.push(...step.rolledUp);
    if (step.done || rolledUp.length >= maxDays) break;
  }
  return { rolledUp, pending: await pendingDays(d1, ws, tz, now), yesterday: yesterdayIn(tz, now) };
}
