// Work proportional to what changed, and bounded whatever one event says: the history floor,
// late lifecycle events that only move who was active, and drains that ingest starts itself.
import { createScheduledController, introspectWorkflowInstance } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { drainId } from '../src/jobs/drain.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { addDays, localDay } from '../src/platform/time.ts';
import { dailyReport } from '../src/reports/reports.ts';
import { DEFAULT_HISTORY_DAYS } from '../src/rollup/dirty-days.ts';
import { drainAll, type StepResult } from '../src/rollup/drain.ts';
import { drainState, fetchStartingDrain, tickAndDrain } from './drain.ts';
import { apiJson, countRows, newWorkspace, send, type TestWorkspace } from './helpers.ts';

const today = () => localDay(Date.now(), 'UTC');
const yesterday = () => addDays(today(), -1);

/** Twenty recent days of answers and interactions from ten customers who signed up 40 days ago. */
async function recent(prefix: string): Promise<TestWorkspace> {
  const ws = await newWorkspace('UTC');
  const batch: Record<string, unknown>[] = [];
  for (let c = 0; c < 10; c++) batch.push({ type: 'lifecycle', messageId: `${prefix}s${c}`, customerId: `c${c}`, status: 'started', timestamp: `${addDays(today(), -40)}T08:00:00Z` });
  for (let i = 1; i <= 20; i++) {
    const day = addDays(today(), -i);
    batch.push(
      { type: 'response', messageId: `${prefix}r${i}`, customerId: `c${i % 10}`, survey: 'nps', score: i % 11, timestamp: `${day}T10:00:00Z` },
      { type: 'interaction', messageId: `${prefix}i${i}`, customerId: `c${i % 10}`, touchpoint: 'web', outcome: 'success', timestamp: `${day}T11:00:00Z` },
    );
    if (i % 4 === 0) batch.push({ type: 'lifecycle', messageId: `${prefix}x${i}`, customerId: `c${i % 10}`, status: 'churned', timestamp: `${day}T12:00:00Z` });
  }
  expect((await send(ws, { batch })).status).toBe(202);
  await tickAndDrain(ws);
  return ws;
}

/** A tick, and the first day step of the drain it starts. */
async function tickAndFirstStep(ws: TestWorkspace): Promise<StepResult> {
  const { seq } = await drainState(ws.id);
  await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, seq + 1));
  await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '5 * * * *' }), env);
  const step = (await drain.waitForStepResult({ name: 'round 1: step 1' })) as StepResult;
  await drain.waitForStatus('complete');
  return step;
}

describe('one event costs a bounded amount of work', () => {
  it('a lifecycle event dated 1970 reaches back to the history floor only, and yesterday’s report is complete after one drain', async () => {
    const ws = await recent('f');
    const before = (await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read })).body;
    const attack = { type: 'lifecycle', messageId: 'x', customerId: 'anyone', status: 'started', timestamp: '1970-01-01T00:00:00Z' };
    expect((await send(ws, attack)).status).toBe(202);
    expect((await send(ws, attack)).body).toEqual({ accepted: 0, duplicates: 1 }); // resent: no second event
    const step = await tickAndFirstStep(ws);
    // No day's events were aggregated again; who was active was rewritten from the floor on.
    expect(step.rolledUp).toEqual([]);
    expect(step.lifecycleDays).toBeLessThanOrEqual(DEFAULT_HISTORY_DAYS);
    expect(await countRows('dirty_days', ws.id)).toBe(0);
    const after = (await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read })).body;
    expect(after).toMatchObject({ complete: true, pendingDays: 0, to: yesterday() });
    // The data says so: "anyone" has been active since 1970.
    expect(after.metrics.retention.customersAtStart).toBe(before.metrics.retention.customersAtStart + 1);
  });

  it('a late lifecycle event 300 days back re-aggregates no day, and the days after it equal a full rollup', async () => {
    const ws = await recent('l');
    const day = addDays(today(), -300);
    await send(ws, { type: 'lifecycle', messageId: 'late', customerId: 'c3', status: 'churned', timestamp: `${day}T09:00:00Z` });
    await send(ws, { type: 'lifecycle', messageId: 'back', customerId: 'c3', status: 'started', timestamp: `${addDays(today(), -30)}T09:00:00Z` });
    // No figure of a day's own rollup comes from lifecycle events: their days are not marked full.
    expect(await countRows('dirty_days', ws.id)).toBe(0);
    const { summary } = await apiJson('/v1/reports/summary?period=30d', { key: ws.keys.read }).then((r) => ({ summary: r.body }));
    expect(summary).toMatchObject({ complete: false });
    const step = await tickAndFirstStep(ws);
    expect(step.rolledUp).toEqual([]);
    expect(step.lifecycleDays).toBeGreaterThanOrEqual(300);
    const range = { from: addDays(today(), -45), to: yesterday() };
    const incremental = await dailyReport(guardD1(env.DB), ws.id, 'UTC', range);
    // The same days rolled up in full, from scratch.
    await env.DB.prepare("INSERT INTO dirty_days (workspace_id, day) SELECT ?1, value FROM json_each(?2) WHERE true ON CONFLICT DO UPDATE SET kind = 'full'")
      .bind(ws.id, JSON.stringify(Array.from({ length: 300 }, (_, i) => addDays(day, i))))
      .run();
    const full = await drainAll(guardD1(env.DB), ws.id, 'UTC', Date.now());
    expect(full.rolledUp.length).toBe(300);
    const strip = (r: typeof incremental) => r.days;
    expect(strip(await dailyReport(guardD1(env.DB), ws.id, 'UTC', range))).toEqual(strip(incremental));
    expect(incremental.days.find((d) => d.day === addDays(today(), -29))!.metrics.churn!.customersAtStart).toBeGreaterThan(0);
  });
});

describe('marks', () => {
  it('an event on a day marked for the lifecycle pass only makes it a full day again', async () => {
    const ws = await newWorkspace('UTC');
    const day = addDays(today(), -5);
    await env.DB.prepare("INSERT INTO dirty_days (workspace_id, day, kind) VALUES (?1, ?2, 'people')").bind(ws.id, day).run();
    await send(ws, { type: 'response', messageId: 'on-people-day', customerId: 'c1', survey: 'nps', score: 10, timestamp: `${day}T10:00:00Z` });
    const mark = await env.DB.prepare('SELECT kind, version FROM dirty_days WHERE workspace_id = ?1 AND day = ?2').bind(ws.id, day).first();
    expect(mark).toEqual({ kind: 'full', version: 2 });
    await drainAll(guardD1(env.DB), ws.id, 'UTC', Date.now());
    const { days } = await dailyReport(guardD1(env.DB), ws.id, 'UTC', { from: day, to: day });
    expect(days[0].metrics.nps.promoters).toBe(1);
  });
});

describe('ingest starts the drain', () => {
  it('late events start a drain that waits for the import to settle, then rolls it up', async () => {
    const ws = await newWorkspace('UTC');
    const body = JSON.stringify({ type: 'response', messageId: 'auto', customerId: 'c1', survey: 'nps', score: 10, timestamp: `${yesterday()}T10:00:00Z` });
    const req = new Request('https://trayecto.test/v1/events', {
      method: 'POST',
      headers: { authorization: `Bearer ${ws.keys.ingest}`, 'content-type': 'application/json' },
      body,
    });
    expect((await fetchStartingDrain(ws, req)).status).toBe(202);
    const r = (await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read })).body;
    expect(r).toMatchObject({ complete: true });
    expect(r.metrics.nps.promoters).toBe(1);
  });

  it('events of today start nothing, on ingest or at the next tick once the workspace is rolled up, and leave reports complete', async () => {
    const ws = await newWorkspace('UTC');
    await send(ws, { type: 'response', messageId: 'now', customerId: 'c1', survey: 'nps', score: 10 });
    expect(await drainState(ws.id)).toEqual({ seq: 0, open: 0 });
    await tickAndDrain(ws); // the workspace's first look (rolled_through is set)
    const { seq } = await drainState(ws.id);
    await send(ws, { type: 'response', messageId: 'now-2', customerId: 'c2', survey: 'nps', score: 9 });
    await worker.scheduled(createScheduledController({ scheduledTime: Date.now(), cron: '5 * * * *' }), env);
    expect(await drainState(ws.id)).toEqual({ seq, open: 0 });
    expect((await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read })).body).toMatchObject({ complete: true, pendingDays: 0 });
  });
});

describe('the history floor', () => {
  it('defaults to a year before creation; moving it down rolls up the older history an import brought', async () => {
    const ws = await newWorkspace('UTC');
    const settings = (await apiJson('/v1/workspace', { key: ws.keys.admin })).body;
    expect(settings.historyFrom).toBe(addDays(today(), -DEFAULT_HISTORY_DAYS));
    const old = addDays(today(), -400);
    await send(ws, { type: 'response', messageId: 'old', customerId: 'c1', survey: 'nps', score: 10, timestamp: `${old}T10:00:00Z` });
    await tickAndDrain(ws);
    const before = (await apiJson(`/v1/reports/summary?from=${old}&to=${old}`, { key: ws.keys.read })).body;
    // Before the floor: stored, not rolled up, and the report says it is not whole (the day with
    // the event; the summary's previous day, before the floor too, holds none).
    expect(before).toMatchObject({ complete: false, pendingDays: 0, daysBeforeHistory: 1 });
    expect(before.metrics.nps.responses).toBe(0);
    const { seq } = await drainState(ws.id);
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, seq + 1));
    const moved = await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { historyFrom: addDays(old, -10) } });
    expect(moved.status).toBe(200);
    expect(moved.body.historyFrom).toBe(addDays(old, -10));
    await drain.waitForStatus('complete');
    const after = (await apiJson(`/v1/reports/summary?from=${old}&to=${old}`, { key: ws.keys.read })).body;
    expect(after).toMatchObject({ complete: true });
    expect(after).not.toHaveProperty('daysBeforeHistory');
    expect(after.metrics.nps.promoters).toBe(1);
    expect((await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: {} })).status).toBe(400);
    expect((await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { historyFrom: 'last year' } })).status).toBe(400);
  });
});
