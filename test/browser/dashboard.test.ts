// The dashboard in a real browser: Debian's Chromium driven by playwright-core against
// `wrangler dev` (see global-setup.ts). Screenshots land in test-results/.
import { describe, expect, it } from 'vitest';
import { HEADLINE, type Metrics, type Summary, WORDS, desktop, drawing, expectHeadlineMatches, fmt, newPage, report, seeded, shot, squash, submitKey, useBrowser } from './page.ts';
import { EVIL_KEY, EVIL_NAME } from './seed.ts';

useBrowser();
const { base, readKey } = seeded;

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
});
