import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../src/lib/time';
import { api, apiJson, configureInventory, newWorkspace, send, type TestWorkspace } from './helpers';

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
  await apiJson('/v1/rollups', { key: ws.keys.admin, body: { from: day, to: day } });
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
    expect(cookie).not.toContain(ws.keys.read.split('_').at(-1)!);
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

  it('an empty workspace shows a helpful empty state', async () => {
    const ws = await newWorkspace('UTC');
    const { session } = await signIn(ws);
    const { html } = await page(session);
    expect(html).toContain('id="empty"');
    expect(html).toContain('POST /v1/events');
  });
});
