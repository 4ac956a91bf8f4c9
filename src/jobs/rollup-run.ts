import { guardD1 } from '../platform/d1.ts';
import type { Env } from '../env.ts';
import { rebuildReports } from '../publish/cache.ts';
import { runWorkspaceRollup, type RunResult } from '../rollup/dirty-days.ts';

export type Timings = { rollupMs: number; reportsMs: number };

/**
 * Rolls up one workspace and, when any day changed (or nothing was ever built), rebuilds its
 * reports. `timings` (wall time of each part; workerd's clock moves on I/O, which both do) is
 * what POST /v1/rollups reports in Server-Timing.
 */
export async function rollupWorkspace(
  env: Env,
  ws: string,
  tz: string,
  now: number,
  maxDays?: number,
): Promise<RunResult & { reportGeneration: number | null; timings: Timings }> {
  const d1 = guardD1(env.DB);
  const t0 = Date.now();
  const run = await runWorkspaceRollup(d1, ws, tz, now, maxDays);
  const built = await d1.prepare('SELECT report_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws).first<{ report_gen: number }>();
  const t1 = Date.now();
  const stale = run.rolledUp.length > 0 || !built?.report_gen;
  const reportGeneration = stale ? await rebuildReports(d1, env.REPORTS, ws, tz, now) : null;
  return { ...run, reportGeneration, timings: { rollupMs: t1 - t0, reportsMs: Date.now() - t1 } };
}

// Workspaces whose last run is oldest go first, so a large fleet is served round-robin
// across cron invocations when one invocation cannot reach them all.
const WORKSPACES_PER_RUN = 25;

export async function scheduledRollup(env: Env, now: number): Promise<{ workspaces: number; days: number }> {
  const { results } = await env.DB.prepare(
    `SELECT w.id, w.timezone FROM workspaces w LEFT JOIN rollup_state s ON s.workspace_id = w.id
     ORDER BY coalesce(s.last_run_at, 0), w.id LIMIT ?1`,
  )
    .bind(WORKSPACES_PER_RUN)
    .all<{ id: string; timezone: string }>();
  let days = 0;
  for (const w of results) {
    try {
      days += (await rollupWorkspace(env, w.id, w.timezone, now)).rolledUp.length;
    } catch (err) {
      // One workspace's failure must not starve the others; its dirty days stay marked.
      console.error('rollup failed', w.id, err instanceof Error ? err.message : String(err));
    }
  }
  return { workspaces: results.length, days };
}
