import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiJson, errorPaths, ev, expectProblem, newWorkspace, OPERATOR, send, type TestWorkspace } from './helpers.ts';
import { rollupRange } from './drain.ts';

const DAY = '2026-11-05';
const at = (time: string) => `${DAY}T${time}Z`;

/** Five customers whose worth is worked out in the test below. */
async function loadValues(ws: TestWorkspace) {
  const buy = (c: string, value?: number, touchpoint = 'checkout') => ev.interaction({ customerId: c, touchpoint, timestamp: at('10:00:00'), ...(value === undefined ? {} : { value }) });
  const nps = (c: string, score: number, time = '11:00:00') => ev.response({ customerId: c, survey: 'nps', score, timestamp: at(time) });
  const r = await send(ws, {
    batch: [
      ev.identify({ customerId: 'c5', segment: 'gold', timestamp: at('09:00:00') }),
      buy('c1', 100), buy('c1', 50, 'store'), nps('c1', 10), // promoter worth 150
      buy('c2', 20), nps('c2', 9, '11:00:00'), nps('c2', 3, '12:00:00'), // latest answer: detractor, worth 20
      nps('c3', 8), // passive, no interaction: worth 0
      buy('c4'), // an interaction without value, no answer
      buy('c5', 30), nps('c5', 10), // gold promoter worth 30
    ],
  });
  expect(r.status).toBe(202);
  await rollupRange(ws, DAY, DAY);
}

const range = `from=${DAY}&to=${DAY}`;

describe('business value', () => {
  it('summary: total, per interacting customer and per NPS group, hand-worked', async () => {
    const ws = await newWorkspace('UTC');
    await loadValues(ws);
    const { body } = await apiJson(`/v1/reports/summary?${range}`, { key: ws.keys.read });
    // 100 + 50 + 20 + 30 = 200 over 4 interacting customers (c1, c2, c4, c5) = 50.
    // Promoters c1, c5: (150 + 30)/2 = 90; passive c3: 0/1; detractor c2 (latest answer 3): 20/1.
    expect(body.metrics.value).toEqual({
      total: 200,
      perCustomer: 50,
      byNpsGroup: { promoters: { customers: 2, perCustomer: 90 }, passives: { customers: 1, perCustomer: 0 }, detractors: { customers: 1, perCustomer: 20 } },
    });
    expect(body.previous.metrics.value).toBeNull(); // nothing carried a value the day before
  });

  it('breakdown: per segment with NPS groups, per touchpoint without', async () => {
    const ws = await newWorkspace('UTC');
    await loadValues(ws);
    const seg = (await apiJson(`/v1/reports/breakdown?by=segment&${range}`, { key: ws.keys.read })).body.rows;
    const bySeg = Object.fromEntries(seg.map((r: any) => [r.key, r.metrics.value]));
    expect(bySeg.gold).toEqual({
      total: 30,
      perCustomer: 30,
      byNpsGroup: { promoters: { customers: 1, perCustomer: 30 }, passives: { customers: 0, perCustomer: null }, detractors: { customers: 0, perCustomer: null } },
    });
    // No segment: c1, c2, c4 interacted: 170/3 = 56.67.
    expect(bySeg.null).toEqual({
      total: 170,
      perCustomer: 56.67,
      byNpsGroup: { promoters: { customers: 1, perCustomer: 150 }, passives: { customers: 1, perCustomer: 0 }, detractors: { customers: 1, perCustomer: 20 } },
    });
    const tp = (await apiJson(`/v1/reports/breakdown?by=touchpoint&${range}`, { key: ws.keys.read })).body.rows;
    const byTp = Object.fromEntries(tp.map((r: any) => [r.key, r.metrics.value]));
    // checkout: 100 + 20 + 30 over c1, c2, c4, c5; store: 50 over c1; the answers' row (no touchpoint) has none.
    expect(byTp).toEqual({ checkout: { total: 150, perCustomer: 37.5, byNpsGroup: null }, store: { total: 50, perCustomer: 50, byNpsGroup: null }, null: null });
  });

  it('priorities: value per touchpoint and the value at risk of exposed customers who churned', async () => {
    const ws = await newWorkspace('UTC');
    const r = await send(ws, {
      batch: [
        ...['c1', 'c2', 'c6'].map((c) => ev.lifecycle({ customerId: c, status: 'started', timestamp: '2026-11-01T09:00:00Z' })),
        ev.interaction({ customerId: 'c1', touchpoint: 'checkout', value: 100, timestamp: at('10:00:00') }),
        ev.interaction({ customerId: 'c2', touchpoint: 'checkout', outcome: 'failure', value: 20, timestamp: at('10:00:00') }),
        ev.interaction({ customerId: 'c2', touchpoint: 'store', value: 5, timestamp: at('11:00:00') }),
        ev.interaction({ customerId: 'c6', touchpoint: 'checkout', outcome: 'abandoned', timestamp: at('10:00:00') }),
        ev.lifecycle({ customerId: 'c2', status: 'churned', timestamp: at('15:00:00') }),
        ev.lifecycle({ customerId: 'c6', status: 'churned', timestamp: at('15:00:00') }),
      ],
    });
    expect(r.status).toBe(202);
    await rollupRange(ws, '2026-11-01', DAY);
    const { body } = await apiJson(`/v1/reports/priorities?${range}`, { key: ws.keys.read });
    const by = Object.fromEntries(body.rows.map((x: any) => [x.touchpoint, x]));
    // Exposed at checkout (active at the start, a bad interaction there): c2 and c6, both churned.
    // What they were worth in the period: c2 20 + 5, c6 nothing → 25. Nobody had a bad time at the store.
    expect(by.checkout.churn.exposed).toEqual({ customersAtStart: 2, churned: 2, rate: 100 });
    expect(by.checkout.valueAtRisk).toBe(25);
    expect(by.store.valueAtRisk).toBe(0);
    // checkout: 100 + 20 over c1, c2, c6 → 40 per customer; store: 5 over c2.
    expect(by.checkout.value).toEqual({ total: 120, perCustomer: 40, byNpsGroup: null });
    expect(by.store.value).toEqual({ total: 5, perCustomer: 5, byNpsGroup: null });
  });

  it('no value crosses workspaces; without values the figure is null', async () => {
    const other = await newWorkspace('UTC');
    await loadValues(other);
    const mine = await newWorkspace('UTC');
    await send(mine, ev.interaction({ customerId: 'c1', timestamp: at('10:00:00') }));
    await send(mine, ev.response({ customerId: 'c1', survey: 'nps', score: 10, timestamp: at('10:00:00') }));
    await rollupRange(mine, DAY, DAY);
    const { body } = await apiJson(`/v1/reports/summary?${range}`, { key: mine.keys.read });
    expect(body.metrics.interactions.count).toBe(1);
    expect(body.metrics.value).toBeNull();
    const p = await apiJson(`/v1/reports/priorities?${range}`, { key: mine.keys.read });
    expect(p.body.rows.map((x: any) => [x.value, x.valueAtRisk])).toEqual(p.body.rows.map(() => [null, null]));
  });

  it('rejects a negative, non-numeric or absurd value, storing nothing', async () => {
    const ws = await newWorkspace('UTC');
    for (const value of [-1, 'ten', 1e13, null]) {
      const res = await api('/v1/events', { key: ws.keys.ingest, body: { batch: [ev.interaction({ value })] } });
      expect(errorPaths(await expectProblem(res, 400))).toContain('batch.0.value');
    }
    const { n } = (await env.DB.prepare('SELECT count(*) AS n FROM events WHERE workspace_id = ?1').bind(ws.id).first<{ n: number }>())!;
    expect(n).toBe(0);
  });
});

describe("the workspace's currency", () => {
  it('is EUR unless named at creation, and an admin can change it', async () => {
    const ws = await newWorkspace('UTC');
    expect((await apiJson('/v1/workspace', { key: ws.keys.admin })).body.currency).toBe('EUR');
    const made = await apiJson('/v1/workspaces', { key: OPERATOR, body: { name: 'Tienda MX', timezone: 'America/Mexico_City', currency: 'MXN' } });
    expect(made.status).toBe(201);
    expect(made.body.currency).toBe('MXN');
    const patched = await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { currency: 'USD' } });
    expect(patched.body).toMatchObject({ currency: 'USD', defaultOwner: null });
    // Changing the owner alone keeps the currency, and the other way round.
    await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { defaultOwner: 'lead@shop.test' } });
    expect((await apiJson('/v1/workspace', { key: ws.keys.admin })).body).toMatchObject({ currency: 'USD', defaultOwner: 'lead@shop.test' });
  });

  it('refuses codes that are not ISO 4217, and an empty change, changing nothing', async () => {
    const ws = await newWorkspace('UTC');
    for (const currency of ['euro', 'eur', 'XYZ', 12, null]) {
      const patch = await api('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { currency } });
      expect(errorPaths(await expectProblem(patch, 400))).toContain('currency');
      const create = await api('/v1/workspaces', { key: OPERATOR, body: { name: 'x', currency } });
      expect(errorPaths(await expectProblem(create, 400))).toContain('currency');
    }
    await expectProblem(await api('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: {} }), 400);
    expect((await apiJson('/v1/workspace', { key: ws.keys.admin })).body.currency).toBe('EUR');
  });
});
