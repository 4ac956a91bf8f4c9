import { introspectWorkflowInstance } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { drainId } from '../src/jobs/drain.ts';
import { themesChanged } from '../src/rollup/theme-days.ts';
import type { EmpathyReport, ThemesReport } from '../src/reports/voice-types.ts';
import { api, apiJson, countRows, expectProblem, send, type TestWorkspace } from './helpers.ts';
import { drainState } from './drain.ts';
import { d1, rollUp, shop, THEMES, VOICE_RANGE } from './voice.ts';

const Q = `from=${VOICE_RANGE.from}&to=${VOICE_RANGE.to}`;
const themes = async (ws: TestWorkspace) => (await apiJson<ThemesReport>(`/v1/reports/themes?${Q}`, { key: ws.keys.read })).body;
const empathy = async (ws: TestWorkspace) => (await apiJson<EmpathyReport>(`/v1/reports/empathy?${Q}`, { key: ws.keys.read })).body;

describe('themes and empathy reports: bad input', () => {
  it('answers 400 problem+json for bad dates, reversed or mixed ranges, unknown periods, unknown or empty params', async () => {
    const ws = await shop({ price: THEMES.price });
    for (const path of ['themes', 'empathy']) {
      for (const q of [
        'from=2026-13-01&to=2026-13-02',
        'from=2026-11-12&to=2026-11-10',
        'from=2026-11-10',
        'period=7d&from=2026-11-10&to=2026-11-12',
        'period=8d',
        'from=2020-01-01&to=2026-11-12',
        `${Q}&by=touchpoint`,
        `${Q}&foo=1`,
        'to=2999-01-01&from=2998-12-31',
      ]) {
        await expectProblem(await api(`/v1/reports/${path}?${q}`, { key: ws.keys.read }), 400);
      }
    }
    for (const q of ['segment=', 'stage=', `segment=${'x'.repeat(101)}`]) await expectProblem(await api(`/v1/reports/empathy?${Q}&${q}`, { key: ws.keys.read }), 400);
    await expectProblem(await api(`/v1/reports/themes?${Q}`), 401);
    await expectProblem(await api(`/v1/reports/empathy?${Q}`, { key: ws.keys.ingest }), 403);
  });

  it('are documented in /openapi.json with their query parameters and answers', async () => {
    const doc = (await apiJson('/openapi.json')).body;
    const themesOp = doc.paths['/v1/reports/themes'].get;
    const empathyOp = doc.paths['/v1/reports/empathy'].get;
    expect(themesOp['x-scope']).toBe('read');
    expect(empathyOp.parameters.map((p: { name: string }) => p.name).sort()).toEqual(['from', 'period', 'segment', 'stage', 'to']);
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['ThemesReport', 'ThemeFigures', 'Quote', 'EmpathyReport', 'EmpathyCell']));
    expect(Object.keys(themesOp.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403']));
  });
});

describe('changing themes re-counts the rolled-up days', () => {
  it('a theme added after the rollup: its days are marked, reports say incomplete, and after the drain it is counted', async () => {
    const ws = await shop({ price: THEMES.price });
    expect((await themes(ws)).themes.map((t) => t.key)).toEqual(['price']);
    // Without the engine first: the marks, and an honest incomplete report.
    expect(await themesChanged(d1(), ws.id, 'UTC', true)).toBe(2); // 11-10 and 11-11 hold comments; 11-12 none
    const waiting = await themes(ws);
    expect(waiting).toMatchObject({ complete: false, pendingDays: 2 });
    await rollUp(ws);

    // Through the API, with the drain it starts followed to its end.
    const { seq } = await drainState(ws.id);
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, seq + 1));
    await drain.modify(async (m) => m.disableSleeps());
    expect((await api('/v1/themes/staff', { method: 'PUT', key: ws.keys.admin, body: THEMES.staff })).status).toBe(200);
    await drain.waitForStatus('complete');
    const after = await themes(ws);
    expect(after).toMatchObject({ complete: true, pendingDays: 0 });
    expect(after.themes.map((t) => [t.key, t.mentions])).toEqual([['price', 4], ['staff', 2]]);
    // Its words are no longer unthemed; "gracias" still is.
    expect(after.unthemed.map((t) => t.term)).not.toContain('friendly');
    expect(after.unthemed.map((t) => t.term)).toContain('gracias');
    expect(cellOf(await empathy(ws), 'silver', 'awareness').motivations.themes.map((t) => t.key)).toEqual(['staff']);
  });

  it('deleting a theme gives its words back to the unthemed terms; a rename re-counts nothing', async () => {
    const ws = await shop();
    expect(await themesChanged(d1(), ws.id, 'UTC', false)).toBe(0);
    expect(await countRows('dirty_days', ws.id)).toBe(0);
    expect((await api('/v1/themes/staff', { method: 'PUT', key: ws.keys.admin, body: { ...THEMES.staff, name: 'Equipo' } })).status).toBe(200);
    expect(await countRows('dirty_days', ws.id)).toBe(0);
    expect((await themes(ws)).themes.find((t) => t.key === 'staff')!.name).toBe('Equipo');

    const { seq } = await drainState(ws.id);
    await using drain = await introspectWorkflowInstance(env.ROLLUPS, drainId(ws.id, seq + 1));
    await drain.modify(async (m) => m.disableSleeps());
    expect((await api('/v1/themes/staff', { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    await drain.waitForStatus('complete');
    const after = await themes(ws);
    expect(after.themes.map((t) => t.key)).toEqual(['price', 'delivery']);
    expect(after.unthemed.map((t) => t.term)).toEqual(expect.arrayContaining(['friendly', 'staff', 'amable', 'personal']));
  });
});

const cellOf = (r: EmpathyReport, segment: string, stage: string) => r.cells.find((c) => c.segment === segment && c.stage === stage)!;

describe('isolation between workspaces', () => {
  it('no theme, quote, term or figure crosses workspaces, though both use the same ids and days', async () => {
    const a = await shop(THEMES, 'x');
    const b = await shop({ wait: { name: 'Espera', polarity: 'negative', terms: { es: ['espera'], en: ['queue'] } } }, 'x');
    // Each also says something of its own, under the same customer ids.
    const own = (ws: TestWorkspace, p: string, lines: [string, number, string][]) =>
      send(ws, { batch: lines.map(([customerId, score, comment], i) => ({ type: 'response', messageId: `${p}${i}`, customerId, survey: 'nps', score, touchpoint: 'checkout', comment, timestamp: '2026-11-10T16:00:00Z' })) });
    expect((await own(a, 'a', [['g1', 3, 'Flibbertigibbet caro flibbertigibbet']])).status).toBe(202);
    expect((await own(b, 'b', [['g1', 1, 'Zorglub espera eterna zorglub'], ['s3', 10, 'Queue fine, quokka']])).status).toBe(202);
    await rollUp(a);
    await rollUp(b);
    const [ra, rb] = [await themes(a), await themes(b)];
    expect(ra.themes.map((t) => [t.key, t.mentions])).toEqual([['price', 5], ['staff', 2], ['delivery', 1]]);
    expect(rb.themes.map((t) => [t.key, t.mentions])).toEqual([['wait', 2]]);
    expect([ra.comments, rb.comments]).toEqual([8, 9]);
    expect(ra.unthemed).toContainEqual({ term: 'flibbertigibbet', mentions: 1 }); // twice in one comment: once
    const [ta, tb] = [JSON.stringify(ra) + JSON.stringify(await empathy(a)), JSON.stringify(rb) + JSON.stringify(await empathy(b))];
    for (const word of ['zorglub', 'Zorglub', 'quokka', 'Espera', '"key":"wait"']) expect(ta).not.toContain(word);
    for (const word of ['flibbertigibbet', 'Flibbertigibbet', 'Entrega', '"key":"price"', '"key":"staff"', '"key":"delivery"']) expect(tb).not.toContain(word);
    // B's days rolled up again left A's rows alone.
    expect(await themes(a)).toEqual({ ...ra, generatedAt: expect.any(String) });
    // A read key answers for its own workspace only: there is no way to name another.
    expect((await api(`/v1/reports/themes?${Q}&workspace=${b.id}`, { key: a.keys.read })).status).toBe(400);
    expect(await countRows('daily_themes', a.id)).toBeGreaterThan(0);
  });

  it("an erasure drops the customer's quotes at once, before the re-roll, and from every KV generation", async () => {
    const ws = await shop();
    const day = VOICE_RANGE.from;
    const before = JSON.stringify(await themes(ws));
    expect(before).toContain('Too expensive and the delivery was slow');
    expect((await api('/v1/customers/g2', { method: 'DELETE', key: ws.keys.admin })).status).toBe(202);
    const stored = (await env.DB.prepare('SELECT text FROM daily_theme_quotes WHERE workspace_id = ?1 AND day = ?2').bind(ws.id, day).all<{ text: string }>()).results;
    expect(stored.map((q) => q.text).join('|')).not.toContain('Too expensive');
    expect(JSON.stringify(await themes(ws))).not.toContain('Too expensive');
    const { keys } = await env.REPORTS.list({ prefix: `report/${ws.id}/` });
    for (const k of keys) expect((await env.REPORTS.get(k.name, 'text')) ?? '', k.name).not.toContain('Too expensive');
  });
});
