import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percent } from '../src/metrics/definitions.ts';
import { addDays } from '../src/platform/time.ts';
import { intervalsOf } from '../src/reports/intervals.ts';
import { apiJson, errorPaths, ev, expectProblem, api, newWorkspace, send, type TestWorkspace } from './helpers.ts';
import { env } from 'cloudflare:workers';
import { rollupRange, tickAndDrain } from './drain.ts';

const FROM = '2026-11-04'; // a Wednesday: ISO week 45 is clipped to 11-04 … 11-08
const TO = '2026-11-22'; // a Sunday
const at = (day: string, time = '12:00:00') => `${day}T${time}Z`;

/** Three weeks whose every figure is worked out in the test below. */
async function loadWeeks(ws: TestWorkspace) {
  const nps = (day: string, scores: number[]) => scores.map((score) => ev.response({ survey: 'nps', score, timestamp: at(day) }));
  const life = (c: string, status: string, day: string) => ev.lifecycle({ customerId: c, status, timestamp: at(day, '09:00:00') });
  const ticket = (id: string, status: string, day: string) => ev.ticket({ ticketId: id, status, timestamp: at(day) });
  const r = await send(ws, {
    batch: [
      ...nps('2026-11-05', [10, 10, 9, 3]), // W45: 3 P, 1 D of 4 → 50
      ...nps('2026-11-10', [0, 0, 10]), // W46: 1 P, 2 D of 3 → −33.33; W47: none
      ...['c1', 'c2', 'c3', 'c4'].map((c) => life(c, 'started', '2026-11-04')), // active from W45 on
      life('c1', 'churned', '2026-11-11'), // W46: 1 of 4 → 25
      life('c2', 'churned', '2026-11-17'), // W47: 1 of 3 → 33.33
      ticket('T1', 'opened', '2026-11-05'),
      ticket('T1', 'resolved', '2026-11-06'), // W45: 1 of 1 → 100
      ticket('T2', 'opened', '2026-11-10'), // W46: 0 of 1 → 0
      ev.response({ survey: 'ces', score: 6, timestamp: at('2026-11-12') }),
      ev.response({ survey: 'ces', score: 2, timestamp: at('2026-11-12') }),
      ev.response({ survey: 'csat', score: 5, timestamp: at('2026-11-19') }),
    ],
  });
  expect(r.status).toBe(202);
  await rollupRange(ws, FROM, TO);
}

const trend = (ws: TestWorkspace, q: string) => apiJson(`/v1/reports/trend?${q}`, { key: ws.keys.read });

describe('GET /v1/reports/trend', () => {
  it('weekly NPS, churn and resolution equal the hand-worked figures, with intervals and significance', async () => {
    const ws = await newWorkspace('UTC');
    await loadWeeks(ws);
    const r = await trend(ws, `interval=week&metric=nps&from=${FROM}&to=${TO}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ from: FROM, to: TO, interval: 'week', metric: 'nps', complete: true, pendingDays: 0 });
    // W45: Var = 10⁴ × (0.75 + 0.25 − 0.5²)/4 = 1875 → 50 ± 84.87, capped at 100.
    // W46: Var = 10⁴ × (1 − 1/9)/3 = 2962.96 → −33.33 ± 106.69, capped at −100.
    // Change −83.33 ± 1.96 × √(1875 + 2962.96) = ± 136.33 → (−219.66, 53.00): not significant.
    expect(r.body.points).toEqual([
      { label: '2026-W45', from: FROM, to: '2026-11-08', partial: true, score: 50, n: 4, interval: { low: -34.87, high: 100 }, lowSample: true, vsPrevious: null },
      {
        label: '2026-W46', from: '2026-11-09', to: '2026-11-15', partial: false, score: -33.33, n: 3,
        interval: { low: -100, high: 73.36 }, lowSample: true,
        vsPrevious: { change: -83.33, interval: { low: -219.66, high: 53 }, significant: false, lowSample: true },
      },
      {
        label: '2026-W47', from: '2026-11-16', to: TO, partial: false, score: null, n: 0, interval: null, lowSample: true,
        vsPrevious: { change: null, interval: null, significant: false, lowSample: true },
      },
    ]);
    // Churn per week from lifecycle at each week's instants, not averaged: W45 nobody active at
    // its start; W46 1 of 4 (Wilson 4.56 … 69.94); W47 1 of 3 (6.15 … 79.23), change +8.33 in
    // Newcombe's (−44.19, 58.58).
    const churn = (await trend(ws, `metric=churn&from=${FROM}&to=${TO}`)).body.points;
    expect(churn.map((p: any) => [p.score, p.n, p.interval])).toEqual([
      [null, 0, null],
      [25, 4, { low: 4.56, high: 69.94 }],
      [33.33, 3, { low: 6.15, high: 79.23 }],
    ]);
    expect(churn[2].vsPrevious).toEqual({ change: 8.33, interval: { low: -44.19, high: 58.58 }, significant: false, lowSample: true });
    const resolution = (await trend(ws, `metric=resolution&from=${FROM}&to=${TO}`)).body.points;
    expect(resolution.map((p: any) => [p.score, p.n])).toEqual([[100, 1], [0, 1], [null, 0]]);
  });

  it('each point equals the summary of its own interval, for every metric and both intervals', async () => {
    const ws = await newWorkspace('UTC');
    await loadWeeks(ws);
    const path = { nps: 'nps.score', csat: 'csat.score', ces: 'ces.score', churn: 'churn.rate', resolution: 'resolution.rate' } as const;
    const nOf = { nps: 'nps.responses', csat: 'csat.responses', ces: 'ces.responses', churn: 'churn.customersAtStart', resolution: 'resolution.received' } as const;
    const get = (o: any, p: string) => p.split('.').reduce((x, k) => x[k], o);
    for (const interval of ['week', 'month']) {
      for (const metric of Object.keys(path) as (keyof typeof path)[]) {
        const { body } = await trend(ws, `interval=${interval}&metric=${metric}&from=${FROM}&to=${TO}`);
        for (const p of body.points) {
          const s = await apiJson(`/v1/reports/summary?from=${p.from}&to=${p.to}`, { key: ws.keys.read });
          expect([metric, p.label, p.score, p.n]).toEqual([metric, p.label, get(s.body.metrics, path[metric]), get(s.body.metrics, nOf[metric])]);
        }
      }
    }
  });

  it('the weekly NPS trend of each standard period is prebuilt in KV by the rebuild', async () => {
    const ws = await newWorkspace('UTC');
    await send(ws, ev.response({ survey: 'nps', score: 10, timestamp: new Date(Date.now() - 86_400_000).toISOString() }));
    await tickAndDrain(ws);
    const { keys } = await env.REPORTS.list({ prefix: `report/${ws.id}/` });
    expect(keys.filter((k) => k.name.split('/')[3] === 'trend-week-nps')).toHaveLength(3);
    const r = await trend(ws, 'metric=nps&period=7d');
    expect(r.body.points.reduce((n: number, p: any) => n + p.n, 0)).toBe(1);
  });

  it('sees only its own workspace, and defaults to the last 90 days of ISO weeks', async () => {
    const mine = await newWorkspace('UTC');
    const other = await newWorkspace('UTC');
    await loadWeeks(other);
    const r = await trend(mine, `metric=nps&from=${FROM}&to=${TO}`);
    expect(r.body.points.map((p: any) => p.n)).toEqual([0, 0, 0]);
    const d = await trend(mine, 'metric=csat');
    expect(d.status).toBe(200);
    expect(d.body.interval).toBe('week');
    expect(d.body.points.reduce((n: number, p: any) => n + (Date.parse(p.to) - Date.parse(p.from)) / 86_400_000 + 1, 0)).toBe(90);
  });

  it('rejects bad input with a problem naming the field', async () => {
    const ws = await newWorkspace('UTC');
    const cases: [string, string][] = [
      ['interval=week', 'query.metric'],
      ['metric=sentiment', 'query.metric'],
      ['metric=nps&interval=day', 'query.interval'],
      ['metric=nps&from=2026-11-04', 'query.to'],
      ['metric=nps&from=2026-11-10&to=2026-11-04', 'query.from'],
      ['metric=nps&period=7d&from=2026-11-04&to=2026-11-05', 'query.period'],
    ];
    for (const [q, path] of cases) {
      const problem = await expectProblem(await api(`/v1/reports/trend?${q}`, { key: ws.keys.read }), 400);
      expect(errorPaths(problem)).toContain(path);
    }
    expect((await api(`/v1/reports/trend?metric=nps`, { key: ws.keys.ingest })).status).toBe(403);
  });
});

describe('trend points against the definition in JavaScript', () => {
  it('weekly and monthly NPS of random answers equal a direct count per interval (property)', async () => {
    const days = Array.from({ length: 40 }, (_, i) => addDays('2026-09-20', i)); // across a month end and 6 ISO weeks
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ day: fc.constantFrom(...days), score: fc.integer({ min: 0, max: 10 }) }), { minLength: 1, maxLength: 60 }),
        fc.constantFrom('UTC', 'Europe/Madrid'),
        fc.constantFrom('week' as const, 'month' as const),
        async (answers, tz, interval) => {
          const ws = await newWorkspace(tz);
          const sent = await send(ws, { batch: answers.map((a, i) => ev.response({ customerId: `c${i}`, survey: 'nps', score: a.score, timestamp: `${a.day}T12:00:00Z` })) });
          expect(sent.status).toBe(202);
          const range = { from: days[0], to: days.at(-1)! };
          await rollupRange(ws, range.from, range.to);
          const { body } = await trend(ws, `interval=${interval}&metric=nps&from=${range.from}&to=${range.to}`);
          const expected = intervalsOf(range, interval).map((b) => {
            const inside = answers.filter((a) => a.day >= b.from && a.day <= b.to);
            const net = inside.filter((a) => a.score >= 9).length - inside.filter((a) => a.score <= 6).length;
            return { label: b.label, n: inside.length, score: percent(net, inside.length) };
          });
          expect(body.points.map((p: any) => ({ label: p.label, n: p.n, score: p.score }))).toEqual(expected);
        },
      ),
      { numRuns: 6 },
    );
  });
});
