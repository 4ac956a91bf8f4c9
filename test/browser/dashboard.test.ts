// The dashboard in a real browser: Debian's Chromium driven by playwright-core against
// `wrangler dev` (see global-setup.ts). Screenshots land in test-results/.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVIL_KEY, EVIL_NAME, EVIL_OWNER, TIMEZONE } from './seed.ts';
import { ROOT } from './server.ts';

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
  en: { title: 'Customer experience', signIn: 'Sign in to the dashboard', badKey: 'That key is unknown, revoked, or cannot read reports.', vsPrevious: 'vs previous period', noPrevious: 'no previous data', responses: 'responses', customers: 'customers at start', tickets: 'tickets', last: (n: number) => `Last ${n} days`, signOut: 'Sign out', critical: 'Critical moment', trends: 'Daily trends', unconfigured: 'Not in the inventory', unassigned: 'unassigned', interactions: (n: string) => `${n} interactions` },
  es: { title: 'Experiencia de cliente', signIn: 'Entrar al panel', badKey: 'Esa clave no existe, está revocada o no puede leer informes.', vsPrevious: 'frente al periodo anterior', noPrevious: 'sin datos previos', responses: 'respuestas', customers: 'clientes al inicio', tickets: 'tickets', last: (n: number) => `Últimos ${n} días`, signOut: 'Salir', critical: 'Momento crítico', trends: 'Tendencias diarias', unconfigured: 'Fuera del inventario', unassigned: 'sin asignar', interactions: (n: string) => `${n} interacciones` },
};

/** Number formatting as a reader of that language expects it (computed here, not by the app). */
function fmt(lang: Lang) {
  const locale = lang === 'es' ? 'es-ES' : 'en-US';
  const num = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const signed = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' });
  // Cases were opened at an instant: shown as the workspace's clock read then.
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: TIMEZONE });
  return {
    num: (x: number | null | undefined) => (x === null || x === undefined ? '—' : num.format(x)),
    // "82.45%" in English, "82,45 %" in Spanish.
    pct: (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${num.format(x)}${lang === 'es' ? '\u00a0%' : '%'}`),
    delta: (x: number | null) => (x === null ? '—' : signed.format(x)),
    day: (d: string) => day.format(new Date(`${d}T00:00:00Z`)),
    when: (iso: string) => when.format(new Date(iso)),
  };
}

/** The six headline figures: [metric, value, sample size, unit, is a percentage] out of one set of metrics. */
const HEADLINE = [
  ['nps', (m: Metrics) => m.nps!.score, (m: Metrics) => m.nps!.responses, 'responses', false],
  ['csat', (m: Metrics) => m.csat!.score, (m: Metrics) => m.csat!.responses, 'responses', true],
  ['ces', (m: Metrics) => m.ces!.score, (m: Metrics) => m.ces!.responses, 'responses', false],
  ['churn', (m: Metrics) => m.churn?.rate ?? null, (m: Metrics) => m.churn?.customersAtStart ?? 0, 'customers', true],
  ['retention', (m: Metrics) => m.retention?.rate ?? null, (m: Metrics) => m.retention?.customersAtStart ?? 0, 'customers', true],
  ['resolution', (m: Metrics) => m.resolution!.rate, (m: Metrics) => m.resolution!.received, 'tickets', true],
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

/** What a chart drew, measured on screen. */
async function drawing(svg: ReturnType<Page['locator']>) {
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
    // The run was followed to done: no day of the period is still waiting, and no banner says so.
    expect((s as unknown as { complete: boolean }).complete).toBe(true);
  });

  it('signs in through the form: a bad key shows an error, a read key opens an HttpOnly session', async () => {
    const { context, page, urls } = await newPage();
    await page.goto(`${base}/dashboard`);
    expect(await page.locator('h1').textContent()).toBe(WORDS.en.signIn);
    await shot(page, 'signin-en.png');

    expect(await submitKey(page, `${readKey.slice(0, -4)}zzzz`)).toBe(401);
    await expect.poll(() => page.locator('.error[role=alert]').textContent()).toBe(WORDS.en.badKey);
    expect((await context.cookies()).map((c) => c.name)).not.toContain('__Host-trayecto_session');

    expect(await submitKey(page, readKey)).toBe(303);
    await page.waitForURL(`${base}/dashboard?lang=en`);
    expect(await page.locator('h1').textContent()).toBe(WORDS.en.title);
    const cookie = (await context.cookies()).find((c) => c.name === '__Host-trayecto_session');
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.value).not.toContain(readKey.split('_').slice(3).join('_'));
    expect(await page.evaluate(() => document.cookie)).not.toContain('__Host-trayecto_session');
    // The key went only into a POST body, never into an address.
    expect(urls.filter((u) => u.includes(readKey) || u.includes(readKey.split('_').slice(3).join('_')))).toEqual([]);
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
    const charts: [string, (m: Metrics) => number | null | undefined, number, number][] = [
      ['chart-nps', (m) => m.nps!.score, -100, 100],
      ['chart-csat', (m) => m.csat!.score, 0, 100],
      ['chart-interactions', (m) => m.interactions!.count, 0, Infinity],
      ['chart-negative', (m) => m.interactions!.negativeRate, 0, 100],
    ];
    for (const [id, pick, floor, ceiling] of charts) {
      const svg = page.locator(`#${id} svg`);
      const box = await svg.boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.width, `${id} width`).toBeGreaterThan(200);
      expect(box!.height, `${id} height`).toBeGreaterThan(100);
      const drawn = await drawing(svg);
      const measured = daily.days.filter((d) => pick(d.metrics) !== null && pick(d.metrics) !== undefined);
      expect(measured.length, `${id}: days with data`).toBeGreaterThan(20);
      expect(drawn.dots, `${id} dots`).toBe(measured.length);
      expect(drawn.lines.length, `${id} lines`).toBeGreaterThan(0);
      for (const l of drawn.lines) expect(l.length, `${id} line length`).toBeGreaterThan(0);
      expect(drawn.lines.reduce((sum, l) => sum + l.w, 0), `${id} line width on screen`).toBeGreaterThan(box!.width / 2);
      expect(drawn.stroke, `${id} stroke`).not.toMatch(/^(none|)$/);
      // One grid line per value tick, then day labels for the first, middle and last day.
      const yCount = drawn.ticks.length - 3;
      expect(drawn.grid, `${id} grid lines`).toBe(yCount);
      expect(yCount, `${id} value ticks`).toBeGreaterThanOrEqual(3);
      expect(yCount, `${id} value ticks`).toBeLessThanOrEqual(6);
      for (const t of drawn.ticks) {
        expect(t.w, `${id} label "${t.text}" on screen`).toBeGreaterThan(0);
        expect(t.inside, `${id} label "${t.text}" inside the chart, not clipped`).toBe(true);
        expect(t.px, `${id} label "${t.text}" font size on screen`).toBeGreaterThanOrEqual(11);
      }
      // Uniform scaling: a dot is as wide as it is tall, and text is not squashed.
      for (const d of drawn.dotBoxes) expect(Math.abs(d.w - d.h), `${id} dot round`).toBeLessThan(0.5);
      expect(drawn.scale.x, `${id} uniform scale`).toBeCloseTo(drawn.scale.y, 3);
      const days = drawn.ticks.slice(yCount).map((t) => t.text);
      expect(days, `${id} x labels`).toEqual([f.day(daily.days[0].day), f.day(daily.days[14].day), f.day(daily.days[29].day)]);
      // Round values (1, 2 or 5 × 10^n apart), from bottom to top, within what the metric can be.
      const values = drawn.ticks.slice(0, yCount).map((t) => Number(t.text.replace(/,/g, '')));
      expect(values.every(Number.isFinite), `${id} y labels ${values}`).toBe(true);
      expect(values, `${id} y axis bottom to top`).toEqual([...values].sort((a, b) => a - b));
      const step = Number((values[1] - values[0]).toPrecision(9));
      expect([1, 2, 5], `${id} step ${step}`).toContain(Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6)));
      for (const v of values) expect(Number.isInteger(Number((v / step).toPrecision(9))), `${id} tick ${v} on the ${step} grid`).toBe(true);
      expect(values[0], `${id} y axis floor`).toBeGreaterThanOrEqual(floor);
      expect(values.at(-1), `${id} y axis ceiling`).toBeLessThanOrEqual(ceiling);
      const lo = Math.min(...measured.map((d) => pick(d.metrics)!));
      const hi = Math.max(...measured.map((d) => pick(d.metrics)!));
      expect(values[0], `${id} y axis covers the lowest value`).toBeLessThanOrEqual(lo);
      expect(values.at(-1), `${id} y axis covers the highest value`).toBeGreaterThanOrEqual(hi);
    }
  });

  it('shows the journey grid: stages × touchpoints, critical moments marked, markup names as text', async () => {
    const page = await desktop();
    const journey = await report<{ stages: any[]; unconfigured: any[] }>('/v1/reports/journey?period=30d');
    // An ordered list of stages, each under its own heading.
    const heads = await page.locator('#journey > li.stage > h3').allTextContents();
    expect(heads).toEqual([...journey.stages.map((s) => s.name), ...(journey.unconfigured.length ? [WORDS.en.unconfigured] : [])]);
    expect(journey.stages.length).toBe(5);
    expect(await page.locator('#journey').evaluate((el) => el.tagName)).toBe('OL');
    const columns = page.locator('#journey > li.stage');
    expect(await columns.count()).toBe(heads.length);
    // Side by side on a desktop: one row of stages, left to right.
    const boxes = await columns.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.left, y: r.top })));
    for (let i = 1; i < boxes.length; i++) {
      expect(boxes[i].y, `stage ${i} on the first row`).toBeCloseTo(boxes[0].y, 0);
      expect(boxes[i].x, `stage ${i} right of the one before`).toBeGreaterThan(boxes[i - 1].x);
    }
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
        // The volume says what it counts.
        expect(squash(await chip.locator('.vol').textContent()), `${tp.key} volume`).toBe(WORDS.en.interactions(fmt('en').num(tp.volume.interactions)));
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
    const open = (await report<{ cases: { customerId: string; owner: string; touchpoint: string | null; openedAt: string; dueAt: string | null; overdue: boolean }[] }>('/v1/cases?status=open')).cases.slice(0, 20);
    expect(open.length, 'cases opened by the alert rules').toBeGreaterThan(0);
    expect(open.some((c) => c.owner === 'unassigned'), 'a case without an owner in the seeded data').toBe(true);
    const journey = await report<{ stages: { touchpoints: { key: string; name: string }[] }[] }>('/v1/reports/journey?period=30d');
    const names = new Map(journey.stages.flatMap((s) => s.touchpoints.map((tp) => [tp.key, tp.name] as const)));
    for (const lang of ['en', 'es'] as const) {
      await page.goto(`${base}/dashboard?lang=${lang}`);
      const f = fmt(lang);
      const rows = await page.locator('#cases tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({ datetime: tr.querySelector('time')?.getAttribute('datetime'), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '') })),
      );
      expect(rows.map((r) => r.datetime)).toEqual(open.map((c) => c.openedAt));
      // Opened: the workspace's local time (Europe/Madrid), formatted for the language.
      expect(rows.map((r) => squash(r.cells[0])), lang).toEqual(open.map((c) => squash(f.when(c.openedAt))));
      // Touchpoints by their inventory name; "unassigned" in the page's language.
      expect(rows.map((r) => r.cells.slice(1, 4)), lang).toEqual(
        open.map((c) => [c.customerId, c.touchpoint === null ? '—' : (names.get(c.touchpoint) ?? c.touchpoint), c.owner === 'unassigned' ? WORDS[lang].unassigned : c.owner]),
      );
      // Due: the workspace's local time too, or a dash for a rule without an SLA (none is overdue here).
      expect(open.some((c) => c.overdue)).toBe(false);
      expect(rows.map((r) => squash(r.cells.at(-1)!)), lang).toEqual(open.map((c) => (c.dueAt === null ? '—' : squash(f.when(c.dueAt)))));
    }
    const utc = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
    expect(open.some((c) => utc.format(new Date(c.openedAt)) !== fmt('en').when(c.openedAt)), 'Madrid time differs from UTC').toBe(true);
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
    // The seeded interactions carry no value: no value panel.
    expect(await page.locator('#value').count()).toBe(0);
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
