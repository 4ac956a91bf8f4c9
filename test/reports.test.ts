
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../src/platform/time.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { PeriodFacts } from '../src/reports/period-facts.ts';
import { standardReports } from '../src/publish/cache.ts';
import { STANDARD_PERIODS, standardRange, type Period } from '../src/platform/time.ts';
import { api, apiJson, newWorkspace, send, type TestWorkspace } from './helpers.ts';
import { rollupRange, tickAndDrain } from './drain.ts';
import { D1, D3, ev, loaded, TZ } from './scenario.ts';

const range = `from=${D1}&to=${D3}`;

/** Backfills the scenario's days through the API, as an admin would. */
const backfill = (ws: TestWorkspace) => rollupRange(ws, D1, D3);

describe('reports over HTTP', () => {
  it('summary equals the hand-worked figures, with the previous period alongside', async () => {
    const ws = await loaded();
    const run = await backfill(ws);
    expect(run).toMatchObject({ from: D1, to: D3, status: 'done', days: 3, daysDone: 3 });
    const r = await apiJson(`/v1/reports/summary?${range}`, { key: ws.keys.read });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: D1, to: D3, timezone: TZ, complete: true, pendingDays: 0 });
    expect(Date.parse(r.body.generatedAt)).not.toBeNaN();
    expect(r.body.metrics.nps.score).toBe(25);
    expect(r.body.metrics.churn.rate).toBe(66.67);
    expect(r.body.previous).toMatchObject({ from: '2026-10-21', to: '2026-10-23' });
    // Before the period only c1, c2, c4 were active and t3 opened on 10-20 (outside 10-21…23).
    expect(r.body.previous.metrics.retention).toEqual({ rate: 100, customersAtStart: 3, customersAtEnd: 3, newCustomers: 0 });
    expect(r.body.previous.metrics.nps.score).toBeNull();
  });

  it('answers with ETag and Cache-Control, and 304 on If-None-Match', async () => {
    const ws = await loaded();
    await backfill(ws);
    const first = await api(`/v1/reports/daily?${range}`, { key: ws.keys.read });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect((await first.json<any>()).days).toHaveLength(3);
    const again = await api(`/v1/reports/daily?${range}`, { key: ws.keys.read, headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('breakdown by each dimension has one row per value seen', async () => {
    const ws = await loaded();
    await backfill(ws);
    for (const by of ['touchpoint', 'channel', 'stage', 'segment']) {
      const r = await apiJson(`/v1/reports/breakdown?by=${by}&${range}`, { key: ws.keys.read });
      expect(r.status).toBe(200);
      expect(r.body.by).toBe(by);
      const keys = r.body.rows.map((x: any) => x.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
  });

  it('the cron prebuilds the standard periods in KV under versioned keys, and reads come from there', async () => {
    const ws = await newWorkspace('UTC');
    const yesterday = addDays(localDay(Date.now(), 'UTC'), -1);
    await send(ws, ev('response', 'k1', `${yesterday}T10:00:00Z`, { survey: 'nps', score: 10 }));
    // The tick starts the workspace's first drain; it rolls the day up and rebuilds the reports.
    await tickAndDrain(ws);
    const { keys } = await env.REPORTS.list({ prefix: `report/${ws.id}/` });
    const names = keys.map((k) => k.name.split('/').slice(3, 4)[0]);
    for (const n of ['summary', 'daily', 'breakdown-touchpoint', 'breakdown-channel', 'breakdown-stage', 'breakdown-segment', 'themes', 'empathy']) {
      expect(names.filter((x) => x === n)).toHaveLength(3); // 7d, 30d, 90d
    }
    const r = await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read });
    expect(r.body.metrics.nps.promoters).toBe(1);
    expect(r.body.to).toBe(yesterday);
    const key = keys.find((k) => k.name.includes('/summary/') && k.name.endsWith(`${addDays(yesterday, -6)}/${yesterday}`))!;
    const stored = await env.REPORTS.getWithMetadata<{ etag: string }>(key.name, 'text');
    expect(r.res.headers.get('etag')).toBe(stored.metadata!.etag);
  });

  it('reports prebuilt with shared period facts equal each report computed on its own', async () => {
    const ws = await loaded();
    await backfill(ws);
    const { report_gen: gen } = (await env.DB.prepare('SELECT report_gen FROM rollup_state WHERE workspace_id = ?1').bind(ws.id).first<{ report_gen: number }>())!;
    // The prebuilt copies also say they are complete; the rest is the same report.
    const strip = ({ generatedAt, complete, pendingDays, ...rest }: { generatedAt: string; complete?: boolean; pendingDays?: number }) => {
      if (complete !== undefined) expect({ complete, pendingDays }).toEqual({ complete: true, pendingDays: 0 });
      return rest;
    };
    let compared = 0;
    for (const period of Object.keys(STANDARD_PERIODS) as Period[]) {
      const r = standardRange(period, TZ);
      for (const [name] of standardReports(guardD1(env.DB), ws.id, TZ, r)) {
        const stored = await env.REPORTS.get(`report/${ws.id}/${gen}/${name}/${r.from}/${r.to}`, 'json');
        expect(stored, `${name} ${period} prebuilt`).not.toBeNull();
        // Fresh facts for each report: nothing shared with the rebuild or with the other reports.
        const alone = new Map(standardReports(guardD1(env.DB), ws.id, TZ, r, new PeriodFacts(guardD1(env.DB)))).get(name)!;
        expect(strip(stored as never), `${name} ${period}`).toEqual(strip((await alone()) as never));
        compared++;
      }
    }
    expect(compared).toBe(33); // 11 reports (with themes and empathy) × 3 periods
    // The 90-day period holds the scenario: the comparison is not between empty reports.
    const summary = await apiJson('/v1/reports/summary?period=90d', { key: ws.keys.read });
    expect(summary.body.metrics.nps.responses).toBeGreaterThan(0);
    expect(summary.body.metrics.retention.customersAtEnd).toBeGreaterThan(0);
  });

  it('a late event changes its day’s report after the next cron, under a new ETag', async () => {
    const ws = await newWorkspace('UTC');
    const day = addDays(localDay(Date.now(), 'UTC'), -3);
    await send(ws, ev('response', 'k1', `${day}T10:00:00Z`, { survey: 'csat', score: 5 }));
    await tickAndDrain(ws);
    const before = await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read });
    expect(before.body).toMatchObject({ complete: true, pendingDays: 0 });
    expect(before.body.metrics.csat.responses).toBe(1);
    await send(ws, ev('response', 'k2', `${day}T11:00:00Z`, { survey: 'csat', score: 1 }));
    // Not rolled up yet: the report says so (at once, not when its cached copy expires), and
    // asks to be re-read soon.
    const waiting = await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read });
    expect(waiting.body).toMatchObject({ complete: false, pendingDays: 1 });
    expect(waiting.body.metrics.csat.responses).toBe(1);
    expect(waiting.res.headers.get('cache-control')).toBe('private, max-age=5');
    await tickAndDrain(ws);
    const after = await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read });
    expect(after.body).toMatchObject({ complete: true, pendingDays: 0 });
    expect(after.body.metrics.csat).toEqual({ score: 50, responses: 2, satisfied: 1 });
    expect(after.res.headers.get('etag')).not.toBe(before.res.headers.get('etag'));
    expect(after.res.headers.get('cache-control')).toBe('private, max-age=60');
  });
});

describe('reports: bad input and scope', () => {
  it('bad dates, reversed or incomplete ranges and unknown dimensions are 400 problems', async () => {
    const ws = await newWorkspace('UTC');
    const today = localDay(Date.now(), 'UTC');
    const cases: [string, string][] = [
      ['/v1/reports/summary?from=2026-02-30&to=2026-03-01', 'query.from'],
      ['/v1/reports/summary?from=2026-03-02&to=2026-03-01', 'query.from'],
      [`/v1/reports/summary?from=2026-03-01&to=${today}`, 'query.to'],
      ['/v1/reports/summary?from=2024-01-01&to=2025-06-01', 'query.to'],
      ['/v1/reports/summary?from=2026-03-01', 'query.to'],
      ['/v1/reports/summary?period=7d&from=2026-03-01&to=2026-03-02', 'query.period'],
      ['/v1/reports/summary?period=14d', 'query.period'],
      ['/v1/reports/breakdown?by=planet&period=7d', 'query.by'],
      ['/v1/reports/breakdown?period=7d', 'query.by'],
    ];
    for (const [path, field] of cases) {
      const r = await apiJson(path, { key: ws.keys.read });
      expect(r.status, path).toBe(400);
      expect(r.res.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.errors.map((e: any) => e.path), path).toContain(field);
    }
  });

  it('reports need a read (or admin) key; ingest keys get 403, no key 401', async () => {
    const ws = await newWorkspace('UTC');
    expect((await api('/v1/reports/summary?period=7d', { key: ws.keys.ingest })).status).toBe(403);
    expect((await api('/v1/reports/summary?period=7d')).status).toBe(401);
    expect((await api('/v1/reports/summary?period=7d', { key: ws.keys.admin })).status).toBe(200);
  });

  it('rollup backfill validates its range and needs an admin key', async () => {
    const ws = await newWorkspace('UTC');
    const today = localDay(Date.now(), 'UTC');
    expect((await apiJson('/v1/rollups', { key: ws.keys.admin, body: { from: '2026-03-02', to: '2026-03-01' } })).status).toBe(400);
    expect((await apiJson('/v1/rollups', { key: ws.keys.admin, body: { from: today, to: today } })).body.errors[0].path).toBe('to');
    expect((await apiJson('/v1/rollups', { key: ws.keys.admin, body: { from: 'yesterday', to: today } })).status).toBe(400);
    expect((await apiJson('/v1/rollups', { key: ws.keys.read, body: { from: '2026-03-01', to: '2026-03-01' } })).status).toBe(403);
  });
});

describe('right to erasure', () => {
  it('erases the customer’s events and profile, and their days are rolled up again', async () => {
    const ws = await loaded();
    const other = await loaded();
    await backfill(ws);
    const before = await apiJson(`/v1/reports/summary?${range}`, { key: ws.keys.read });
    const r = await apiJson('/v1/customers/c4', { method: 'DELETE', key: ws.keys.admin });
    expect(r.status).toBe(202);
    expect(r.body.erasedEvents).toBe(4); // started, NPS 3, churned, started again
    const left = await env.DB.prepare('SELECT COUNT(*) AS n FROM events WHERE workspace_id = ? AND customer_id = ?').bind(ws.id, 'c4').first<{ n: number }>();
    expect(left!.n).toBe(0);
    const trace = await env.DB.prepare('SELECT COUNT(*) AS n FROM daily_customers WHERE workspace_id = ? AND customer_id = ?').bind(ws.id, 'c4').first<{ n: number }>();
    expect(trace!.n).toBe(0);
    await backfill(ws);
    const after = await apiJson(`/v1/reports/summary?${range}`, { key: ws.keys.read });
    // c4 was a detractor and one of the three customers active at the start.
    expect(after.body.metrics.nps.detractors).toBe(before.body.metrics.nps.detractors - 1);
    expect(after.body.metrics.churn.customersAtStart).toBe(2);
    // The same id in another workspace is untouched.
    const kept = await env.DB.prepare('SELECT COUNT(*) AS n FROM events WHERE workspace_id = ? AND customer_id = ?').bind(other.id, 'c4').first<{ n: number }>();
    expect(kept!.n).toBe(4);
    expect((await api('/v1/customers/c4', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
    expect((await api('/v1/customers/c1', { method: 'DELETE', key: ws.keys.read })).status).toBe(403);
  });
});
