// Case history (assignments, notes, status changes) and root causes on close.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { api, apiJson, configureInventory, eventually, newWorkspace, send, type TestWorkspace, HOOKS, received } from './helpers.ts';

let n = 0;

async function withCase() {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const hookId = `ch${Date.now()}-${++n}`;
  const hook = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/ok/${hookId}` } });
  await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6 } });
  await send(ws, { type: 'response', messageId: `m-${n}`, customerId: 'c-1', survey: 'nps', score: 2, touchpoint: 'checkout' });
  const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
  return { ws, hookId, secret: hook.body.secret as string, id: c.id as string };
}
const patch = (ws: TestWorkspace, id: string, body: unknown) => apiJson(`/v1/cases/${id}`, { method: 'PATCH', key: ws.keys.admin, body });
const getCase = async (ws: TestWorkspace, id: string) => (await apiJson(`/v1/cases/${id}`, { key: ws.keys.read })).body;

describe('case history', () => {
  it('assignments, notes and closing are an ordered history; case.resolved is delivered once and verifies', async () => {
    const { ws, id, hookId, secret } = await withCase();
    expect((await patch(ws, id, { owner: 'ana@shop.test' })).status).toBe(200);
    expect((await patch(ws, id, { note: 'Called the customer' })).status).toBe(200);
    expect((await patch(ws, id, { owner: 'ana@shop.test' })).status).toBe(200); // no change, no event
    const closes = await Promise.all([1, 2, 3].map(() => patch(ws, id, { status: 'resolved', note: 'Refunded' })));
    expect(closes.every((r) => r.status === 200)).toBe(true);
    const c = await getCase(ws, id);
    expect(c).toMatchObject({ status: 'resolved', owner: 'ana@shop.test', note: 'Refunded' });
    const history = c.history.map((e: any) => [e.kind, e.from, e.to, e.note]);
    expect(history.filter((e: any) => e[0] !== 'note')).toEqual([
      ['opened', null, 'open', null],
      ['assigned', 'ecommerce@shop.test', 'ana@shop.test', null],
      ['status', 'open', 'resolved', null],
    ]);
    expect(history[2]).toEqual(['note', null, null, 'Called the customer']);
    const times = c.history.map((e: any) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const calls = await eventually(() => received(hookId), (x) => x.length >= 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await received(hookId)).toHaveLength(2);
    const resolved = calls.map((x) => new Webhook(secret).verify(x.body, x.headers) as any).find((p) => p.type === 'case.resolved');
    expect(resolved.data.case).toMatchObject({ id, status: 'resolved' });
    const tickets = await env.DB.prepare('SELECT status FROM events WHERE workspace_id = ? AND ticket_id = ? ORDER BY seq').bind(ws.id, `case-${id}`).all();
    expect(tickets.results.map((t) => t.status)).toEqual(['opened', 'resolved']);
  });

  it('a read key reads the history but cannot change it; other workspaces see nothing', async () => {
    const { ws, id } = await withCase();
    expect((await api(`/v1/cases/${id}`, { method: 'PATCH', key: ws.keys.read, body: { note: 'x' } })).status).toBe(403);
    const other = await newWorkspace('UTC');
    expect((await api(`/v1/cases/${id}`, { key: other.keys.read })).status).toBe(404);
    expect((await api(`/v1/cases/${id}`, { method: 'PATCH', key: other.keys.admin, body: { note: 'x' } })).status).toBe(404);
    expect((await getCase(ws, id)).history).toHaveLength(1);
  });
});

describe('root causes', () => {
  it('once a workspace has root causes, closing a case names one of them', async () => {
    const { ws, id } = await withCase();
    expect((await patch(ws, id, { rootCause: 'nope' })).status).toBe(400);
    const put = await apiJson('/v1/root-causes/payment-gateway', { method: 'PUT', key: ws.keys.admin, body: { name: 'Payment gateway outage' } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ key: 'payment-gateway', name: 'Payment gateway outage' });
    await apiJson('/v1/root-causes/stock', { method: 'PUT', key: ws.keys.admin, body: { name: 'Out of stock' } });
    expect((await apiJson('/v1/root-causes', { key: ws.keys.read })).body.rootCauses.map((r: any) => r.key)).toEqual(['payment-gateway', 'stock']);
    expect((await apiJson('/v1/root-causes/stock', { key: ws.keys.read })).body.name).toBe('Out of stock');

    const without = await apiJson(`/v1/cases/${id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved' } });
    expect(without.status).toBe(400);
    expect(without.res.headers.get('content-type')).toContain('application/problem+json');
    expect(without.body.errors[0].path).toBe('rootCause');
    const unknown = await patch(ws, id, { status: 'resolved', rootCause: 'weather' });
    expect(unknown.status).toBe(400);
    expect(await getCase(ws, id)).toMatchObject({ status: 'open', rootCause: null, history: [{ kind: 'opened' }] });

    const ok = await patch(ws, id, { status: 'resolved', rootCause: 'payment-gateway' });
    expect(ok.body).toMatchObject({ status: 'resolved', rootCause: 'payment-gateway' });
    expect((await api('/v1/root-causes/stock', { method: 'DELETE', key: ws.keys.read })).status).toBe(403);
    expect((await api('/v1/root-causes/stock', { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    expect((await api('/v1/root-causes/stock', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
    expect((await api('/v1/root-causes/stock', { key: ws.keys.read })).status).toBe(404);
    const other = await newWorkspace('UTC');
    expect((await apiJson('/v1/root-causes', { key: other.keys.read })).body.rootCauses).toEqual([]);
  });

  it('fuzzed PATCH and root-cause bodies: a 4xx problem and nothing stored', async () => {
    const { ws, id } = await withCase();
    await apiJson('/v1/root-causes/known', { method: 'PUT', key: ws.keys.admin, body: { name: 'Known' } });
    const badPatch = fc.oneof(
      fc.constant({}),
      fc.record({ status: fc.string().filter((s) => s !== 'resolved') }),
      fc.record({ owner: fc.oneof(fc.constant(''), fc.string({ minLength: 201, maxLength: 260 }), fc.integer(), fc.constant(null)) }),
      fc.record({ note: fc.oneof(fc.string({ minLength: 2001, maxLength: 2100 }), fc.integer(), fc.constant(null)) }),
      fc.record({ status: fc.constant('resolved'), rootCause: fc.oneof(fc.string().filter((s) => s !== 'known'), fc.integer()) }),
      fc.record({ status: fc.constant('resolved') }),
      fc.dictionary(fc.string().filter((k) => !['status', 'owner', 'note', 'rootCause'].includes(k)), fc.jsonValue(), { minKeys: 1, maxKeys: 3 }),
      fc.jsonValue().filter((v) => typeof v !== 'object' || v === null || Array.isArray(v)),
    );
    await fc.assert(
      fc.asyncProperty(badPatch, async (body) => {
        const r = await api(`/v1/cases/${id}`, { method: 'PATCH', key: ws.keys.admin, body });
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }),
      { numRuns: 60 },
    );
    expect(await getCase(ws, id)).toMatchObject({ status: 'open', owner: 'ecommerce@shop.test', note: null, history: [{ kind: 'opened' }] });
    const badName = fc.oneof(fc.constant(''), fc.constant('   '), fc.string({ minLength: 201, maxLength: 240 }).filter((s) => s.trim().length > 200), fc.integer(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.oneof(badName.map((name) => ({ name })), fc.constant({}), fc.record({ name: fc.constant('ok'), extra: fc.jsonValue() })), async (body) => {
        const r = await api('/v1/root-causes/fuzzed', { method: 'PUT', key: ws.keys.admin, body });
        expect(r.status).toBe(400);
        expect(r.headers.get('content-type')).toContain('application/problem+json');
      }),
      { numRuns: 40 },
    );
    expect((await apiJson('/v1/root-causes', { key: ws.keys.read })).body.rootCauses.map((r: any) => r.key)).toEqual(['known']);
  });

  it('a workspace holds at most 200 root causes; renaming one still works', async () => {
    const ws = await newWorkspace('UTC');
    for (let i = 0; i < 200; i++) expect((await api(`/v1/root-causes/r${i}`, { method: 'PUT', key: ws.keys.admin, body: { name: `Cause ${i}` } })).status).toBe(200);
    const over = await apiJson('/v1/root-causes/r200', { method: 'PUT', key: ws.keys.admin, body: { name: 'One too many' } });
    expect(over.status).toBe(409);
    expect(over.res.headers.get('content-type')).toContain('application/problem+json');
    expect((await apiJson('/v1/root-causes/r7', { method: 'PUT', key: ws.keys.admin, body: { name: 'Renamed' } })).body.name).toBe('Renamed');
    expect((await apiJson('/v1/root-causes', { key: ws.keys.read })).body.rootCauses).toHaveLength(200);
  });
});
