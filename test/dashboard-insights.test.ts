import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../src/platform/time.ts';
import { isoWeek } from '../src/reports/intervals.ts';
import { api, ev, newWorkspace, send, type TestWorkspace } from './helpers.ts';
import { rollupRange } from './drain.ts';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const Y = addDays(localDay(Date.now(), 'UTC'), -1);
const WEEK_BEFORE = addDays(Y, -7); // in the previous 7-day period, and always the ISO week before Y's

async function signedIn(ws: TestWorkspace) {
  const res = await api('/dashboard/session', { method: 'POST', raw: new URLSearchParams({ key: ws.keys.read }).toString(), headers: FORM });
  return res.headers.get('set-cookie')!.split(';')[0];
}
const page = async (session: string, query: string) => (await api(`/dashboard${query}`, { headers: { cookie: session } })).text();

/** A card of the headline, by metric. */
const card = (html: string, metric: string) => html.match(new RegExp(`<li class="card" data-metric="${metric}"[^>]*>[\\s\\S]*?</li>`))![0];

async function withChanges() {
  const ws = await newWorkspace('UTC');
  const answer = (c: string, survey: string, score: number, day: string) => ev.response({ customerId: c, survey, score, timestamp: `${day}T10:00:00Z` });
  const r = await send(ws, {
    batch: [
      // NPS: 40 promoters the week before, 40 detractors (and c1 10, c2 3) now: a significant fall.
      ...Array.from({ length: 40 }, (_, i) => answer(`p${i}`, 'nps', 10, WEEK_BEFORE)),
      ...Array.from({ length: 40 }, (_, i) => answer(`d${i}`, 'nps', 0, Y)),
      answer('c1', 'nps', 10, Y),
      answer('c2', 'nps', 3, Y),
      // CSAT 0/40 satisfied before, 40/40 now: significant. CES 4, 4 before and 2, 6 now: a small sample.
      ...Array.from({ length: 40 }, (_, i) => answer(`s${i}`, 'csat', 1, WEEK_BEFORE)),
      ...Array.from({ length: 40 }, (_, i) => answer(`s${i}`, 'csat', 5, Y)),
      answer('e1', 'ces', 4, WEEK_BEFORE), answer('e2', 'ces', 4, WEEK_BEFORE), answer('e1', 'ces', 2, Y), answer('e2', 'ces', 6, Y),
      // Value: c1 (promoter) 100, c2 (detractor) 10; the other 40 detractors interacted with nothing.
      ev.interaction({ customerId: 'c1', value: 100, timestamp: `${Y}T09:00:00Z` }),
      ev.interaction({ customerId: 'c2', value: 10, timestamp: `${Y}T09:00:00Z` }),
    ],
  });
  expect(r.status).toBe(202);
  await rollupRange(ws, addDays(Y, -13), Y);
  return ws;
}

describe('dashboard: significance, weekly trend and value', () => {
  it('marks significant changes and flags small samples in the headline, in English and Spanish', async () => {
    const ws = await withChanges();
    const session = await signedIn(ws);
    const en = await page(session, '?period=7d&lang=en');
    expect(card(en, 'csat')).toContain('data-significant="true" data-low-sample="false"');
    expect(card(en, 'csat')).toContain('significant change');
    expect(card(en, 'nps')).toContain('data-significant="true"');
    expect(card(en, 'ces')).toContain('data-significant="false" data-low-sample="true"');
    expect(card(en, 'ces')).toContain('within chance');
    expect(card(en, 'ces')).toContain('small sample (under 30)');
    expect(card(en, 'csat')).not.toContain('small sample');
    const es = await page(session, '?period=7d&lang=es');
    expect(card(es, 'csat')).toContain('cambio significativo');
    expect(card(es, 'ces')).toContain('muestra pequeña');
  });

  it('draws the weekly NPS with its interval band and rings the week that differs significantly', async () => {
    const ws = await withChanges();
    const html = await page(await signedIn(ws), '?period=7d&lang=en');
    const chart = html.match(/<figure class="chart" id="chart-nps-weekly">[\s\S]*?<\/figure>/)![0];
    expect(chart).toContain('class="band"');
    expect(chart).not.toContain('<script');
    // Week before: 40 promoters → 100; Y's week: 41 detractors, 1 promoter → −95.24; significant.
    expect(chart).toContain(`<g data-week="${isoWeek(Y)}" data-significant="true">`);
    expect(chart).toContain(`<g data-week="${isoWeek(WEEK_BEFORE)}" data-significant="false">`);
    expect(chart).toMatch(new RegExp(`<tr data-week="${isoWeek(Y)}"><td>${isoWeek(Y)}(?: \\(partial week\\))?</td><td>-95.24</td><td>42</td>`));
  });

  it('shows value per customer by NPS group, in the workspace currency, only where values exist', async () => {
    const ws = await withChanges();
    const session = await signedIn(ws);
    const en = await page(session, '?period=7d&lang=en');
    const value = en.match(/<section id="value"[\s\S]*?<\/section>/)![0];
    // Promoters now: c1 → 100. Detractors: c2 (10) and 40 without value → 10/41 = 0.24.
    expect(value).toContain('data-group="promoters" data-value="100"');
    expect(value).toContain('data-group="detractors" data-value="0.24"');
    expect(value).toContain('€100.00');
    expect(await page(session, '?period=7d&lang=es')).toContain('100,00\u00a0€');
    await api('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { currency: 'USD' } });
    expect(await page(session, '?period=7d&lang=en')).toContain('$100.00');
    // A workspace whose interactions carry no value: no panel.
    const bare = await newWorkspace('UTC');
    await send(bare, ev.response({ survey: 'nps', score: 9, timestamp: `${Y}T10:00:00Z` }));
    await rollupRange(bare, Y, Y);
    expect(await page(await signedIn(bare), '?period=7d')).not.toContain('id="value"');
  });
});
