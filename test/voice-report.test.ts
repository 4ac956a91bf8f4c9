import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { themesReport } from '../src/reports/themes-report.ts';
import { rollupDay } from '../src/rollup/day.ts';
import { countDayVoice } from '../src/insights/theme-counts.ts';
import type { ThemesReport } from '../src/reports/voice-types.ts';
import { apiJson } from './helpers.ts';
import { d1, shop, VOICE_RANGE } from './voice.ts';

const rowsOf = async (ws: string, day: string) =>
  Promise.all(
    ['daily_themes', 'daily_theme_quotes', 'daily_terms'].map(async (t) => (await env.DB.prepare(`SELECT * FROM ${t} WHERE workspace_id = ?1 AND day = ?2 ORDER BY 1, 2, 3, 4`).bind(ws, day).all()).results),
  );

describe('themes report, worked by hand (test/voice.ts)', () => {
  it('counts comments, mentions (once per comment), shares and NPS of mentioners against the rest', async () => {
    const ws = await shop();
    const r = (await themesReport(d1(), ws.id, 'UTC', VOICE_RANGE)) as ThemesReport;
    // c1 c2 c9 c3 c4 c5 c6; c7 has no comment and c8's is blank.
    expect(r.comments).toBe(7);
    expect(r.commentsByNpsGroup).toEqual({ promoters: 2, passives: 1, detractors: 2 });
    expect(r.themes.map((t) => [t.key, t.mentions, t.share])).toEqual([
      ['price', 4, 57.14], // c1 (two terms, counted once), c2, c4, c6 ("precios")
      ['staff', 2, 28.57],
      ['delivery', 1, 14.29],
    ]);
    const [price, staff, delivery] = r.themes;
    expect(price).toMatchObject({ name: 'Precio', polarity: 'negative' });
    // Mentioners c1 (2), c2 (5), c4 (9): NPS (1 − 2) / 3; the rest c3 (10), c5 (8), c7 (10), c8 (0): (2 − 1) / 4.
    // Variances 100²(p + d − (p − d)²)/n: 2962.96 and 1718.75; half-width 1.96 × √4681.71 = 134.11.
    expect(price.nps).toEqual({
      mentioners: { score: -33.33, responses: 3 },
      rest: { score: 25, responses: 4 },
      change: -58.33,
      interval: [-192.44, 75.78],
      significant: false,
      lowSample: true,
    });
    expect([price.detractorShare, price.promoterShare]).toEqual([100, 50]);
    expect(staff.nps).toMatchObject({ mentioners: { score: 100, responses: 2 }, rest: { score: -40, responses: 5 }, change: 140, interval: [69.88, 210.12], significant: true, lowSample: true });
    expect([staff.detractorShare, staff.promoterShare]).toEqual([0, 100]);
    expect(delivery.nps).toMatchObject({ mentioners: { score: -100, responses: 1 }, rest: { score: 16.67, responses: 6 }, change: -116.67, interval: [-188.48, -44.85] });
    expect([delivery.detractorShare, delivery.promoterShare]).toEqual([50, 0]);
  });

  it('breaks mentions down by touchpoint and by the current stage, and keeps 3 masked quotes, newest first', async () => {
    const ws = await shop();
    const [price, staff] = ((await themesReport(d1(), ws.id, 'UTC', VOICE_RANGE)) as ThemesReport).themes;
    expect(price.byTouchpoint).toEqual([{ key: 'checkout', mentions: 2 }, { key: 'ads', mentions: 1 }, { key: null, mentions: 1 }]);
    expect(price.byStage).toEqual([{ key: 'purchase', mentions: 2 }, { key: 'awareness', mentions: 1 }, { key: null, mentions: 1 }]);
    expect(price.quotes).toEqual([
      { text: 'precios altos', survey: 'csat', score: 2, touchpoint: null, day: '2026-11-11' },
      { text: 'Friendly staff, good price', survey: 'nps', score: 9, touchpoint: 'ads', day: '2026-11-11' },
      { text: 'Too expensive and the delivery was slow. Mail me: [email]', survey: 'nps', score: 5, touchpoint: 'checkout', day: '2026-11-10' },
    ]);
    expect(staff.quotes.map((q) => q.text)).toEqual(['Friendly staff, good price', 'Personal muy amable, ¡gracias!']);
    // c1's phone never reaches a stored quote, although c1 was quoted on its day.
    const stored = (await env.DB.prepare('SELECT text FROM daily_theme_quotes WHERE workspace_id = ?1').bind(ws.id).all<{ text: string }>()).results.map((q) => q.text);
    expect(stored).toContain('El PRECIO es muy caro, llamadme al [phone]');
    expect(stored).toContain('Llamé [phone] y nadie respondió');
    expect(stored.join(' ')).not.toMatch(/612|4567|@/);
  });

  it('lists frequent unthemed words by comments containing them, without stop words, theme words or contact details', async () => {
    const ws = await shop();
    const r = (await themesReport(d1(), ws.id, 'UTC', VOICE_RANGE)) as ThemesReport;
    expect(r.unthemed).toEqual([
      { term: 'nadie', mentions: 2 },
      ...['altos', 'caja', 'good', 'gracias', 'llamadme', 'llame', 'mail', 'respondio', 'slow'].map((term) => ({ term, mentions: 1 })),
    ]);
  });

  it('rolling a day up twice writes the same rows', async () => {
    const ws = await shop();
    // 11-10 (README "Cost"): theme rows ('' × checkout × gold × detractor: 2; '' × store-till × gold: 1;
    // price and delivery at checkout), quotes (c1 c2 c9 as every comment, c1 c2 for price, c2 for
    // delivery), terms (llamadme, slow, mail, nadie, caja).
    expect((await rowsOf(ws.id, '2026-11-10')).map((t) => t.length)).toEqual([4, 6, 5]);
    for (const day of ['2026-11-10', '2026-11-11']) {
      const before = await rowsOf(ws.id, day);
      expect(before[0].length).toBeGreaterThan(0);
      await rollupDay(d1(), ws.id, 'UTC', day, null);
      await rollupDay(d1(), ws.id, 'UTC', day, null);
      expect(await rowsOf(ws.id, day)).toEqual(before);
    }
  });

  it('reads comments in pages: pages of one comment count the same as one page', async () => {
    const ws = await shop();
    for (const day of ['2026-11-10', '2026-11-11']) {
      const whole = await countDayVoice(d1(), ws.id, day);
      expect(whole.themes.length).toBeGreaterThan(0);
      expect(await countDayVoice(d1(), ws.id, day, 1)).toEqual(whole);
    }
  });

  it('is served over HTTP with the figures the rollup made', async () => {
    const ws = await shop();
    const { status, body } = await apiJson<ThemesReport>(`/v1/reports/themes?from=${VOICE_RANGE.from}&to=${VOICE_RANGE.to}`, { key: ws.keys.read });
    expect(status).toBe(200);
    const direct = (await themesReport(d1(), ws.id, 'UTC', VOICE_RANGE)) as ThemesReport;
    expect({ ...body, generatedAt: '' }).toEqual({ ...direct, generatedAt: '', complete: true, pendingDays: 0 });
  });
});
