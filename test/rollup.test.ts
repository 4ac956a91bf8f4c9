import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { rollupDay } from '../src/rollup/day.ts';
import { lifecyclePass } from '../src/rollup/lifecycle.ts';
import { localDay } from '../src/platform/time.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { dailyReport, summaryReport, breakdownReport } from '../src/reports/reports.ts';
import { newWorkspace, send, type TestWorkspace } from './helpers.ts';
import { D1, D2, D3, ev, loaded, NOW, TZ } from './scenario.ts';

const d1 = () => guardD1(env.DB);

async function rollupAll(ws: TestWorkspace, now = NOW) {
  for (let i = 0; i < 10; i++) {
    const r = await drainAll(d1(), ws.id, TZ, now);
    if (r.pending === 0) return;
  }
  throw new Error('rollup did not finish');
}

async function snapshot(ws: string) {
  const q = (t: string) => env.DB.prepare(`SELECT * FROM ${t} WHERE workspace_id = ? ORDER BY 2, 3, 4, 5`).bind(ws).all();
  return { metrics: (await q('daily_metrics')).results, customers: (await q('daily_customers')).results };
}

describe('rollup: hand-worked period across the DST change', () => {
  it('summary metrics equal the hand-worked figures', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const { metrics: m } = await summaryReport(d1(), ws.id, TZ, { from: D1, to: D3 });
    expect(m.nps).toEqual({ score: 25, responses: 4, promoters: 2, passives: 1, detractors: 1 });
    expect(m.csat).toEqual({ score: 66.67, responses: 3, satisfied: 2 });
    expect(m.ces).toEqual({ score: 4.67, responses: 3, easyRate: 66.67 });
    expect(m.interactions).toEqual({ count: 4, customers: 3, success: 2, failure: 1, abandoned: 1, meanSentiment: -0.07, negativeRate: 75 });
    // S = {c1, c2, c4}; churned = {c2, c4}; E = {c1, c3, c4}; new = {c3}.
    expect(m.churn).toEqual({ rate: 66.67, churned: 2, customersAtStart: 3 });
    expect(m.retention).toEqual({ rate: 66.67, customersAtStart: 3, customersAtEnd: 3, newCustomers: 1 });
    // Received t1, t2; resolved t1; first responses 30 and 120 minutes.
    expect(m.resolution).toEqual({ rate: 50, received: 2, resolved: 1, medianFirstResponseMinutes: 75, p90FirstResponseMinutes: 120, awaitingFirstResponse: 0 });
  });

  it('daily entries put 23:59:59 and 00:00:00 on their own days and evaluate each day alone', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const { days } = await dailyReport(d1(), ws.id, TZ, { from: D1, to: D3 });
    expect(days.map((d) => d.day)).toEqual([D1, D2, D3]);
    expect(days.map((d) => d.metrics.nps.responses)).toEqual([4, 0, 0]);
    expect(days.map((d) => d.metrics.csat.responses)).toEqual([0, 3, 0]);
    expect(days[1].metrics.nps.score).toBeNull();
    // D1: t1 resolved by the day's end, t2 not. D2: nothing received.
    expect(days[0].metrics.resolution).toEqual({ rate: 50, received: 2, resolved: 1, medianFirstResponseMinutes: 75, p90FirstResponseMinutes: 120, awaitingFirstResponse: 0 });
    expect(days[1].metrics.resolution).toEqual({
      rate: null,
      received: 0,
      resolved: 0,
      medianFirstResponseMinutes: null,
      p90FirstResponseMinutes: null,
      awaitingFirstResponse: 0,
    });
    // D1 starts with c1, c2, c4; c4 churns; c3 joins. D2 starts with c1, c2, c3; c2 churns.
    expect(days[0].metrics.churn).toEqual({ rate: 33.33, churned: 1, customersAtStart: 3 });
    expect(days[0].metrics.retention).toEqual({ rate: 66.67, customersAtStart: 3, customersAtEnd: 3, newCustomers: 1 });
    expect(days[1].metrics.churn).toEqual({ rate: 33.33, churned: 1, customersAtStart: 3 });
    expect(days[2].metrics.retention).toEqual({ rate: 100, customersAtStart: 2, customersAtEnd: 3, newCustomers: 1 });
  });

  it('a one-day summary equals that day of the daily report', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const { days } = await dailyReport(d1(), ws.id, TZ, { from: D1, to: D3 });
    for (const d of days) {
      const { metrics } = await summaryReport(d1(), ws.id, TZ, { from: d.day, to: d.day });
      expect(metrics).toEqual(d.metrics);
    }
  });

  it('breakdowns: channel falls back to the touchpoint, stage via the touchpoint, segment is current, unknown keys appear', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const range = { from: D1, to: D3 };
    const tp = await breakdownReport(d1(), ws.id, TZ, range, 'touchpoint');
    const keys = tp.rows.map((r) => r.key);
    expect(keys).toEqual(['checkout', 'ghost-kiosk', 'store-till', 'support-call', null]);
    const checkout = tp.rows.find((r) => r.key === 'checkout')!.metrics;
    expect(checkout.nps.promoters).toBe(2);
    expect(checkout.interactions.count).toBe(2);
    expect(checkout.churn).toBeNull();
    const ch = await breakdownReport(d1(), ws.id, TZ, range, 'channel');
    const web = ch.rows.find((r) => r.key === 'web')!.metrics;
    expect(web.interactions.count).toBe(2); // checkout is a web touchpoint
    expect(ch.rows.find((r) => r.key === 'mobile')!.metrics.interactions.count).toBe(1); // explicit channel wins
    expect(ch.rows.find((r) => r.key === 'chat')!.metrics.resolution.received).toBe(1);
    const st = await breakdownReport(d1(), ws.id, TZ, range, 'stage');
    expect(st.rows.find((r) => r.key === 'purchase')!.metrics.interactions.count).toBe(3);
    expect(st.rows.find((r) => r.key === null)!.metrics.interactions.count).toBe(1); // ghost-kiosk has no stage
    const seg = await breakdownReport(d1(), ws.id, TZ, range, 'segment');
    const premium = seg.rows.find((r) => r.key === 'premium')!.metrics;
    expect(premium.churn).toEqual({ rate: 0, churned: 0, customersAtStart: 1 });
    expect(seg.rows.find((r) => r.key === 'retail')!.metrics.churn).toEqual({ rate: 100, churned: 1, customersAtStart: 1 });
  });
});

describe('rollup: idempotent, resumable, and safe beside ingestion', () => {
  it('running it again changes nothing', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const first = await snapshot(ws.id);
    expect(first.metrics.length).toBeGreaterThan(0);
    for (const day of [D1, D2, D3]) await rollupDay(d1(), ws.id, TZ, day, null);
    await lifecyclePass(d1(), ws.id, localDay(NOW, TZ));
    expect(await snapshot(ws.id)).toEqual(first);
  });

  it('a run stopped after one day and resumed ends where a clean run does', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const clean = await snapshot(ws.id);
    await env.DB.prepare('DELETE FROM daily_metrics WHERE workspace_id = ?').bind(ws.id).run();
    await env.DB.prepare('DELETE FROM daily_customers WHERE workspace_id = ?').bind(ws.id).run();
    const days = [...new Set(clean.metrics.map((r) => r.day as string))];
    await env.DB.prepare('INSERT INTO dirty_days (workspace_id, day) SELECT ?1, value FROM json_each(?2)').bind(ws.id, JSON.stringify(days)).run();
    const partial = await drainAll(d1(), ws.id, TZ, NOW, 1);
    // Newest first: yesterday's report is never starved by older days.
    expect(partial.rolledUp).toEqual([days.sort().at(-1)]);
    expect(partial.pending).toBeGreaterThan(0);
    await rollupAll(ws);
    expect(await snapshot(ws.id)).toEqual(clean);
  });

  it('an event ingested while a day rolls up keeps the day dirty for the next run', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    await env.DB.prepare('INSERT INTO dirty_days (workspace_id, day) VALUES (?1, ?2)').bind(ws.id, D1).run();
    const { version } = (await env.DB.prepare('SELECT version FROM dirty_days WHERE workspace_id = ?1 AND day = ?2').bind(ws.id, D1).first<{ version: number }>())!;
    // Ingest lands between the rollup's read and its write.
    await send(ws, ev('response', 'c9', '2026-10-24T15:00:00+02:00', { survey: 'nps', score: 0 }));
    await rollupDay(d1(), ws.id, TZ, D1, version);
    const left = await env.DB.prepare('SELECT version FROM dirty_days WHERE workspace_id = ?1 AND day = ?2').bind(ws.id, D1).first();
    expect(left).not.toBeNull();
    await rollupAll(ws);
    const { metrics } = await summaryReport(d1(), ws.id, TZ, { from: D1, to: D1 });
    expect(metrics.nps.detractors).toBe(2);
  });

  it('a late event changes its day after the next run, and a late lifecycle event moves later days', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const before = await dailyReport(d1(), ws.id, TZ, { from: D1, to: D3 });
    await send(ws, ev('response', 'c5', '2026-10-25T10:00:00+01:00', { survey: 'nps', score: 10 }));
    await send(ws, ev('lifecycle', 'c6', '2026-10-23T10:00:00+02:00', { status: 'started' }));
    const stale = await dailyReport(d1(), ws.id, TZ, { from: D1, to: D3 });
    expect(stale.days.map((d) => d.metrics)).toEqual(before.days.map((d) => d.metrics));
    await rollupAll(ws);
    const after = await dailyReport(d1(), ws.id, TZ, { from: D1, to: D3 });
    expect(after.days[1].metrics.nps.promoters).toBe(1);
    // c6 became active on 10-23, so every later day starts with one more customer.
    expect(after.days.map((d) => d.metrics.churn!.customersAtStart)).toEqual(before.days.map((d) => d.metrics.churn!.customersAtStart + 1));
  });

  it('a day holding only interactions without outcome or sentiment rolls up to zeros, not an error', async () => {
    const ws = await newWorkspace(TZ);
    await send(ws, { batch: [ev('interaction', 'c1', '2026-10-25T10:00:00+01:00', { touchpoint: 'web-home' }), ev('interaction', 'c2', '2026-10-25T11:00:00+01:00', { touchpoint: 'web-home' })] });
    await rollupAll(ws);
    const { metrics } = await summaryReport(d1(), ws.id, TZ, { from: D2, to: D2 });
    expect(metrics.interactions).toEqual({ count: 2, customers: 2, success: 0, failure: 0, abandoned: 0, meanSentiment: null, negativeRate: 0 });
  });

  it('distinct customers come out the same when the day is written in slices of one interaction', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    const whole = await snapshot(ws.id);
    for (const day of [D1, D2, D3]) await rollupDay(d1(), ws.id, TZ, day, null, 1);
    await lifecyclePass(d1(), ws.id, localDay(NOW, TZ));
    expect(await snapshot(ws.id)).toEqual(whole);
    expect(whole.customers.length).toBeGreaterThan(3);
  });

  it('a change of segment moves the customer’s past days to the new segment', async () => {
    const ws = await loaded();
    await rollupAll(ws);
    await send(ws, ev('identify', 'c1', '2026-10-26T20:00:00+01:00', { segment: 'business' }));
    await rollupAll(ws);
    const seg = await breakdownReport(d1(), ws.id, TZ, { from: D1, to: D3 }, 'segment');
    expect(seg.rows.map((r) => r.key)).not.toContain('premium');
    expect(seg.rows.find((r) => r.key === 'business')!.metrics.interactions.count).toBe(2);
  });
});
