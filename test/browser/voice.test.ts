// What customers say, in a real browser: the dashboard's themes panel against GET /v1/reports/themes,
// and the empathy-map page against GET /v1/reports/empathy, navigated by its links with JavaScript off.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { DESKTOP, PHONE, SHOTS, type Lang, desktop, fmt, newPage, report, seeded, shot, squash, submitKey, useBrowser } from './page.ts';

useBrowser();
const { base, readKey } = seeded;

const QUADRANTS = ['says', 'does', 'feels', 'frustrations', 'motivations'] as const;
const HEADINGS = { en: ['Says', 'Does', 'Feels', 'Frustrations', 'Motivations'], es: ['Dice', 'Hace', 'Siente', 'Frustraciones', 'Motivaciones'] };
const EMPTY = { en: 'No motivations found', es: 'No se encuentran motivaciones' };

/** A signed-in page whose browser runs no JavaScript at all: every step is a link or a form. */
async function withoutScript(options = DESKTOP): Promise<Page> {
  const { page } = await newPage({ ...options, javaScriptEnabled: false });
  expect(await submitKey(page, readKey, '?lang=en')).toBe(303);
  await page.waitForURL(/\/dashboard\?/);
  return page;
}

/** What the page shows of each quadrant. */
async function quadrants(page: Page) {
  return page.locator('section.quadrant').evaluateAll((els) =>
    els.map((el) => ({
      id: el.getAttribute('data-quadrant'),
      empty: el.getAttribute('data-empty') === 'true',
      heading: el.querySelector('h2')?.firstChild?.textContent?.trim() ?? '',
      note: el.querySelector('.none-here')?.textContent ?? '',
      themes: [...el.querySelectorAll('[data-theme]')].map((t) => t.getAttribute('data-theme')),
      emotions: [...el.querySelectorAll('[data-emotion]')].map((t) => t.getAttribute('data-emotion')),
      quotes: [...el.querySelectorAll('blockquote')].map((q) => q.textContent),
      text: el.textContent ?? '',
      box: el.getBoundingClientRect().toJSON() as DOMRect,
    })),
  );
}

describe('what customers say, in Chromium', () => {
  it('the themes panel shows each mentioned theme with the figures of the themes report, quotes as text, and the unthemed words', async () => {
    const page = await desktop('?period=30d&lang=en');
    const r = await report('/v1/reports/themes?period=30d');
    const f = fmt('en');
    expect(r.comments, 'the seeded demo carries comments').toBeGreaterThan(50);
    const mentioned = r.themes.filter((th: any) => th.mentions > 0);
    expect(mentioned.length, 'demo themes mentioned').toBeGreaterThanOrEqual(5);
    const shown = await page.locator('#themes li.theme').evaluateAll((els) =>
      els.map((el) => ({
        key: el.getAttribute('data-theme'),
        mentions: el.getAttribute('data-mentions'),
        significant: el.getAttribute('data-significant'),
        low: el.querySelectorAll('.low').length,
        mentioners: el.querySelector('[data-nps=mentioners]')?.textContent,
        rest: el.querySelector('[data-nps=rest]')?.textContent,
        detractors: el.querySelector('[data-share=detractors]')?.textContent,
        promoters: el.querySelector('[data-share=promoters]')?.textContent,
        quotes: [...el.querySelectorAll('blockquote')].map((q) => q.textContent),
        visible: el.getBoundingClientRect().height > 0,
      })),
    );
    expect(shown.map((x) => x.key)).toEqual(mentioned.map((th: any) => th.key));
    for (const th of mentioned) {
      const x = shown.find((s) => s.key === th.key)!;
      expect(x.visible, th.key).toBe(true);
      expect(x.mentions, th.key).toBe(String(th.mentions));
      expect(x.mentioners, th.key).toBe(f.num(th.nps.mentioners.score));
      expect(x.rest, th.key).toBe(f.num(th.nps.rest.score));
      expect(x.significant, th.key).toBe(String(th.nps.significant));
      expect(x.low, th.key).toBe(th.nps.mentioners.responses > 0 && th.nps.lowSample ? 1 : 0);
      expect(x.detractors, th.key).toBe(f.pct(th.detractorShare));
      expect(x.promoters, th.key).toBe(f.pct(th.promoterShare));
      // The report's own (masked) words, at most two, shown as text.
      expect(x.quotes, th.key).toEqual(th.quotes.slice(0, 2).map((q: any) => q.text));
    }
    expect(shown.flatMap((x) => x.quotes).join(' ')).not.toMatch(/[\w.]+@[\w.]+\.\w+/);
    const terms = await page.locator('#unthemed li').evaluateAll((els) => els.map((e) => [e.getAttribute('data-term'), e.getAttribute('data-mentions')]));
    expect(terms).toEqual(r.unthemed.slice(0, 12).map((w: any) => [w.term, String(w.mentions)]));
    expect(terms.length).toBeGreaterThan(0);
    await page.locator('#themes').screenshot({ path: path.join(SHOTS, 'dashboard-themes-en.png') });
  });

  it('opens the empathy map from the dashboard and walks segments and stages by links, with JavaScript off', async () => {
    const page = await withoutScript();
    await page.locator('#empathy-link').click();
    await page.waitForURL(`${base}/dashboard/empathy?period=30d&lang=en`);
    const r = await report('/v1/reports/empathy?period=30d');
    const key = (c: any) => `${c.segment ?? ''}|${c.stage ?? ''}`;
    const cells = new Map<string, any>(r.cells.map((c: any) => [key(c), c]));
    // The first view: the cell with the most comments.
    const richest = [...r.cells].sort((a: any, b: any) => b.says.comments - a.says.comments || b.does.interactions.count - a.does.interactions.count)[0];
    const title = page.locator('#cell-title');
    expect(`${await title.getAttribute('data-segment')}|${await title.getAttribute('data-stage')}`).toBe(key(richest));
    const segments = await page.locator('#pick-segment a').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
    const stages = await page.locator('#pick-stage a').evaluateAll((els) => els.map((e) => e.getAttribute('data-value')));
    expect(new Set(segments)).toEqual(new Set(r.cells.map((c: any) => c.segment ?? '')));
    expect(stages).toEqual([...new Set(r.cells.map((c: any) => c.stage ?? ''))]);
    // Every segment, then every stage of the last one, by clicking: each page shows that cell's figures.
    const visit = async (segment: string, stage: string) => {
      const cell = cells.get(`${segment}|${stage}`);
      const shown = await quadrants(page);
      expect(shown.map((q) => q.id)).toEqual([...QUADRANTS]);
      expect(shown.map((q) => q.heading)).toEqual(HEADINGS.en);
      for (const q of shown) {
        expect(q.box.width * q.box.height, `${q.id} visible`).toBeGreaterThan(0);
        expect(q.empty, `${segment}|${stage} ${q.id} empty`).toBe(cell ? cell[q.id!].empty : true);
        expect(q.note.length > 0, `${q.id} says it is empty`).toBe(q.empty);
      }
      if (!cell) return;
      const [says, , feels, frustrations, motivations] = shown;
      expect(says.themes).toEqual(cell.says.themes.map((t: any) => t.key));
      expect(says.quotes).toEqual(cell.says.quotes.map((q: any) => q.text));
      expect(feels.emotions).toEqual(cell.feels.emotions.map((e: any) => e.emotion));
      expect(frustrations.themes).toEqual(cell.frustrations.themes.map((t: any) => t.key));
      expect(motivations.themes).toEqual(cell.motivations.themes.map((t: any) => t.key));
      expect(squash(shown[1].text)).toContain(fmt('en').num(cell.does.interactions.count));
    };
    let segment = '';
    for (const s of segments) {
      await page.locator(`#pick-segment a[data-value="${s}"]`).click();
      await page.waitForLoadState('load');
      segment = s!;
      expect(await page.locator('#pick-segment a[aria-current=page]').getAttribute('data-value')).toBe(s);
      await visit(s!, (await title.getAttribute('data-stage'))!);
    }
    for (const st of stages) {
      await page.locator(`#pick-stage a[data-value="${st}"]`).click();
      await page.waitForLoadState('load');
      expect(new URL(page.url()).searchParams.get('segment')).toBe(segment);
      expect(new URL(page.url()).searchParams.get('stage')).toBe(st);
      await visit(segment, st!);
    }
    // The overview table links every cell of the period: its richest one opens that cell.
    const to = `/dashboard/empathy?${new URLSearchParams({ segment: richest.segment ?? '', stage: richest.stage ?? '', period: '30d', lang: 'en' })}`;
    const link = page.locator(`#overview a[href="${to}"]`);
    expect(await link.textContent()).toBe(`${fmt('en').num(richest.says.comments)} comments`);
    await link.click();
    await page.waitForLoadState('load');
    expect(`${await title.getAttribute('data-segment')}|${await title.getAttribute('data-stage')}`).toBe(key(richest));
    await visit(richest.segment ?? '', richest.stage ?? '');
    expect(await page.locator('#overview a').count()).toBe(r.cells.length);
    await shot(page, 'empathy-walk-en.png');
    // And back to the dashboard, same period and language.
    await page.locator('#back').click();
    await page.waitForURL(`${base}/dashboard?period=30d&lang=en`);
    expect(await page.locator('#themes').count()).toBe(1);
  });

  it('shows the same cell in Spanish, an empty quadrant saying so in each language, and fits a phone', async () => {
    const r = await report('/v1/reports/empathy?period=30d');
    // A cell with an empty motivations quadrant (or a segment × stage with no activity at all).
    const cell = r.cells.find((c: any) => c.motivations.empty);
    const segment = cell ? (cell.segment ?? '') : 'nobody';
    const stage = cell ? (cell.stage ?? '') : (r.cells[0].stage ?? '');
    for (const lang of ['en', 'es'] as Lang[]) {
      const page = await desktop(`?lang=${lang}`);
      await page.goto(`${base}/dashboard/empathy?${new URLSearchParams({ segment, stage, period: '30d', lang })}`);
      expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      const shown = await quadrants(page);
      expect(shown.map((q) => q.heading)).toEqual(HEADINGS[lang]);
      const motivations = shown.find((q) => q.id === 'motivations')!;
      expect(motivations.empty).toBe(true);
      expect(motivations.note).toContain(EMPTY[lang]);
      await shot(page, `empathy-${lang}.png`);
    }
    const { page } = await newPage(PHONE);
    expect(await submitKey(page, readKey, '?lang=es')).toBe(303);
    await page.goto(`${base}/dashboard/empathy?period=30d&lang=es`);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(wide, 'no sideways scrolling on a phone').toBeLessThanOrEqual(0);
    const boxes = (await quadrants(page)).map((q) => q.box);
    for (let i = 1; i < boxes.length; i++) expect(boxes[i].top, 'stacked on a phone').toBeGreaterThanOrEqual(boxes[i - 1].bottom);
    await shot(page, 'empathy-phone-es.png');
  });
});
