import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { addDays, localDay } from '../src/platform/time.ts';
import { fetchStartingDrain } from './drain.ts';
import { api, apiJson, configureInventory, eventually, newWorkspace, type TestWorkspace } from './helpers.ts';

const batch = (ws: TestWorkspace, calls: Record<string, unknown>[]) => apiJson('/v1/batch', { key: ws.keys.ingest, body: { batch: calls } });
const put = (ws: TestWorkspace, name: string, rule: unknown, key = ws.keys.admin) =>
  apiJson(`/v1/mappings/${encodeURIComponent(name)}`, { method: 'PUT', key, body: rule });
const unmapped = async (ws: TestWorkspace) => (await apiJson('/v1/mappings/unmapped', { key: ws.keys.admin })).body.unmapped as any[];
const rows = async (ws: TestWorkspace) =>
  (await env.DB.prepare('SELECT * FROM events WHERE workspace_id = ? ORDER BY message_id').bind(ws.id).all<any>()).results;

describe('mapping rules', () => {
  it('page, screen and other tracks map to nothing until a rule names the touchpoint; then they are interactions', async () => {
    const ws = await newWorkspace('UTC');
    const calls = [
      { type: 'page', userId: 'u', name: 'Pricing', messageId: 'p-1', properties: { path: '/pricing' } },
      { type: 'page', userId: 'u', name: 'Pricing', messageId: 'p-2' },
      { type: 'screen', userId: 'u', messageId: 's-1' },
      { type: 'track', userId: 'u', event: 'Order Completed', messageId: 't-1', properties: { outcome: 'failure' } },
      { type: 'group', userId: 'u', groupId: 'acme', messageId: 'g-1' },
    ];
    expect((await batch(ws, calls)).body).toEqual({ success: true, accepted: 0, duplicates: 0, unmapped: 5 });
    expect((await unmapped(ws)).map((u) => [u.name, u.count])).toEqual([['page:Pricing', 2], ['Order Completed', 1], ['group', 1], ['screen', 1]]);
    expect(await rows(ws)).toEqual([]);

    expect((await put(ws, 'page', { type: 'interaction', touchpoint: 'website', channel: 'web' })).status).toBe(200);
    expect((await put(ws, 'Order Completed', { type: 'interaction', touchpoint: 'checkout' })).body).toMatchObject({ name: 'Order Completed', rule: { type: 'interaction', touchpoint: 'checkout' } });
    // A rule takes its names (and, for `page`, every `page:<name>`) off the unmapped list.
    expect((await unmapped(ws)).map((u) => u.name)).toEqual(['group', 'screen']);
    const again = calls.map((c) => ({ ...c, messageId: `${c.messageId}-b` }));
    expect((await batch(ws, again)).body).toMatchObject({ accepted: 3, unmapped: 2 });
    const stored = await rows(ws);
    expect(stored.map((r) => [r.message_id, r.type, r.touchpoint, r.channel, r.outcome])).toEqual([
      ['p-1-b', 'interaction', 'website', 'web', null],
      ['p-2-b', 'interaction', 'website', 'web', null],
      ['t-1-b', 'interaction', 'checkout', null, 'failure'],
    ]);
    expect(JSON.parse(stored[0].data)).toEqual({ path: '/pricing' });
  });

  it('a rule overrides a convention; `ignore` maps a call to nothing without listing it; DELETE restores the convention', async () => {
    const ws = await newWorkspace('UTC');
    await put(ws, 'Signed Up', { type: 'ignore' });
    await put(ws, 'Plan Rated', { type: 'response', survey: 'csat', scoreProperty: 'stars' });
    await put(ws, 'Case Closed', { type: 'ticket', status: 'resolved', ticketIdProperty: 'caseNumber', touchpoint: 'support-call' });
    const r = await batch(ws, [
      { type: 'track', userId: 'u', event: 'Signed Up', messageId: 'o-1' },
      { type: 'track', userId: 'u', event: 'Plan Rated', messageId: 'o-2', properties: { stars: 4 } },
      { type: 'track', userId: 'u', event: 'Case Closed', messageId: 'o-3', properties: { caseNumber: 512 } },
    ]);
    expect(r.body).toMatchObject({ accepted: 2, unmapped: 0 });
    expect((await rows(ws)).map((x) => [x.message_id, x.type, x.score ?? x.ticket_id, x.touchpoint])).toEqual([
      ['o-2', 'response', 4, null],
      ['o-3', 'ticket', '512', 'support-call'],
    ]);
    expect(await unmapped(ws)).toEqual([]);
    expect((await api('/v1/mappings/Signed%20Up', { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    expect((await api('/v1/mappings/Signed%20Up', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
    expect((await batch(ws, [{ type: 'track', userId: 'u', event: 'Signed Up', messageId: 'o-4' }])).body.accepted).toBe(1);
    const listed = (await apiJson('/v1/mappings', { key: ws.keys.admin })).body.mappings.map((m: any) => m.name);
    expect(listed).toEqual(['Case Closed', 'Plan Rated']);
    expect((await apiJson('/v1/mappings/Plan%20Rated', { key: ws.keys.admin })).body.rule).toEqual({ type: 'response', survey: 'csat', scoreProperty: 'stars' });
  });

  it('rules are zod-validated, admin only, and stay in their workspace', async () => {
    const ws = await newWorkspace('UTC');
    const other = await newWorkspace('UTC');
    for (const rule of [{ type: 'interaction' }, { type: 'interaction', touchpoint: 'bad key' }, { type: 'response', survey: 'sus' }, { type: 'lifecycle', status: 'paused' }, { type: 'ignore', extra: 1 }, [], 'x']) {
      const r = await put(ws, 'X', rule);
      expect(r.status, JSON.stringify(rule)).toBe(400);
      expect(r.res.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await put(ws, 'x'.repeat(201), { type: 'ignore' })).status).toBe(400);
    expect((await put(ws, 'X', { type: 'ignore' }, ws.keys.ingest)).status).toBe(403);
    expect((await apiJson('/v1/mappings/unmapped', { key: ws.keys.read })).status).toBe(403);
    await put(ws, 'Order Completed', { type: 'lifecycle', status: 'started' });
    expect((await apiJson('/v1/mappings', { key: other.keys.admin })).body.mappings).toEqual([]);
    expect((await api('/v1/mappings/Order%20Completed', { key: other.keys.admin })).status).toBe(404);
    expect((await batch(other, [{ type: 'track', userId: 'u', event: 'Order Completed', messageId: 'w-1' }])).body.unmapped).toBe(1);
    expect(await unmapped(ws)).toEqual([]);
  });

  it('the conventions: an unknown survey stays unmapped; a bad score or a missing ticketId is a 400 and nothing is stored', async () => {
    const ws = await newWorkspace('UTC');
    expect((await batch(ws, [{ type: 'track', userId: 'u', event: 'Survey Responded', messageId: 'c-1', properties: { survey: 'onboarding', score: 80 } }])).body.unmapped).toBe(1);
    // Names that are also Object.prototype's (found by the property test) are just names.
    const odd = ['__proto__', 'constructor', 'toString'].map((event, i) => ({ type: 'track', userId: 'u', event, messageId: `c-odd-${i}` }));
    expect((await batch(ws, odd)).body).toMatchObject({ accepted: 0, unmapped: 3 });
    const bad = await batch(ws, [
      { type: 'identify', userId: 'u', messageId: 'c-2', traits: { segment: 'gold' } },
      { type: 'track', userId: 'u', event: 'Survey Responded', messageId: 'c-3', properties: { survey: 'NPS', score: 11 } },
      { type: 'track', userId: 'u', event: 'Ticket Resolved', messageId: 'c-4' },
    ]);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.path)).toEqual(['batch.1.properties.score', 'batch.2.properties.ticketId']);
    expect(await rows(ws)).toEqual([]);
    expect((await unmapped(ws)).map((u) => [u.name, u.count])).toEqual([['Survey Responded', 1], ['__proto__', 1], ['constructor', 1], ['toString', 1]]);
  });
});

describe('Segment calls go the way of /v1/events', () => {
  it('a detractor from Segment opens a case; context.traits.segment sets the customer segment', async () => {
    const ws = await newWorkspace('UTC');
    await configureInventory(ws);
    await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6 } });
    const call = { type: 'track', userId: 'u-9', event: 'Survey Responded', messageId: 'sr-9', properties: { survey: 'nps', score: 2, touchpoint: 'checkout' }, context: { traits: { segment: 'smb' } } };
    expect((await batch(ws, [call, call])).body).toEqual({ success: true, accepted: 2, duplicates: 2, unmapped: 0 });
    const cases = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    expect(cases.map((c: any) => [c.messageId, c.owner])).toEqual([['sr-9', 'ecommerce@shop.test']]);
    const customer = await env.DB.prepare('SELECT segment FROM customers WHERE workspace_id = ? AND customer_id = ?').bind(ws.id, 'u-9').first<any>();
    expect(customer.segment).toBe('smb');
    expect((await rows(ws)).map((r) => r.message_id)).toEqual(['case-' + cases[0].id + ':opened', 'sr-9', 'sr-9:traits']);
  });

  it('in queue mode the mapped rows are queued and written by the same consumer; unmapped calls are counted at once', async () => {
    const ws = await newWorkspace('UTC');
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request('https://trayecto.test/v1/batch', {
        method: 'POST',
        headers: { authorization: `Basic ${btoa(`${ws.keys.ingest}:`)}`, 'content-type': 'application/json' },
        body: JSON.stringify({ batch: [{ type: 'track', userId: 'q', event: 'Subscription Started', messageId: 'q-1' }, { type: 'page', userId: 'q', messageId: 'q-2' }] }),
      }),
      { ...env, INGEST_MODE: 'queue' },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(await res.json()).toEqual({ success: true, accepted: 1, duplicates: null, unmapped: 1 });
    expect((await unmapped(ws)).map((u) => u.name)).toEqual(['page']);
    const stored = await eventually(() => rows(ws), (r) => r.length === 1);
    expect(stored.map((r) => [r.message_id, r.type, r.status])).toEqual([['q-1', 'lifecycle', 'started']]);
  });

  it('a late call starts the drain, as on /v1/events, and reaches the reports', async () => {
    const ws = await newWorkspace('UTC');
    const yesterday = addDays(localDay(Date.now(), 'UTC'), -1);
    const call = { type: 'track', userId: 'late', event: 'Survey Responded', messageId: 'late-1', properties: { survey: 'nps', score: 10 }, timestamp: `${yesterday}T10:00:00Z` };
    const req = new Request('https://trayecto.test/v1/batch', {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`${ws.keys.ingest}:`)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: [call] }),
    });
    expect((await fetchStartingDrain(ws, req)).status).toBe(200);
    const r = (await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read })).body;
    expect(r).toMatchObject({ complete: true });
    expect(r.metrics.nps.promoters).toBe(1);
  });

  it('OpenAPI documents the Segment routes, the mappings and the source receiver', async () => {
    const doc = (await apiJson('/openapi.json')).body;
    for (const p of ['/v1/batch', '/v1/track', '/v1/identify', '/v1/page', '/v1/screen', '/v1/mappings/{name}', '/v1/mappings/unmapped', '/v1/sources/segment', '/v1/sources/segment/{sourceId}', '/v1/webhook/rotate']) {
      expect(doc.paths[p], p).toBeDefined();
    }
    expect(doc.components.schemas.MappingRule).toBeDefined();
  });
});
