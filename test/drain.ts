// Test helpers for rollup runs and drains (the Workflow that rolls up pending days).
import { createExecutionContext, createScheduledController, introspectWorkflowInstance, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { expect } from 'vitest';
import worker from '../src/index.ts';
import { drainId } from '../src/jobs/drain.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { STANDARD_PERIODS, standardRange, type Period } from '../src/platform/time.ts';
import { standardReports } from '../src/publish/cache.ts';
import { PeriodFacts } from '../src/reports/period-facts.ts';
import { apiJson, type TestWorkspace } from './helpers.ts';

export type Run = { id: string; from: string; to: string; status: string; days: number; daysDone: number; error?: string };

/** Follows a run until it is done or failed; throws if it is neither within `timeoutMs`. */
export async function waitForRun(ws: TestWorkspace, id: string, timeoutMs = 25_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await apiJson<Run>(`/v1/rollups/${id}`, { key: ws.keys.admin });
    if (r.status !== 200) throw new Error(`GET /v1/rollups/${id}: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body.status === 'done' || r.body.status === 'failed') return r.body;
    if (Date.now() > until) throw new Error(`run ${id} still ${r.body.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** POST /v1/rollups {from, to} as an admin would, and the run once done. */
export async function rollupRange(ws: TestWorkspace, from: string, to: string): Promise<Run> {
  const r = await apiJson<Run>('/v1/rollups', { key: ws.keys.admin, body: { from, to } });
  if (r.status !== 202) throw new Error(`POST /v1/rollups: ${r.status} ${JSON.stringify(r.body)}`);
  const run = await waitForRun(ws, r.body.id);
  if (run.status !== 'done') throw new Error(`run failed: ${run.error}`);
  return run;
}

/** The drain instance of the workspace with this sequence number, and whether one is live. */
export async function drainState(wsId: string) {
  return (await env.DB.prepare('SELECT drain_seq AS seq, drain_open AS open FROM rollup_state WHERE workspace_id = ?1').bind(wsId).first<{ seq: number; open: number }>()) ?? { seq: 0, open: 0 };
}

/** One cron tick, and the drain it starts for this workspace followed to its end. */
export async function tickAndDrain(ws: TestWorkspace, now = Date.now()) {
  const { seq } = await drainState(ws.id);
  await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, seq + 1));
  await worker.scheduled(createScheduledController({ scheduledTime: now, cron: '5 * * * *' }), env);
  await drain.waitForStatus('complete');
}

/**
 * Sends `req` through the Worker with ingest starting drains, as in production (the suite turns
 * it off: DRAIN_ON_INGEST = "false"), and follows the drain it starts to its end.
 */
export async function fetchStartingDrain(ws: TestWorkspace, req: Request): Promise<Response> {
  const { seq } = await drainState(ws.id);
  await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, seq + 1));
  await drain.modify(async (m) => m.disableSleeps());
  const ctx = createExecutionContext();
  const res = await worker.fetch(req, { ...env, DRAIN_ON_INGEST: 'true' }, ctx);
  await waitOnExecutionContext(ctx);
  if (res.ok) await drain.waitForStatus('complete');
  return res;
}

const strip = ({ generatedAt, complete, pendingDays, ...rest }: Record<string, unknown>) => rest;

/** Every prebuilt report of the current generation: complete, and equal to the report computed alone (no kept facts). */
export async function expectPrebuiltAsAlone(ws: TestWorkspace) {
  const { report_gen: gen } = (await env.DB.prepare('SELECT report_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws.id).first<{ report_gen: number }>())!;
  for (const period of Object.keys(STANDARD_PERIODS) as Period[]) {
    const r = standardRange(period, ws.timezone);
    for (const [name] of standardReports(guardD1(env.DB), ws.id, ws.timezone, r)) {
      const stored = await env.REPORTS.get<Record<string, unknown>>(`report/${ws.id}/${gen}/${name}/${r.from}/${r.to}`, 'json');
      expect(stored, `${name} ${period}`).toMatchObject({ complete: true, pendingDays: 0 });
      const alone = new Map(standardReports(guardD1(env.DB), ws.id, ws.timezone, r, new PeriodFacts(guardD1(env.DB)))).get(name)!;
      expect(strip(stored!), `${name} ${period}`).toEqual(strip((await alone()) as Record<string, unknown>));
    }
  }
}
