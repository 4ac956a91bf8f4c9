// Metric alerts, evaluated after each rollup: one case per excursion past the threshold.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { npsInterval, wilsonInterval } from '../src/loop/metric-alerts.ts';
import { rollupRange } from './drain.ts';
import { api, apiJson, configureInventory, eventually, newWorkspace, send, type TestWorkspace, HOOKS, received } from './helpers.ts';

let n = 0;
const dayAgo = (k: number) => new Date(Date.now() - k * 86_400_000).toISOString().slice(0, 10);

async function answers(ws: TestWorkspace, day: string, score: number, count: number) {
  const batch = Array.from({ length: count }, () => {
    const i = ++n;
    return { type: 'response', messageId: `a-${i}`, customerId: `c-${i}`, survey: 'nps', score, touchpoint: 'checkout', timestamp: `${day}T12:00:00Z` };
  });
  expect((await send(ws, { batch })).body.accepted).toBe(count);
}
const alertCases = async (ws: TestWorkspace) =>
  ((await apiJson('/v1/cases', { key: ws.keys.read })).body.cases as any[]).filter((c) => c.rule === 'metric:checkout-nps');
const state = async (ws: TestWorkspace) => (await apiJson('/v1/metric-alerts/checkout-nps', { key: ws.keys.read })).body;

describe('metric alerts', () => {
  it('a sliding NPS opens exactly one case, and another only after it recovered', async () => {
    const ws = await newWorkspace('UTC');
    await configureInventory(ws);
    const hookId = `ma${Date.now()}`;
    const secret = (await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/ok/${hookId}` } })).body.secret;
    const put = await apiJson('/v1/metric-alerts/checkout-nps', { method: 'PUT', key: ws.keys.admin, body: { metric: 'nps', touchpoint: 'checkout', below: 0, period: '7d' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ metric: 'nps', touchpoint: 'checkout', below: 0, state: 'recovered' });
    const [d3, d2, d1] = [dayAgo(3), dayAgo(2), dayAgo(1)];

    await answers(ws, d3, 10, 20);
    await rollupRange(ws, d3, d3);
    expect(await state(ws)).toMatchObject({ state: 'recovered', lastValue: 100 });

    await answers(ws, d2, 0, 60); // NPS (20 − 60)/80 = −50 ± 19: all of it below 0
    await rollupRange(ws, d2, d2);
    expect(await state(ws)).toMatchObject({ state: 'triggered', lastValue: -50 });
    const [first] = await alertCases(ws);
    expect(first).toMatchObject({ touchpoint: 'checkout', owner: 'ecommerce@shop.test', messageId: 'metric-alert:checkout-nps:1', status: 'open' });
    expect(first.note).toContain('below 0 over 7d');

    await answers(ws, d1, 0, 10); // still down: nothing new
    await rollupRange(ws, d1, d1);
    expect(await alertCases(ws)).toHaveLength(1);

    await answers(ws, d1, 10, 100); // (120 − 70)/190 ≥ 0: recovered
    await rollupRange(ws, d1, d1);
    expect(await state(ws)).toMatchObject({ state: 'recovered' });
    expect(await alertCases(ws)).toHaveLength(1);

    await answers(ws, d1, 0, 300); // slides again: a second case
    await rollupRange(ws, d1, d1);
    expect(await state(ws)).toMatchObject({ state: 'triggered' });
    expect((await alertCases(ws)).map((c) => c.messageId).sort()).toEqual(['metric-alert:checkout-nps:1', 'metric-alert:checkout-nps:2']);

    const calls = await eventually(() => received(hookId), (c) => c.length >= 2);
    const payloads = calls.map((c) => new Webhook(secret).verify(c.body, c.headers) as any);
    expect(payloads.map((p) => p.type)).toEqual(['alert.triggered', 'alert.triggered']);
    expect(payloads.map((p) => p.data.case.messageId).sort()).toEqual(['metric-alert:checkout-nps:1', 'metric-alert:checkout-nps:2']);
  });

  it('a small sample whose interval reaches the threshold does not trigger', async () => {
    const ws = await newWorkspace('UTC');
    await configureInventory(ws);
    await apiJson('/v1/metric-alerts/checkout-nps', { method: 'PUT', key: ws.keys.admin, body: { metric: 'nps', touchpoint: 'checkout', below: 0, period: '30d' } });
    const d = dayAgo(2);
    await answers(ws, d, 10, 3);
    await answers(ws, d, 0, 4); // NPS −14 from 7 answers: ± 74
    await rollupRange(ws, d, d);
    expect(await state(ws)).toMatchObject({ state: 'recovered', lastValue: -14.29 });
    expect(await alertCases(ws)).toEqual([]);
  });

  it('intervals: NPS by the normal approximation, proportions by Wilson', () => {
    const nps = npsInterval(20, 60, 80)!;
    expect(nps.value).toBe(-50);
    expect(nps.high - nps.value).toBeCloseTo(1.96 * Math.sqrt(0.75 / 80) * 100, 6);
    const w = wilsonInterval(0, 10)!;
    expect(w.low).toBeCloseTo(0, 9);
    expect(w.high).toBeCloseTo(27.75, 1);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (total, f) => {
        const x = Math.floor(total * f);
        const i = wilsonInterval(x, total)!;
        return i.low >= -1e-9 && i.high <= 100 + 1e-9 && i.low <= i.value + 1e-9 && i.value <= i.high + 1e-9;
      }),
    );
  });

  it('bad alert bodies: a 400 problem and nothing stored', async () => {
    const ws = await newWorkspace('UTC');
    const bad = fc.oneof(
      fc.constant({ metric: 'nps', period: '7d' }),
      fc.constant({ metric: 'nps', below: 0, above: 10, period: '7d' }),
      fc.constant({ metric: 'churn', touchpoint: 'checkout', below: 5, period: '7d' }),
      fc.constant({ metric: 'nps', touchpoint: 'checkout', segment: 'vip', below: 0, period: '7d' }),
      fc.constant({ metric: 'csat', below: -5, period: '7d' }),
      fc.record({ metric: fc.string().filter((s) => !['nps', 'csat', 'churn', 'resolution', 'closedRate'].includes(s)), below: fc.constant(0), period: fc.constant('7d') }),
      fc.record({ metric: fc.constant('nps'), below: fc.oneof(fc.double({ min: 100.0001, max: 1e9 }), fc.constant('0'), fc.constant(null)), period: fc.constant('7d') }),
      fc.record({ metric: fc.constant('nps'), below: fc.constant(0), period: fc.string().filter((s) => !['7d', '30d', '90d'].includes(s)) }),
      fc.record({ metric: fc.constant('nps'), below: fc.constant(0), period: fc.constant('7d'), extra: fc.jsonValue() }),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (body) => {
        const r = await api('/v1/metric-alerts/a1', { method: 'PUT', key: ws.keys.admin, body });
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }),
      { numRuns: 60 },
    );
    expect((await apiJson('/v1/metric-alerts', { key: ws.keys.read })).body.alerts).toEqual([]);
    expect((await api('/v1/metric-alerts/a1', { method: 'PUT', key: ws.keys.read, body: { metric: 'nps', below: 0, period: '7d' } })).status).toBe(403);
    expect((await api('/v1/metric-alerts/a1', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
  });

  it('a workspace holds at most 100 metric alerts; replacing one still works', async () => {
    const ws = await newWorkspace('UTC');
    const body = { metric: 'csat', below: 70, period: '30d' };
    for (let i = 0; i < 100; i++) expect((await api(`/v1/metric-alerts/m${i}`, { method: 'PUT', key: ws.keys.admin, body })).status).toBe(200);
    const over = await apiJson('/v1/metric-alerts/m100', { method: 'PUT', key: ws.keys.admin, body });
    expect(over.status).toBe(409);
    expect(over.res.headers.get('content-type')).toContain('application/problem+json');
    expect((await api('/v1/metric-alerts/m5', { method: 'PUT', key: ws.keys.admin, body: { ...body, below: 60 } })).status).toBe(200);
    const alerts = (await apiJson('/v1/metric-alerts', { key: ws.keys.read })).body.alerts;
    expect(alerts).toHaveLength(100);
    expect(alerts.find((a: any) => a.key === 'm5').below).toBe(60);
  });
});
