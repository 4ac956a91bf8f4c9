// The dashboard in a real browser: Debian's Chromium driven by playwright-core against
// `wrangler dev` (see global-setup.ts). Screenshots land in test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVIL_KEY, EVIL_NAME, EVIL_OWNER } from './seed';
import { ROOT } from './server';

const seeded = inject('seeded');
const { base, readKey } = seeded;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(ROOT, 'test-results');
const DESKTOP = { viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;

type Lang = 'en' | 'es';
type Metrics = Record<string, Record<string, number | null> | undefined>;
type Summary = { from: string; to: string; timezone: string; metrics: Metrics; previous: { from: string; to: string; metrics: Metrics } };

/** The words the page uses (src/views/i18n.ts), written out here so that a change there shows. */
const WORDS = {
  en: { title: 'Customer experience', signIn: 'Sign in to the dashboard', badKey: 'That key is unknown, revoked, or cannot read reports.', vsPrevious: 'vs previous period', responses: 'responses', customers: 'customers at start', tickets: 'tickets', last: (n: number) => `Last ${n} days`, signOut: 'Sign out', critical: 'Critical moment', trends: 'Daily trends' },
  es: { title: 'Experiencia de cliente', signIn: 'Entrar al panel', badKey: 'Esa clave no existe, está revocada o no puede leer informes.', vsPrevious: 'frente al periodo anterior', responses: 'respuestas', customers: 'clientes al inicio', tickets: 'tickets', last: (n: number) => `Últimos ${n} días`, signOut: 'Salir', critical: 'Momento crítico', trends: 'Tendencias diarias' },
};

/** Number formatting as a reader of that language expects it (computed here, not by the app). */
function fmt(lang: Lang) {
  const locale = lang === 'es' ? 'es-ES' : 'en-US';
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  return {
    num: (x: number | null | undefined) => (x === null || x === undefined ? '—' : num.format(x)),
    delta: (x: number | null) => (x === null ? '—' : signed.format(x)),
    day: (d: string) => day.format(new Date(`${d}T00:00:00Z`)),
  };
}

/** The six headline figures: [metric, value, sample size, unit] out of one set of metrics. */
const HEADLINE = [
  ['nps', (m: Metrics) => m.nps!.score, (m: Metrics) => m.nps!.responses, 'responses', ''],
  ['csat', (m: Metrics) => m.csat!.score, (m: Metrics) => m.csat!.responses, 'responses', ' %'],
  ['ces', (m: Metrics) => m.ces!.score, (m: Metrics) => m.ces!.responses, 'responses', ''],
  ['churn', (m: Metrics) => m.churn?.rate ?? null, (m: Metrics) => m.churn?.customersAtStart ?? 0, 'customers', ' %'],
  ['retention', (m: Metrics) => m.retention?.rate ?? null, (m: Metrics) => m.retention?.customersAtStart ?? 0, 'customers', ' %'],
  ['resolution', (m: Metrics) => m.resolution!.rate, (m: Metrics) => m.resolution!.received, 'tickets', ' %'],
] as const;

async function report<T = any>(pathname: string): Promise<T> {
  const res = await fetch(`${base}${pathname}`, { headers: { authorization: `Bearer ${readKey}` } });
  expect(res.status, `GET ${pathname}`).toBe(200);
  return (await res.json()) as T;
}

const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

let browser: Browser;
const contexts: BrowserContext[] = [];

async function newPage(options: BrowserContextOptions = DESKTOP): Promise<{ context: BrowserContext; page: Page; urls: string[] }> {
  const context = await browser.newContext({ ...options });
  contexts.push(context);
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return { context, page, urls };
}

/** Posts the sign-in form as a person would; returns the HTTP status of the POST. */
async function submitKey(page: Page, key: string, query = ''): Promise<number> {
  await page.goto(`${base}/dashboard${query}`);
  await page.locator('#key').fill(key);
  const [res] = await Promise.all([
    page.waitForResponse((r) => r.url().includes('/dashboard/session') && r.request().method() === 'POST'),
    page.locator('form.signin button[type=submit]').click(),
  ]);
  await page.waitForLoadState('load');
  // The server refuses cross-site posts; the browser must name the page's own origin
  // (a `no-referrer` policy would make it send `Origin: null`).
  expect(await res.request().headerValue('origin')).toBe(base);
  return res.status();
}

async function signedIn(options: BrowserContextOptions = DESKTOP, query = '') {
  const p = await newPage(options);
  expect(await submitKey(p.page, readKey, query)).toBe(303);
  await p.page.waitForURL(/\/dashboard\?/);
  await expect.poll(() => p.page.locator('#journey').count()).toBe(1);
  return p;
}

/** One signed-in desktop page shared by the read-only tests (each starts with its own goto). */
let shared: Page | undefined;
async function desktop(query = '?lang=en'): Promise<Page> {
  shared ??= (await signedIn()).page;
  await shared.goto(`${base}/dashboard${query}`);
  expect(await shared.locator('#journey').count()).toBe(1);
  return shared;
}

async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/** The headline cards as the page shows them. */
async function cards(page: Page) {
  return page.locator('li.card').evaluateAll((els) =>
    els.map((el) => ({
      metric: el.getAttribute('data-metric'),
      value: el.querySelector('.v')?.getAttribute('data-value') ?? null,
      shown: el.querySelector('.v')?.textContent ?? '',
      detail: el.querySelector('.d')?.textContent ?? '',
    })),
  );
}

async function expectHeadlineMatches(page: Page, summary: Summary, lang: Lang) {
  const f = fmt(lang);
  const w = WORDS[lang];
  const shown = await cards(page);
  expect(shown.map((c) => c.metric)).toEqual(HEADLINE.map(([k]) => k));
  for (const [k, value, sample, unit, suffix] of HEADLINE) {
    const card = shown.find((c) => c.metric === k)!;
    const v = value(summary.metrics);
    const prev = value(summary.previous.metrics);
    const delta = v !== null && prev !== null ? Math.round((v - prev) * 100) / 100 : null;
    expect(card.value, `${k} data-value`).toBe(v === null ? '' : String(v));
    expect(squash(card.shown), `${k} figure`).toBe(v === null ? '—' : `${f.num(v)}${suffix}`);
    expect(squash(card.detail), `${k} change`).toBe(`${f.delta(delta)} ${w.vsPrevious} · ${f.num(sample(summary.metrics))} ${w[unit]}`);
  }
  // The period the page covers is the report's.
  expect(squash(await page.locator('header p').textContent())).toContain(`${f.day(summary.from)} – ${f.day(summary.to)} (${summary.timezone})`);
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium), as .ci/run does, or set CHROMIUM_PATH`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
});

describe('dashboard in Chromium', () => {
  it('the seeded workspace has data in every headline figure', async () => {
    const s = await report<Summary>('/v1/reports/summary?period=30d');
    for (const [k, value] of HEADLINE) expect(value(s.metrics), k).not.toBeNull();
    expect(seeded.rollup.log.length).toBeGreaterThan(0);
  });

  it('signs in through the form: a bad key shows an error, a read key opens an HttpOnly session', async () => {
    const { context, page, urls } = await newPage();
    await page.goto(`${base}/dashboard`);
    expect(await page.locator('h1').textContent()).toBe(WORDS.en.signIn);
    await shot(page, 'signin-en.png');

    expect(await submitKey(page, `${readKey.slice(0, -4)}zzzz`)).toBe(401);
    await expect.poll(() => page.locator('.error[role=alert]').textContent()).toBe(WORDS.en.badKey);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('trayecto_session');

    expect(await submitKey(page, readKey)).toBe(303);
    await page.waitForURL(`${base}/dashboard?lang=en`);
    expect(await page.locator('h1').textContent()).toBe(WORDS.en.title);
    const cookie = (await context.cookies()).find((c) => c.name === 'trayecto_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.value).not.toContain(readKey.split('_').at(-1));
    expect(await page.evaluate(() => document.cookie)).not.toContain('trayecto_session');
    // The key went only into a POST body, never into an address.
    expect(urls.filter((u) => u.includes(readKey) || u.includes(readKey.split('_').at(-1)!))).toEqual([]);
  });

  it('headline figures equal the summary report, for 30, 7 and 90 days through the period picker', async () => {
    const page = await desktop();
    await shot(page, 'dashboard-desktop-en.png');
    await expectHeadlineMatches(page, await report<Summary>('/v1/reports/summary?period=30d'), 'en');
    expect(await page.locator('nav a[aria-current=page]').textContent()).toBe(WORDS.en.last(30));

    for (const days of [7, 90, 30]) {
      await page.locator('nav a', { hasText: WORDS.en.last(days) }).click();
      await page.waitForURL(`${base}/dashboard?period=${days}d&lang=en`);
      expect(await page.locator('nav a[aria-current=page]').textContent()).toBe(WORDS.en.last(days));
      const summary = await report<Summary>(`/v1/reports/summary?period=${days}d`);
      const [y, m, d] = summary.to.split('-').map(Number);
      expect(new Date(Date.UTC(y, m - 1, d - days + 1)).toISOString().slice(0, 10)).toBe(summary.from);
      await expectHeadlineMatches(page, summary, 'en');
      expect(await page.locator('#chart-nps details tbody tr').count()).toBe(days);
    }
  });

  it('draws the four daily charts as SVG with axes, labels and one dot per measured day', async () => {
    const page = await desktop();
    const summary = await report<Summary>('/v1/reports/summary?period=30d');
    const daily = await report<{ days: { day: string; metrics: Metrics }[] }>(`/v1/reports/daily?from=${summary.from}&to=${summary.to}`);
    expect(daily.days).toHaveLength(30);
    const f = fmt('en');
    const charts: [string, (m: Metrics) => number | null | undefined][] = [
      ['chart-nps', (m) => m.nps!.score],
      ['chart-csat', (m) => m.csat!.score],
      ['chart-interactions', (m) => m.interactions!.count],
      ['chart-negative', (m) => m.interactions!.negativeRate],
    ];
    for (const [id, pick] of charts) {
      const svg = page.locator(`#${id} svg`);
      const box = await svg.boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, `${id} width`).toBeGreaterThan(200);
      expect(box!.height, `${id} height`).toBeGreaterThan(100);
      const drawn = await svg.evaluate((el) => {
        const paths = [...el.querySelectorAll('path.line')] as SVGPathElement[];
        return {
          lines: paths.map((p) => ({ length: p.getTotalLength(), w: p.getBoundingClientRect().width })),
          grid: el.querySelectorAll('line.grid').length,
          ticks: [...el.querySelectorAll('text.tick')].map((t) => {
            const r = t.getBoundingClientRect();
            const svg = el.getBoundingClientRect();
            return { text: t.textContent ?? '', w: r.width, inside: r.left >= svg.left - 0.5 && r.right <= svg.right + 0.5 && r.top >= svg.top - 0.5 && r.bottom <= svg.bottom + 0.5 };
          }),
          dots: el.querySelectorAll('circle.dot').length,
          stroke: paths[0] ? getComputedStyle(paths[0]).stroke : '',
        };
      });
      const measured = daily.days.filter((d) => pick(d.metrics) !== null && pick(d.metrics) !== undefined);
      expect(measured.length, `${id}: days with data`).toBeGreaterThan(20);
      expect(drawn.dots, `${id} dots`).toBe(measured.length);
      expect(drawn.lines.length, `${id} lines`).toBeGreaterThan(0);
      for (const l of drawn.lines) expect(l.length, `${id} line length`).toBeGreaterThan(0);
      expect(drawn.lines.reduce((sum, l) => sum + l.w, 0), `${id} line width on screen`).toBeGreaterThan(box!.width / 2);
      expect(drawn.stroke, `${id} stroke`).not.toMatch(/^(none|)$/);
      expect(drawn.grid, `${id} grid lines`).toBe(3);
      // Three value ticks, then day labels for the first, middle and last day.
      expect(drawn.ticks.length, `${id} labels`).toBe(6);
      for (const t of drawn.ticks) {
        expect(t.w, `${id} label "${t.text}" on screen`).toBeGreaterThan(0);
        expect(t.inside, `${id} label "${t.text}" inside the chart, not clipped`).toBe(true);
      }
      const days = drawn.ticks.slice(3).map((t) => t.text);
      expect(days, `${id} x labels`).toEqual([f.day(daily.days[0].day), f.day(daily.days[14].day), f.day(daily.days[29].day)]);
      const values = drawn.ticks.slice(0, 3).map((t) => Number(t.text.replace(/,/g, '')));
      expect(values[0], `${id} y axis top > bottom`).toBeGreaterThan(values[2]);
      const lo = Math.min(...measured.map((d) => pick(d.metrics)!));
      const hi = Math.max(...measured.map((d) => pick(d.metrics)!));
      expect(values[2], `${id} y axis covers the lowest value`).toBeLessThanOrEqual(Math.ceil(lo));
      expect(values[0], `${id} y axis covers the highest value`).toBeGreaterThanOrEqual(Math.floor(hi));
    }
  });

  it('shows the journey grid: stages × touchpoints, critical moments marked, markup names as text', async () => {
    const page = await desktop();
    const journey = await report<{ stages: any[]; unconfigured: any[] }>('/v1/reports/journey?period=30d');
    const heads = await page.locator('#journey thead th').allTextContents();
    expect(heads).toEqual([...journey.stages.map((s) => s.name), ...(journey.unconfigured.length ? ['Not in the inventory'] : [])]);
    expect(journey.stages.length).toBe(5);
    const columns = page.locator('#journey tbody tr > td');
    expect(await columns.count()).toBe(heads.length);
    const all = [...journey.stages.map((s) => s.touchpoints), journey.unconfigured];
    let critical = 0;
    for (let i = 0; i < heads.length; i++) {
      const chips = columns.nth(i).locator('.tp');
      expect(await chips.evaluateAll((els) => els.map((e) => e.getAttribute('data-touchpoint')))).toEqual(all[i].map((tp: any) => tp.key));
      for (const tp of all[i]) {
        const chip = columns.nth(i).locator(`.tp[data-touchpoint="${tp.key}"]`);
        expect(await chip.locator('.crit').count(), `${tp.key} marked critical`).toBe(tp.criticalMoment ? 1 : 0);
        if (tp.criticalMoment) {
          critical++;
          expect(await chip.getAttribute('data-experience')).toBe('poor');
          expect(await chip.locator('.crit').getAttribute('title')).toBe(tp.reasons.map((r: any) => r.detail).join('; '));
          expect(await chip.locator('.crit').textContent()).toContain(WORDS.en.critical);
        }
        const box = await chip.boundingBox();
        expect(box && box.width > 0 && box.height > 0, `${tp.key} visible`).toBe(true);
      }
    }
    expect(critical, 'critical moments in the seeded data').toBeGreaterThan(0);
    // Experience colours differ between classes.
    const colours = await page.locator('#journey .tp').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [e.getAttribute('data-experience'), getComputedStyle(e).backgroundColor])),
    );
    expect(new Set(Object.values(colours)).size).toBe(Object.keys(colours).length);
    // The touchpoint named like a script tag is plain text.
    expect(await page.locator(`.tp[data-touchpoint="${EVIL_KEY}"] strong`).textContent()).toBe(EVIL_NAME);
  });

  it('lists the priorities and the open cases of the same data', async () => {
    const page = await desktop();
    const priorities = await report<{ rows: any[] }>('/v1/reports/priorities?period=30d');
    const ranked = await page.locator('#priorities li').evaluateAll((els) => els.map((e) => e.getAttribute('data-touchpoint')));
    expect(ranked).toEqual(priorities.rows.slice(0, 10).map((r) => r.touchpoint));
    expect(ranked.length).toBeGreaterThan(3);
    const open = (await report<{ cases: { customerId: string; owner: string; touchpoint: string | null }[] }>('/v1/cases?status=open')).cases;
    expect(open.length, 'cases opened by the alert rules').toBeGreaterThan(0);
    const rows = await page.locator('#cases tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual(open.slice(0, 20).map((c) => [c.customerId, c.touchpoint ?? '—', c.owner]));
  });

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
    // The charts and cards still have room to be read.
    const chart = await page.locator('#chart-nps svg').boundingBox();
    expect(chart!.width).toBeGreaterThan(300);
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
    expect((await context.cookies()).map((c) => c.name)).not.toContain('trayecto_session');
    await page.goto(`${base}/dashboard?period=7d`);
    expect(await page.locator('#key').count()).toBe(1);
    expect(await page.locator('#journey').count()).toBe(0);
  });
});
