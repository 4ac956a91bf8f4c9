// SLAs and escalation: the hourly cron escalates each overdue open case exactly once.
import { env } from 'cloudflare:workers';
import { createScheduledController } from 'cloudflare:test';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import worker from '../src/index.ts';
import { api, apiJson, configureInventory, eventually, newWorkspace, send, HOOKS, received } from './helpers.ts';

const HOUR = 3_600_000;
let n = 0;
const cron = (scheduledTime: number) => worker.scheduled(createScheduledController({ scheduledTime, cron: '5 * * * *' }), env);

async function slaWorkspace(rule: Record<string, unknown>) {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const hookId = `sla${Date.now()}-${++n}`;
  const hook = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/ok/${hookId}` } });
  const put = await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6, ...rule } });
  expect(put.status).toBe(200);
  return { ws, hookId, secret: hook.body.secret as string };
}
const detractor = (messageId: string) => ({ type: 'response', messageId, customerId: 'c-1', survey: 'nps', score: 1, touchpoint: 'checkout' });

describe('SLA and escalation', () => {
  it('a case is due slaHours after it arrived; the rule shows its SLA', async () => {
    const { ws } = await slaWorkspace({ slaHours: 4, escalateTo: 'cx-lead@shop.test' });
    const before = Date.now();
    await send(ws, detractor('s-0'));
    const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    expect(Date.parse(c.dueAt) - 4 * HOUR).toBeGreaterThanOrEqual(before);
    expect(Date.parse(c.dueAt) - 4 * HOUR).toBeLessThanOrEqual(Date.now());
    expect(c).toMatchObject({ overdue: false, escalatedAt: null });
    const rules = (await apiJson('/v1/alert-rules', { key: ws.keys.read })).body.rules;
    expect(rules[0]).toMatchObject({ slaHours: 4, escalateTo: 'cx-lead@shop.test' });
  });

  it('an overdue case escalates once, even when the cron runs twice and concurrently', async () => {
    const { ws, hookId, secret } = await slaWorkspace({ slaHours: 2, escalateTo: 'cx-lead@shop.test' });
    await send(ws, detractor('s-1'));
    const [opened] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    const due = Date.parse(opened.dueAt);
    await cron(due - 60_000); // a minute early: nothing
    expect((await apiJson(`/v1/cases/${opened.id}`, { key: ws.keys.read })).body).toMatchObject({ owner: 'ecommerce@shop.test', escalatedAt: null });
    await Promise.all([cron(due + HOUR), cron(due + HOUR)]);
    await cron(due + 2 * HOUR);
    const got = (await apiJson(`/v1/cases/${opened.id}`, { key: ws.keys.read })).body;
    expect(got).toMatchObject({ owner: 'cx-lead@shop.test', overdue: true, escalatedAt: new Date(due + HOUR).toISOString() });
    expect(got.history.map((e: any) => [e.kind, e.from, e.to])).toEqual([['opened', null, 'open'], ['escalated', 'ecommerce@shop.test', 'cx-lead@shop.test']]);
    const overdue = (await apiJson('/v1/cases?overdue=true', { key: ws.keys.read })).body.cases;
    expect(overdue.map((c: any) => c.id)).toEqual([opened.id]);
    // One case.opened and one case.overdue, each verified as a receiver would.
    const calls = await eventually(() => received(hookId), (c) => c.length >= 2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await received(hookId)).toHaveLength(2);
    const payloads = calls.map((c) => new Webhook(secret).verify(c.body, c.headers) as any);
    expect(payloads.map((p) => p.type).sort()).toEqual(['case.opened', 'case.overdue']);
    const overdueCall = calls.find((c) => JSON.parse(c.body).type === 'case.overdue')!;
    expect(overdueCall.headers['webhook-id']).toBe(`dl_${opened.id}_overdue`);
    expect(JSON.parse(overdueCall.body).data.case).toMatchObject({ id: opened.id, owner: 'cx-lead@shop.test', overdue: true });
    const listed = (await apiJson('/v1/webhook/deliveries', { key: ws.keys.admin })).body.deliveries;
    expect(listed.map((d: any) => [d.id, d.type]).sort()).toEqual([[`dl_${opened.id}`, 'case.opened'], [`dl_${opened.id}_overdue`, 'case.overdue']]);
  });

  it('without escalateTo an overdue case goes to the workspace defaultOwner', async () => {
    const { ws } = await slaWorkspace({ slaHours: 1 });
    await apiJson('/v1/workspace', { method: 'PATCH', key: ws.keys.admin, body: { defaultOwner: 'head-of-cx' } });
    await send(ws, detractor('s-2'));
    const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    await cron(Date.parse(c.dueAt) + 1);
    expect((await apiJson(`/v1/cases/${c.id}`, { key: ws.keys.read })).body.owner).toBe('head-of-cx');
  });

  it('a case closed just before its due time is not escalated; a rule without an SLA never is', async () => {
    const { ws, hookId } = await slaWorkspace({ slaHours: 1, escalateTo: 'cx-lead@shop.test' });
    await send(ws, detractor('s-3'));
    const [c] = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    expect((await apiJson(`/v1/cases/${c.id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved' } })).status).toBe(200);
    await cron(Date.parse(c.dueAt) + HOUR);
    const after = (await apiJson(`/v1/cases/${c.id}`, { key: ws.keys.read })).body;
    expect(after).toMatchObject({ owner: 'ecommerce@shop.test', escalatedAt: null, overdue: false });
    expect((await apiJson('/v1/cases?overdue=true', { key: ws.keys.read })).body.cases).toEqual([]);
    await eventually(() => received(hookId), (calls) => calls.length >= 2);
    expect((await received(hookId)).map((x) => JSON.parse(x.body).type).sort()).toEqual(['case.opened', 'case.resolved']);

    const plain = await slaWorkspace({});
    await send(plain.ws, detractor('s-4'));
    const [p] = (await apiJson('/v1/cases', { key: plain.ws.keys.read })).body.cases;
    expect(p.dueAt).toBeNull();
    await cron(Date.now() + 1000 * HOUR);
    expect((await apiJson(`/v1/cases/${p.id}`, { key: plain.ws.keys.read })).body.escalatedAt).toBeNull();
  });

  it('bad SLA input is a 400 problem and stores nothing', async () => {
    const ws = await newWorkspace('UTC');
    for (const body of [
      { survey: 'nps', maxScore: 6, slaHours: 0 },
      { survey: 'nps', maxScore: 6, slaHours: 1.5 },
      { survey: 'nps', maxScore: 6, slaHours: 24 * 91 },
      { survey: 'nps', maxScore: 6, slaHours: '4' },
      { outcome: 'failure', escalateTo: '' },
      { outcome: 'failure', escalateTo: 'x'.repeat(201) },
    ]) {
      const r = await api('/v1/alert-rules/r1', { method: 'PUT', key: ws.keys.admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await apiJson('/v1/alert-rules', { key: ws.keys.read })).body.rules).toEqual([]);
    expect((await api('/v1/cases?overdue=maybe', { key: ws.keys.read })).status).toBe(400);
  });

  it("the dashboard lists overdue cases first, with due times in the workspace's timezone", async () => {
    const ws = await newWorkspace('Asia/Tokyo');
    await configureInventory(ws);
    await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6, slaHours: 1 } });
    await apiJson('/v1/alert-rules/unhappy', { method: 'PUT', key: ws.keys.admin, body: { survey: 'csat', maxScore: 2 } });
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await send(ws, { batch: [
      { type: 'response', messageId: 'late', customerId: 'c-late', survey: 'nps', score: 1, touchpoint: 'checkout', timestamp: `${day}T01:00:00Z` },
      { type: 'response', messageId: 'new1', customerId: 'c-new1', survey: 'csat', score: 1, touchpoint: 'checkout', timestamp: `${day}T05:00:00Z` },
      { type: 'response', messageId: 'new2', customerId: 'c-new2', survey: 'csat', score: 1, touchpoint: 'checkout', timestamp: `${day}T06:00:00Z` },
    ] });
    const late = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases.find((c: any) => c.messageId === 'late');
    await cron(Date.parse(late.dueAt) + 1);
    const signIn = await api('/dashboard/session', { method: 'POST', raw: new URLSearchParams({ key: ws.keys.read }).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    const html = await (await api('/dashboard?lang=en', { headers: { cookie } })).text();
    const order = [...html.matchAll(/<tr data-case="([^"]+)"/g)].map((m) => m[1]);
    const cases = (await apiJson('/v1/cases', { key: ws.keys.read })).body.cases;
    const idOf = (m: string) => cases.find((c: any) => c.messageId === m).id;
    expect(order).toEqual([idOf('late'), idOf('new2'), idOf('new1')]);
    const due = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Tokyo' }).format(new Date(late.dueAt));
    const row = new RegExp(`<tr data-case="${idOf('late')}"[\\s\\S]*?</tr>`).exec(html)![0];
    expect(row).toContain(`<time datetime="${late.dueAt}">${due}</time>`);
    expect(row).toContain('data-overdue="true"');
    expect(row).toContain('Overdue');
  });
});
