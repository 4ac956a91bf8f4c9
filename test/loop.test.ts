import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { api, apiJson, configureInventory, eventually, newWorkspace, send, type TestWorkspace, HOOKS, received } from './helpers.ts';
import { rollupRange } from './drain.ts';

let n = 0;
const id = () => `h${Date.now()}-${++n}`;

async function loopWorkspace(behaviour: string) {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const hookId = id();
  const hook = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/${behaviour}/${hookId}` } });
  expect(hook.status).toBe(200);
  expect(hook.body.secret).toMatch(/^whsec_/);
  expect((await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6 } })).status).toBe(200);
  expect(
    (await apiJson('/v1/alert-rules/failed-critical', { method: 'PUT', key: ws.keys.admin, body: { outcome: 'failure', criticalOnly: true } })).status,
  ).toBe(200);
  return { ws, hookId, secret: hook.body.secret as string };
}

const detractor = (messageId: string, touchpoint = 'checkout') => ({
  type: 'response', messageId, customerId: 'cust-1', survey: 'nps', score: 2, touchpoint, comment: 'Payment failed twice',
});

async function deliveries(ws: TestWorkspace) {
  return (await apiJson('/v1/webhook/deliveries', { key: ws.keys.admin })).body.deliveries as any[];
}

describe('closed loop: cases', () => {
  it('a detractor opens one case for the touchpoint owner, and one signed delivery', async () => {
    const { ws, hookId, secret } = await loopWorkspace('ok');
    expect((await send(ws, detractor('d-1'))).body).toEqual({ accepted: 1, duplicates: 0 });
    const cases = (await apiJson('/v1/cases?status=open', { key: ws.keys.read })).body.cases;
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ customerId: 'cust-1', touchpoint: 'checkout', owner: 'ecommerce@shop.test', rule: 'detractors', messageId: 'd-1', status: 'open' });
    expect(cases[0].ticketId).toBe(`case-${cases[0].id}`);
    const calls = await eventually(() => received(hookId), (c) => c.length >= 1);
    expect(calls).toHaveLength(1);
    const payload = JSON.parse(calls[0].body);
    expect(payload.type).toBe('case.opened');
    expect(Date.parse(payload.timestamp)).toBeGreaterThan(0);
    expect(payload.data.case.id).toBe(cases[0].id);
    expect(payload.data.event).toMatchObject({ messageId: 'd-1', survey: 'nps', score: 2 });
    expect(new Webhook(secret).verify(calls[0].body, calls[0].headers)).toEqual(payload);
    expect(calls[0].headers['webhook-id']).toBe(`dl_${cases[0].id}`);
    expect(calls[0].headers['x-trayecto-signature']).toBeUndefined();
    const ds = await eventually(() => deliveries(ws), (d) => d[0]?.status === 'delivered');
    expect(ds).toHaveLength(1);
    expect(ds[0].attempts.map((a: any) => a.statusCode)).toEqual([204]);
  });

  it('a re-sent or concurrently retried event opens nothing new', async () => {
    const { ws, hookId } = await loopWorkspace('ok');
    const answers = await Promise.all([1, 2, 3, 4].map(() => send(ws, { batch: [detractor('d-2'), detractor('d-2')] })));
    expect(answers.reduce((s, a) => s + a.body.accepted, 0)).toBe(1);
    await send(ws, detractor('d-2'));
    expect((await apiJson('/v1/cases', { key: ws.keys.read })).body.cases).toHaveLength(1);
    await eventually(() => received(hookId), (c) => c.length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(hookId)).toHaveLength(1);
  });

  it('criticalOnly fires at critical touchpoints only; passives open nothing; unowned touchpoints go to the default owner', async () => {
    const { ws } = await loopWorkspace('ok');
    await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { defaultOwner: 'cx-lead@shop.test' } });
    await send(ws, { batch: [
      { type: 'interaction', messageId: 'i-1', customerId: 'a', touchpoint: 'store-till', outcome: 'failure' }, // not critical
      { type: 'interaction', messageId: 'i-2', customerId: 'b', touchpoint: 'checkout', outcome: 'failure' }, // critical
      { type: 'response', messageId: 'r-1', customerId: 'c', survey: 'nps', score: 7, touchpoint: 'checkout' },
      detractor('r-2', 'mystery-kiosk'),
    ] });
    const cases = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    expect(cases.map((c: any) => c.messageId).sort()).toEqual(['i-2', 'r-2']);
    expect(cases.find((c: any) => c.messageId === 'r-2').owner).toBe('cx-lead@shop.test');
    expect(cases.find((c: any) => c.messageId === 'i-2').rule).toBe('failed-critical');
  });

  it('resolving a case resolves its ticket; resolving twice changes nothing', async () => {
    const { ws } = await loopWorkspace('ok');
    await send(ws, detractor('d-3'));
    const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    const r = await apiJson(`/v1/cases/${c.id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved', note: 'Refunded' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'resolved', note: 'Refunded' });
    const again = await apiJson(`/v1/cases/${c.id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved' } });
    expect(again.body.resolvedAt).toBe(r.body.resolvedAt);
    const tickets = await env.DB.prepare(`SELECT status FROM events WHERE workspace_id = ? AND ticket_id = ? ORDER BY seq`).bind(ws.id, c.ticketId).all();
    expect(tickets.results.map((t) => t.status)).toEqual(['opened', 'resolved']);
    expect((await apiJson('/v1/cases?status=open', { key: ws.keys.read })).body.cases).toEqual([]);
    expect((await api(`/v1/cases/${c.id}`, { method: 'PATCH', key: ws.keys.read, body: { status: 'resolved' } })).status).toBe(403);
    expect((await api('/v1/cases/nope', { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved' } })).status).toBe(404);
    expect((await api(`/v1/cases/${c.id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'open' } })).status).toBe(400);
  });

  it('rules in another workspace do not fire, and its cases are invisible', async () => {
    const { ws } = await loopWorkspace('ok');
    const other = await newWorkspace('UTC');
    await configureInventory(other);
    await send(other, detractor('d-4'));
    expect((await apiJson('/v1/cases', { key: other.keys.read })).body.cases).toEqual([]);
    await send(ws, detractor('d-4'));
    const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    expect((await api(`/v1/cases/${c.id}`, { method: 'PATCH', key: other.keys.admin, body: { status: 'resolved' } })).status).toBe(404);
  });
});

describe('closed loop: webhook delivery through the queue', () => {
  it('a receiver that fails twice then succeeds gets exactly one successful delivery', async () => {
    const { ws, hookId } = await loopWorkspace('fail-twice');
    await send(ws, detractor('d-5'));
    const ds = await eventually(() => deliveries(ws), (d) => d[0]?.status === 'delivered');
    expect(ds[0].attempts.map((a: any) => a.statusCode)).toEqual([503, 503, 200]);
    const calls = await received(hookId);
    expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1); // retries resend the same signed bytes
  });

  it('a receiver that always fails ends in the dead-letter queue with every attempt recorded', async () => {
    const { ws } = await loopWorkspace('always-fail');
    await send(ws, detractor('d-6'));
    const ds = await eventually(() => deliveries(ws), (d) => d[0]?.status === 'dead');
    expect(ds[0].status).toBe('dead');
    expect(ds[0].attempts).toHaveLength(6); // the first try and 5 retries
    expect(ds[0].attempts.every((a: any) => a.statusCode === 500)).toBe(true);
  });

  it('webhook URLs must be https and public; GET never shows the secret', async () => {
    const ws = await newWorkspace('UTC');
    for (const url of ['http://example.com/h', 'https://10.0.0.8/h', 'https://192.168.1.2/h', 'https://localhost/h', 'http://127.0.0.1:9000/h', 'not a url', 'https://[::1]/h', 'https://user:pw@example.com/']) {
      const r = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url } });
      expect(r.status, url).toBe(400);
      expect(r.body.errors[0].path).toBe('url');
    }
    await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/ok/x` } });
    const got = await apiJson('/v1/webhook', { key: ws.keys.admin });
    expect(got.body).toEqual({ url: `${HOOKS}/ok/x`, disabledAt: null });
    expect((await api('/v1/webhook', { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    expect((await api('/v1/webhook', { method: 'DELETE', key: ws.keys.admin })).status).toBe(404);
  });

  it('alert rules validate their shape and score range', async () => {
    const ws = await newWorkspace('UTC');
    const bad = [{ survey: 'csat', maxScore: 9 }, { survey: 'nps' }, { outcome: 'success' }, { survey: 'nps', maxScore: 3, outcome: 'failure' }, {}];
    for (const body of bad) expect((await api('/v1/alert-rules/r', { method: 'PUT', key: ws.keys.admin, body })).status, JSON.stringify(body)).toBe(400);
    expect((await apiJson('/v1/alert-rules', { key: ws.keys.admin })).body.rules).toEqual([]);
    expect((await api('/v1/alert-rules/r', { method: 'PUT', key: ws.keys.read, body: { survey: 'nps', maxScore: 6 } })).status).toBe(403);
    // Admin configures, read lists (SPEC: "admin key to configure, read key to list").
    expect((await api('/v1/alert-rules/r', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6 } })).status).toBe(200);
    expect((await apiJson('/v1/alert-rules', { key: ws.keys.read })).body.rules.map((r: any) => r.key)).toEqual(['r']);
    // A webhook URL is often a credential itself (Slack, Zapier): admin only.
    expect((await apiJson('/v1/webhook', { key: ws.keys.read })).status).toBe(403);
    expect((await api('/v1/alert-rules/r', { method: 'DELETE', key: ws.keys.read })).status).toBe(403);
    expect((await api('/v1/webhook/deliveries', { key: ws.keys.read })).status).toBe(403);
    expect((await api('/v1/alert-rules', { key: ws.keys.ingest })).status).toBe(403);
  });
});

describe('closed loop: report metrics', () => {
  it('reports count cases, closed cases and hours to close; cases count as received tickets', async () => {
    const { ws } = await loopWorkspace('ok');
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await send(ws, { ...detractor('d-7'), timestamp: `${day}T09:00:00Z` });
    await send(ws, { ...detractor('d-8'), customerId: 'cust-2', timestamp: `${day}T10:00:00Z` });
    const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases.filter((x: any) => x.messageId === 'd-7');
    await apiJson(`/v1/cases/${c.id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved' } });
    // As if the owner had closed it two hours after the answer came in.
    await env.DB.prepare('UPDATE cases SET resolved_at = opened_at + 7200000 WHERE id = ?').bind(c.id).run();
    await rollupRange(ws, day, day);
    const r = await apiJson('/v1/reports/summary?period=7d', { key: ws.keys.read });
    expect(r.body.metrics.loop).toEqual({ cases: 2, closed: 1, closedRate: 50, medianHoursToClose: 2, overdue: 0, withinSlaRate: null });
    expect(r.body.metrics.resolution.received).toBe(2);
    const daily = await apiJson(`/v1/reports/daily?from=${day}&to=${day}`, { key: ws.keys.read });
    expect(daily.body.days[0].metrics.loop).toEqual(r.body.metrics.loop);
    const byTp = await apiJson('/v1/reports/breakdown?by=touchpoint&period=7d', { key: ws.keys.read });
    expect(byTp.body.rows.find((x: any) => x.key === 'checkout').metrics.loop.cases).toBe(2);
  });
});
