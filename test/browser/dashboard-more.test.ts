// The dashboard in a real browser (part 2 of 2: escaping, languages, layouts, insights, sign-out):
// Debian's Chromium driven by playwright-core against `wrangler dev` (global-setup.ts).
import { describe, expect, it } from 'vitest';
import { DESKTOP, HEADLINE, PHONE, type Summary, WORDS, cards, desktop, drawing, expectHeadlineMatches, newPage, report, seeded, shot, signedIn, squash, submitKey, useBrowser } from './page.ts';
import { EVIL_KEY, EVIL_NAME, EVIL_OWNER } from './seed.ts';

useBrowser();
const { base, readKey } = seeded;

describe('dashboard in Chromium: escaping, languages, layouts, insights, sign-out', () => {
  it('markup in names and owners stays text even with the CSP switched off: no script, no dialog', async () => {
    const { page } = await signedIn({ ...DESKTOP, bypassCSP: true });
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.reload();
    await page.waitForLoadState('load');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    await expect.poll(() => page.locator(`.tp[data-touchpoint="${EVIL_KEY}"] strong`).textContent()).toBe(EVIL_NAME);
    expect(await page.locator(`.tp[data-touchpoint="${EVIL_KEY}"] strong`).isVisible()).toBe(true);
    // Its owner, also markup, shows as text in the case it was assigned.
    expect(await page.locator('#cases td', { hasText: EVIL_OWNER }).count()).toBeGreaterThan(0);
    const ranked = page.locator(`#priorities li[data-touchpoint="${EVIL_KEY}"]`);
    if (await ranked.count()) expect(await ranked.textContent()).toContain(EVIL_OWNER);
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
  });

  it('speaks Spanish with ?lang=es and with Accept-Language, with Spanish number formatting', async () => {
    const { page } = await signedIn(DESKTOP, '?lang=en');
    await page.goto(`${base}/dashboard?lang=es`);
    await shot(page, 'dashboard-desktop-es.png');
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.locator('h1').textContent()).toBe(WORDS.es.title);
    expect(await page.locator('main h2').first().textContent()).toBe(WORDS.es.trends);
    const summary = await report<Summary>('/v1/reports/summary?period=30d');
    await expectHeadlineMatches(page, summary, 'es');
    // Decimal commas: at least one figure with decimals, and no decimal point in any.
    const figures = (await cards(page)).map((c) => squash(c.shown));
    expect(figures.some((x) => /\d,\d/.test(x)), figures.join(' | ')).toBe(true);
    expect(figures.every((x) => !/\d\.\d{1,2}(\D|$)/.test(x)), figures.join(' | ')).toBe(true);

    // A browser set to Spanish, with no ?lang=: the sign-in form and the dashboard are in Spanish.
    const es = await newPage({ ...DESKTOP, locale: 'es-ES' });
    await es.page.goto(`${base}/dashboard`);
    expect(await es.page.locator('h1').textContent()).toBe(WORDS.es.signIn);
    expect(await submitKey(es.page, readKey)).toBe(303);
    await es.page.goto(`${base}/dashboard?period=7d`);
    expect(await es.page.locator('html').getAttribute('lang')).toBe('es');
    expect(await es.page.locator('nav a[aria-current=page]').textContent()).toBe(WORDS.es.last(7));
    await expectHeadlineMatches(es.page, await report<Summary>('/v1/reports/summary?period=7d'), 'es');
  });

  it('fits a phone screen (390×844) without horizontal scrolling', async () => {
    const { page } = await signedIn(PHONE);
    await shot(page, 'dashboard-phone.png');
    const overflow = await page.evaluate(() => ({
      doc: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      body: document.body.scrollWidth - document.body.clientWidth,
      inner: window.innerWidth,
      wide: [...document.querySelectorAll('body *')]
        .filter((e) => !e.closest('.scroll'))
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
        .slice(0, 10),
    }));
    expect(overflow.inner).toBe(390);
    expect(overflow.wide).toEqual([]);
    expect(overflow.doc).toBeLessThanOrEqual(0);
    expect(overflow.body).toBeLessThanOrEqual(0);
    // The charts and cards still have room to be read, with labels of a legible size.
    const chart = await page.locator('#chart-nps svg').boundingBox();
    expect(chart!.width).toBeGreaterThan(300);
    expect(chart!.height).toBeGreaterThan(100);
    for (const id of ['chart-nps', 'chart-csat']) {
      for (const t of (await drawing(page.locator(`#${id} svg`))).ticks) {
        expect(t.px, `${id} label "${t.text}" font size on a phone`).toBeGreaterThanOrEqual(11);
        expect(t.inside, `${id} label "${t.text}" inside the chart`).toBe(true);
      }
    }
    // The journey stacks its stages, one under the other, each as wide as the page's content.
    const stages = await page.locator('#journey > li.stage').evaluateAll((els) => els.map((e) => ({ ...e.getBoundingClientRect().toJSON(), sw: e.scrollWidth, cw: e.clientWidth })));
    expect(stages.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < stages.length; i++) {
      expect(stages[i].left, `stage ${i} aligned`).toBeCloseTo(stages[0].left, 0);
      expect(stages[i].top, `stage ${i} below the one before`).toBeGreaterThanOrEqual(stages[i - 1].bottom);
    }
    for (const st of stages) {
      expect(st.width).toBeGreaterThan(300);
      expect(st.sw, 'nothing scrolls inside a stage').toBeLessThanOrEqual(st.cw);
    }
    // Only the cases table scrolls sideways, in a focusable region, with a visible hint above it.
    const scrollers = await page.locator('.scroll').evaluateAll((els) => els.map((e) => ({ id: e.querySelector('table')?.id, tabindex: e.getAttribute('tabindex'), label: e.getAttribute('aria-label'), wider: e.scrollWidth > e.clientWidth })));
    expect(scrollers.map((x) => x.id)).toEqual(['cases']);
    expect(scrollers[0]).toMatchObject({ tabindex: '0', label: 'Open cases' });
    if (scrollers[0].wider) expect(await page.locator('.hint').isVisible(), 'scroll hint on a phone').toBe(true);
    // On a desktop the hint is not needed.
    expect(await (await desktop()).locator('.hint').isVisible()).toBe(false);
  });

  it('keeps the header tidy on a desktop: sign out at the top right, on the row of the period links', async () => {
    const page = await desktop();
    const header = (await page.locator('header').boundingBox())!;
    const nav = (await page.locator('header nav').boundingBox())!;
    const button = (await page.getByRole('button', { name: WORDS.en.signOut }).boundingBox())!;
    const title = (await page.locator('header h1').boundingBox())!;
    expect(Math.abs(button.y + button.height / 2 - (nav.y + nav.height / 2)), 'sign out centred on the links row').toBeLessThan(4);
    expect(button.x, 'sign out right of the links').toBeGreaterThan(nav.x + nav.width);
    expect(header.x + header.width - (button.x + button.width), 'sign out at the right edge').toBeLessThan(24);
    expect(button.y, 'sign out at the top').toBeLessThan(title.y + title.height);
    expect(header.height, 'no row of its own for sign out').toBeLessThan(110);
  });

  it('marks significant changes and small samples as the summary says, and draws the weekly NPS with 95% interval bands', async () => {
    const page = await desktop('?period=30d&lang=en');
    const summary = await report('/v1/reports/summary?period=30d');
    for (const [k, value, sample] of HEADLINE) {
      const change = summary.previous.changes[k];
      const card = page.locator(`li.card[data-metric="${k}"]`);
      expect(await card.getAttribute('data-significant'), k).toBe(String(change.significant));
      expect(await card.getAttribute('data-low-sample'), k).toBe(String(change.lowSample));
      expect(await card.locator('.sig.yes').count(), k).toBe(change.significant ? 1 : 0);
      // Flagged when the figure itself rests on under 30, or a change it shows does.
      const flagged = value(summary.metrics) !== null && (sample(summary.metrics)! < 30 || (change.change !== null && change.lowSample));
      expect(await card.locator('.low').count(), k).toBe(flagged ? 1 : 0);
    }
    const trend = await report('/v1/reports/trend?metric=nps&period=90d');
    const drawn = await page.locator('#chart-nps-weekly svg').evaluate((el) => ({
      bands: [...el.querySelectorAll('polygon.band')].map((p) => {
        const r = p.getBoundingClientRect();
        return r.width * r.height;
      }),
      dots: el.querySelectorAll('circle.dot').length,
      rings: el.querySelectorAll('circle.ring').length,
    }));
    expect(drawn.dots).toBe(trend.points.filter((p: any) => p.score !== null).length);
    expect(drawn.rings).toBe(trend.points.filter((p: any) => p.vsPrevious?.significant).length);
    expect(drawn.bands.length).toBeGreaterThan(0);
    for (const area of drawn.bands) expect(area).toBeGreaterThan(0);
    expect(await page.locator('#chart-nps-weekly tbody tr').count()).toBe(trend.points.length);
    // The seeded sales carry a value: the value panel shows each NPS group (its figures: expectHeadlineMatches).
    expect(await page.locator('#value li.card').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).toEqual(['promoters', 'passives', 'detractors']);
    await shot(page, 'dashboard-weekly-nps-en.png');
  });

  it('sign-out ends the session', async () => {
    const { context, page } = await signedIn();
    const [res] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${base}/dashboard/logout`) && r.request().method() === 'POST'),
      page.getByRole('button', { name: WORDS.en.signOut }).click(),
    ]);
    expect(res.status()).toBe(303);
    await page.waitForLoadState('load');
    expect(page.url()).toBe(`${base}/dashboard?lang=en`);
    expect(await page.locator('h1').textContent()).toBe(WORDS.en.signIn);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__Host-trayecto_session');
    await page.goto(`${base}/dashboard?period=7d`);
    expect(await page.locator('#key').count()).toBe(1);
    expect(await page.locator('#journey').count()).toBe(0);
  });
});
