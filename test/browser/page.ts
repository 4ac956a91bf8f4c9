// Shared by the dashboard's browser specs: Chromium, pages, the words and formats the page uses.
// the running `wrangler dev` comes from global-setup.ts; screenshots land in test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { EVIL_KEY, EVIL_NAME, EVIL_OWNER, TIMEZONE } from './seed.ts';
import { ROOT } from './server.ts';

export const seeded = inject('seeded');
const { base, readKey } = seeded;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = path.join(ROOT, 'test-results');
export const DESKTOP = { viewport: { width: 1280, height: 800 } } satisfies BrowserContextOptions;
export const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } satisfies BrowserContextOptions;

export type Lang = 'en' | 'es';
export type Metrics = Record<string, Record<string, number | null> | undefined>;
export type Summary = { from: string; to: string; timezone: string; metrics: Metrics; previous: { from: string; to: string; metrics: Metrics } };

/** The words the page uses (src/views/i18n.ts), written out here so that a change there shows. */
export const WORDS = {
  en: { title: 'Customer experience', signIn: 'Sign in to the dashboard', badKey: 'That key is unknown, revoked, or cannot read reports.', vsPrevious: 'vs previous period', noPrevious: 'no previous data', responses: 'responses', customers: 'customers at start', tickets: 'tickets', last: (n: number) => `Last ${n} days`, signOut: 'Sign out', critical: 'Critical moment', trends: 'Daily trends', unconfigured: 'Not in the inventory', unassigned: 'unassigned', interactions: (n: string) => `${n} interactions`, customersShort: 'customers', lowSample: 'small sample (under 30)' },
  es: { title: 'Experiencia de cliente', signIn: 'Entrar al panel', badKey: 'Esa clave no existe, está revocada o no puede leer informes.', vsPrevious: 'frente al periodo anterior', noPrevious: 'sin datos previos', responses: 'respuestas', customers: 'clientes al inicio', tickets: 'tickets', last: (n: number) => `Últimos ${n} días`, signOut: 'Salir', critical: 'Momento crítico', trends: 'Tendencias diarias', unconfigured: 'Fuera del inventario', unassigned: 'sin asignar', interactions: (n: string) => `${n} interacciones`, customersShort: 'clientes', lowSample: 'muestra pequeña (menos de 30)' },
};

/** Number formatting as a reader of that language expects it (computed here, not by the app). */
export function fmt(lang: Lang) {
  const locale = lang === 'es' ? 'es-ES' : 'en-US';
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  // Cases were opened at an instant: shown as the workspace's clock read then.
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIMEZONE });
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 2 });
  return {
    num: (x: number | null | undefined) => (x === null || x === undefined ? '—' : num.format(x)),
    // "82.45%" in English, "82,45 %" in Spanish.
    pct: (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${num.format(x)}${lang === 'es' ? '\u00a0%' : '%'}`),
    delta: (x: number | null) => (x === null ? '—' : signed.format(x)),
    day: (d: string) => day.format(new Date(`${d}T00:00:00Z`)),
    when: (iso: string) => when.format(new Date(iso)),
    money: (x: number) => money.format(x),
  };
}

/** The six headline figures: [metric, value, sample size, unit, is a percentage] out of one set of metrics. */
export const HEADLINE = [
  ['nps', (m: Metrics) => m.nps!.score, (m: Metrics) => m.nps!.responses, 'responses', false],
  ['csat', (m: Metrics) => m.csat!.score, (m: Metrics) => m.csat!.responses, 'responses', true],
  ['ces', (m: Metrics) => m.ces!.score, (m: Metrics) => m.ces!.responses, 'responses', false],
  ['churn', (m: Metrics) => m.churn?.rate ?? null, (m: Metrics) => m.churn?.customersAtStart ?? 0, 'customers', true],
  ['retention', (m: Metrics) => m.retention?.rate ?? null, (m: Metrics) => m.retention?.customersAtStart ?? 0, 'customers', true],
  ['resolution', (m: Metrics) => m.resolution!.rate, (m: Metrics) => m.resolution!.received, 'tickets', true],
] as const;

export async function report<T = any>(pathname: string): Promise<T> {
  const res = await fetch(`${base}${pathname}`, { headers: { authorization: `Bearer ${readKey}` } });
  expect(res.status, `GET ${pathname}`).toBe(200);
  return (await res.json()) as T;
}

export const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

let browser: Browser;
export const contexts: BrowserContext[] = [];

export async function newPage(options: BrowserContextOptions = DESKTOP): Promise<{ context: BrowserContext; page: Page; urls: string[] }> {
  const context = await browser.newContext({ ...options });
  contexts.push(context);
  const page = await context.newPage();
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  return { context, page, urls };
}

/** Posts the sign-in form as a person would; returns the HTTP status of the POST. */
export async function submitKey(page: Page, key: string, query = ''): Promise<number> {
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

export async function signedIn(options: BrowserContextOptions = DESKTOP, query = '') {
  const p = await newPage(options);
  expect(await submitKey(p.page, readKey, query)).toBe(303);
  await p.page.waitForURL(/\/dashboard\?/);
  await expect.poll(() => p.page.locator('#journey').count()).toBe(1);
  return p;
}

/** One signed-in desktop page shared by the read-only tests (each starts with its own goto). */
let shared: Page | undefined;
export async function desktop(query = '?lang=en'): Promise<Page> {
  shared ??= (await signedIn()).page;
  await shared.goto(`${base}/dashboard${query}`);
  expect(await shared.locator('#journey').count()).toBe(1);
  return shared;
}

export async function shot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
}

/** What a chart drew, measured on screen. */
export async function drawing(svg: ReturnType<Page['locator']>) {
  return svg.evaluate((el) => {
    const root = el as unknown as SVGSVGElement;
    const paths = [...el.querySelectorAll('path.line')] as SVGPathElement[];
    const ctm = root.getScreenCTM()!;
    const box = el.getBoundingClientRect();
    return {
      lines: paths.map((p) => ({ length: p.getTotalLength(), w: p.getBoundingClientRect().width })),
      grid: el.querySelectorAll('line.grid').length,
      // Value labels first (bottom to top), then the day labels.
      ticks: [...el.querySelectorAll('text.tick')]
        .map((t) => {
          const r = t.getBoundingClientRect();
          return {
            text: t.textContent ?? '',
            w: r.width,
            y: r.top,
            day: !(t.previousElementSibling instanceof SVGLineElement),
            px: Number.parseFloat(getComputedStyle(t).fontSize) * ctm.a,
            inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5,
          };
        })
        .sort((a, b) => Number(a.day) - Number(b.day) || (a.day ? 0 : b.y - a.y)),
      dots: el.querySelectorAll('circle.dot').length,
      dotBoxes: [...el.querySelectorAll('circle.dot')].slice(0, 5).map((c) => {
        const r = c.getBoundingClientRect();
        return { w: r.width, h: r.height };
      }),
      scale: { x: ctm.a, y: ctm.d },
      stroke: paths[0] ? getComputedStyle(paths[0]).stroke : '',
    };
  });
}

/** Where interactions carry a value, the cards after the headline: value per customer by NPS group. */
export const VALUE_GROUPS = ['promoters', 'passives', 'detractors'] as const;
type ValueFigures = { byNpsGroup: Record<(typeof VALUE_GROUPS)[number], { customers: number; perCustomer: number | null }> | null } | null;

/** The figure cards as the page shows them: the headline, then the value ones (not the themes panel's). */
export async function cards(page: Page) {
  return page.locator('li.card:not(.theme)').evaluateAll((els) =>
    els.map((el) => ({
      metric: el.getAttribute('data-metric'),
      group: el.getAttribute('data-group'),
      value: (el.hasAttribute('data-group') ? el : el.querySelector('.v'))?.getAttribute('data-value') ?? null,
      shown: el.querySelector('.v')?.textContent ?? '',
      detail: el.querySelector('.d')?.textContent ?? '',
    })),
  );
}

export async function expectHeadlineMatches(page: Page, summary: Summary, lang: Lang) {
  const f = fmt(lang);
  const w = WORDS[lang];
  const shown = await cards(page);
  const value = (summary.metrics as unknown as { value?: ValueFigures }).value ?? null;
  const groups = value?.byNpsGroup ? VALUE_GROUPS : [];
  expect(shown.map((c) => c.metric ?? `value:${c.group}`)).toEqual([...HEADLINE.map(([k]) => k), ...groups.map((g) => `value:${g}`)]);
  for (const [k, value, sample, unit, percent] of HEADLINE) {
    const card = shown.find((c) => c.metric === k)!;
    const v = value(summary.metrics);
    const prev = value(summary.previous.metrics);
    const delta = v !== null && prev !== null ? Math.round((v - prev) * 100) / 100 : null;
    expect(card.value, `${k} data-value`).toBe(v === null ? '' : String(v));
    expect(card.shown.trim(), `${k} figure`).toBe(percent ? f.pct(v) : f.num(v));
    // No bare dash when the previous period had nothing to compare with.
    const change = prev === null ? w.noPrevious : `${f.delta(delta)} ${w.vsPrevious}`;
    expect(squash(card.detail), `${k} change`).toBe(`${change} · ${f.num(sample(summary.metrics))} ${w[unit]}`);
  }
  // Value per customer of each NPS group, in euros (the seeded workspace's currency).
  for (const g of groups) {
    const card = shown.find((c) => c.group === g)!;
    const x = value!.byNpsGroup![g];
    expect(card.value, `value ${g} data-value`).toBe(x.perCustomer === null ? '' : String(x.perCustomer));
    expect(squash(card.shown), `value ${g} figure`).toBe(x.perCustomer === null ? '—' : squash(f.money(x.perCustomer)));
    expect(squash(card.detail), `value ${g} customers`).toBe(`${f.num(x.customers)} ${w.customersShort}${x.customers > 0 && x.customers < 30 ? ` · ⚠ ${w.lowSample}` : ''}`);
  }
  // The period the page covers is the report's.
  expect(squash(await page.locator('header p').textContent())).toContain(`${f.day(summary.from)} – ${f.day(summary.to)} (${summary.timezone})`);
}

/** Starts Chromium for the spec file that calls it, and closes it (and every context) after. */
export function useBrowser() {
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
}
