import { describe, expect, it } from 'vitest';
import { parseKey } from '../src/platform/crypto.ts';
import { addDays, localDay } from '../src/platform/time.ts';
import { api, apiJson, configureInventory, newWorkspace, send, type TestWorkspace } from './helpers.ts';
import { rollupRange } from './drain.ts';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

async function signIn(ws: TestWorkspace, key = ws.keys.read) {
  const res = await api('/dashboard/session', { method: 'POST', raw: form({ key }), headers: FORM });
  const cookie = res.headers.get('set-cookie') ?? '';
  return { res, cookie, session: cookie.split(';')[0] };
}

async function page(session: string, query = '', headers: Record<string, string> = {}) {
  const res = await api(`/dashboard${query}`, { headers: { cookie: session, ...headers } });
  return { res, html: await res.text() };
}

async function withData() {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  await api('/v1/touchpoints/evil', {
    method: 'PUT',
    key: ws.keys.admin,
    body: { name: '<script>alert(1)</script>', stage: 'purchase', channel: 'web', intentional: false, owner: '<b>x</b>', critical: false },
  });
  const day = addDays(localDay(Date.now(), 'UTC'), -2);
  await send(ws, { batch: [
    { type: 'response', messageId: 'a', customerId: 'c1', survey: 'nps', score: 10, touchpoint: 'checkout', timestamp: `${day}T10:00:00Z` },
    { type: 'response', messageId: 'b', customerId: 'c2', survey: 'nps', score: 4, touchpoint: 'checkout', timestamp: `${day}T11:00:00Z` },
    { type: 'interaction', messageId: 'c', customerId: 'c2', touchpoint: 'evil', outcome: 'failure', timestamp: `${day}T11:00:00Z` },
  ] });
  await rollupRange(ws, day, day);
  return ws;
}

describe('dashboard sign-in', () => {
  it('shows a sign-in form without a session, and never caches it', async () => {
    const { res, html } = await page('');
    expect(res.status).toBe(200);
    expect(html).toContain('action="/dashboard/session');
    expect(html).toContain('type="password"');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('a read key opens an HttpOnly, Secure, SameSite=Strict signed session that does not hold the key', async () => {
    const ws = await newWorkspace('UTC');
    const { res, cookie, session } = await signIn(ws);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/dashboard/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    // The secret is base64url and may itself hold '_': take it as the key format defines it.
    expect(cookie).not.toContain(parseKey(ws.keys.read)!.secret);
    const { html } = await page(session);
    expect(html).toContain('id="journey"');
  });

  it('refuses unknown keys, ingest keys and cross-site posts', async () => {
    const ws = await newWorkspace('UTC');
    expect((await signIn(ws, 'tr_read_0000000000000000_' + 'x'.repeat(43))).res.status).toBe(401);
    const ingest = await signIn(ws, ws.keys.ingest);
    expect(ingest.res.status).toBe(401);
    expect(ingest.cookie).toBe('');
    const cross = await api('/dashboard/session', { method: 'POST', raw: form({ key: ws.keys.read }), headers: { ...FORM, origin: 'https://evil.test' } });
    expect(cross.status).toBe(403);
  });

  it('a forged or tampered cookie, or a revoked key, means signed out', async () => {
    const ws = await newWorkspace('UTC');
    const { session } = await signIn(ws);
    const [name, value] = session.split('=');
    const tampered = `${name}=${value.slice(0, -2)}xx`;
    expect((await page(tampered)).html).toContain('type="password"');
    const keys = (await apiJson('/v1/keys', { key: ws.keys.admin })).body.keys;
    const readKey = keys.find((k: any) => k.scope === 'read');
    await api(`/v1/keys/${readKey.id}`, { method: 'DELETE', key: ws.keys.admin });
    expect((await page(session)).html).toContain('type="password"');
  });

  it('signing out needs the page’s CSRF token and clears the cookie', async () => {
    const ws = await newWorkspace('UTC');
    const { session } = await signIn(ws);
    const { html } = await page(session);
    const csrf = /name="csrf" value="([^"]+)"/.exec(html)![1];
    const bad = await api('/dashboard/logout', { method: 'POST', raw: form({ csrf: 'nope' }), headers: { ...FORM, cookie: session } });
    expect(bad.status).toBe(403);
    const ok = await api('/dashboard/logout', { method: 'POST', raw: form({ csrf }), headers: { ...FORM, cookie: session } });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('set-cookie')).toMatch(/Max-Age=0/i);
    // A copy of the cookie kept from before the sign-out no longer opens the page.
    expect((await page(session)).html).toContain('type="password"');
    // Another session of the same key is not affected.
    const other = await signIn(ws);
    expect((await page(other.session)).html).not.toContain('type="password"');
  });
});

describe('dashboard page', () => {
  it('headline figures equal the summary report JSON', async () => {
    const ws = await withData();
    const { session } = await signIn(ws);
    const { html } = await page(session, '?period=7d');
    const summary = (await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read })).body;
    const shown = (metric: string) => new RegExp(`data-metric="${metric}"[\\s\\S]*?data-value="([^"]*)"`).exec(html)![1];
    expect(shown('nps')).toBe(String(summary.metrics.nps.score));
    expect(shown('csat')).toBe(summary.metrics.csat.score === null ? '' : String(summary.metrics.csat.score));
    expect(html).toContain('id="chart-nps"');
    expect(html).toMatch(/<svg[^>]*role="img"/);
  });

  it('escapes what workspaces configured: a touchpoint named <script> renders as text', async () => {
    const ws = await withData();
    const { session } = await signIn(ws);
    const { html, res } = await page(session, '?period=7d');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).not.toContain('<b>x</b>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    // The stylesheet is JSX text too: an escaped `>` or quote in it would silently drop a rule.
    expect(/<style>([^<]*)<\/style>/.exec(html)![1]).not.toMatch(/&(gt|lt|amp|quot|#39);/);
  });

  it('speaks Spanish from Accept-Language or ?lang=, English otherwise', async () => {
    const ws = await withData();
    const { session } = await signIn(ws);
    const es = await page(session, '?period=7d', { 'accept-language': 'es-ES,es;q=0.9,en;q=0.5' });
    expect(es.html).toContain('<html lang="es"');
    expect(es.html).toContain('Experiencia de cliente');
    expect(es.html).toContain('Últimos 7 días');
    const en = await page(session, '?period=7d&lang=en', { 'accept-language': 'es' });
    expect(en.html).toContain('<html lang="en"');
    expect(en.html).toContain('Customer experience');
    const forced = await page(session, '?lang=es');
    expect(forced.html).toContain('Mapa del recorrido');
  });

  it('charts have round y-axis ticks, within 0–100 for percentages, and keep their aspect ratio', async () => {
    const ws = await withData();
    const { session } = await signIn(ws);
    const { html } = await page(session, '?period=7d&lang=en');
    const chart = (id: string) => new RegExp(`id="${id}"[\\s\\S]*?</svg>`).exec(html)![0];
    const yTicks = (id: string) => [...chart(id).matchAll(/<text[^>]*text-anchor="end"[^>]*class="tick"[^>]*>([^<]*)</g)].map((m) => Number(m[1].replace(/,/g, '')));
    for (const [id, lo, hi] of [['chart-nps', -100, 100], ['chart-csat', 0, 100], ['chart-interactions', 0, Infinity], ['chart-negative', 0, 100]] as const) {
      expect(chart(id)).not.toContain('preserveAspectRatio');
      expect(chart(id)).toMatch(/<svg[^>]*viewBox="0 0 \d+ \d+"/);
      // The last x label (the last day) also ends with text-anchor="end": drop the day labels.
      const ticks = yTicks(id).filter((v) => Number.isFinite(v));
      expect(ticks.length, id).toBeGreaterThanOrEqual(3);
      expect(Math.min(...ticks), id).toBeGreaterThanOrEqual(lo);
      expect(Math.max(...ticks), id).toBeLessThanOrEqual(hi);
      const step = ticks[1] - ticks[0];
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
      expect([1, 2, 5], `${id} step ${step}`).toContain(mantissa);
      for (const v of ticks) expect(Number.isInteger(Number((v / step).toPrecision(9))), `${id} tick ${v} on the ${step} grid`).toBe(true);
    }
  });

  it('cases show the opened time in the workspace timezone, touchpoint names, and a translated "unassigned"', async () => {
    const ws = await newWorkspace('Asia/Tokyo');
    await configureInventory(ws);
    await api('/v1/alert-rules/low', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 4 } });
    const day = addDays(localDay(Date.now(), 'UTC'), -3);
    await send(ws, { batch: [
      { type: 'response', messageId: 'n1', customerId: 'c1', survey: 'nps', score: 2, touchpoint: 'checkout', timestamp: `${day}T23:30:00Z` },
      { type: 'response', messageId: 'n2', customerId: 'c2', survey: 'nps', score: 1, timestamp: `${day}T10:00:00Z` },
    ] });
    const { session } = await signIn(ws);
    const cases = (await apiJson('/v1/cases?status=open', { key: ws.keys.read })).body.cases;
    expect(cases).toHaveLength(2);
    const fmt = (locale: string, iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(iso));
    const row = (html: string, customer: string) => new RegExp(`<tr data-case[^>]*>(?:(?!</tr>)[\\s\\S])*?<td>${customer}</td>[\\s\\S]*?</tr>`).exec(html)![0];
    const en = (await page(session, '?lang=en')).html;
    const es = (await page(session, '?lang=es')).html;
    const checkout = cases.find((c: any) => c.customerId === 'c1');
    // 23:30 UTC is 08:30 the next morning in Tokyo.
    expect(fmt('en-US', checkout.openedAt)).toContain('8:30');
    expect(row(en, 'c1')).toContain(`<time datetime="${checkout.openedAt}">${fmt('en-US', checkout.openedAt)}</time>`);
    expect(row(es, 'c1')).toContain(`>${fmt('es-ES', checkout.openedAt)}</time>`);
    expect(row(en, 'c1')).toContain('>Online checkout</td>');
    expect(row(en, 'c2')).toContain('<td>unassigned</td>');
    expect(row(es, 'c2')).toContain('<td>sin asignar</td>');
    expect(row(es, 'c2')).not.toContain('unassigned');
  });

  it('formats percentages per locale, names the unit of chip volumes, and says when there is no previous period', async () => {
    const ws = await withData();
    const { session } = await signIn(ws);
    const en = (await page(session, '?period=7d&lang=en')).html;
    const es = (await page(session, '?period=7d&lang=es')).html;
    const card = (html: string, metric: string) => new RegExp(`data-metric="${metric}"[\\s\\S]*?</li>`).exec(html)![0];
    // NPS 0 of two answers; the interaction at "evil" failed: a 100 % negative rate… and no CSAT.
    expect(card(en, 'nps')).toContain('no previous data');
    expect(card(es, 'nps')).toContain('sin datos previos');
    expect(card(en, 'nps')).not.toMatch(/>\s*—\s*vs previous/);
    expect(en).toMatch(/1 interaction</);
    expect(es).toMatch(/1 interacción</);
    expect(en).toMatch(/0 interactions</);
    expect(es).toMatch(/0 interacciones</);
    expect(en).toMatch(/Reach: [\d.]+%/);
    expect(es).toMatch(/Alcance: [\d,]+\u00a0%/);
  });

  it('an empty workspace shows a helpful empty state', async () => {
    const ws = await newWorkspace('UTC');
    const { session } = await signIn(ws);
    const { html } = await page(session);
    expect(html).toContain('id="empty"');
    expect(html).toContain('POST /v1/events');
  });
});

describe('dashboard while days are still being processed', () => {
  it('says how many days are pending, in English and Spanish, and says nothing once they are rolled up', async () => {
    const ws = await newWorkspace('UTC');
    const day = addDays(localDay(Date.now(), 'UTC'), -3);
    await send(ws, { type: 'response', messageId: 'p1', customerId: 'c1', survey: 'nps', score: 10, timestamp: `${day}T10:00:00Z` });
    const { session } = await signIn(ws);
    const en = await page(session, '?period=7d&lang=en');
    expect(en.html).toContain('id="pending"');
    expect(en.html).toContain('1 day is still being processed');
    const es = await page(session, '?period=7d&lang=es');
    expect(es.html).toContain('1 día sigue en proceso');
    await rollupRange(ws, day, day);
    const done = await page(session, '?period=7d&lang=en');
    expect(done.html).not.toContain('id="pending"');
  });
});
