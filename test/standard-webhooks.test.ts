// Deliveries checked with the official `standardwebhooks` library, as a receiver would.
import { env } from 'cloudflare:workers';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiJson, configureInventory, eventually, newWorkspace, send, type TestWorkspace, HOOKS, received } from './helpers.ts';

let n = 0;

async function hooked(behaviour: string) {
  const ws = await newWorkspace('UTC');
  await configureInventory(ws);
  const hookId = `sw${Date.now()}-${++n}`;
  const hook = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/${behaviour}/${hookId}` } });
  await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6 } });
  return { ws, hookId, secret: hook.body.secret as string };
}

const detractor = (messageId: string) => ({ type: 'response', messageId, customerId: 'c-1', survey: 'nps', score: 1, touchpoint: 'checkout' });
const deliveries = async (ws: TestWorkspace) => (await apiJson('/v1/webhook/deliveries', { key: ws.keys.admin })).body.deliveries as any[];

afterEach(() => vi.useRealTimers());

describe('Standard Webhooks deliveries', () => {
  it('verify with the official library; a tampered body or a replay past the tolerance is rejected', async () => {
    const { ws, hookId, secret } = await hooked('ok');
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    await send(ws, detractor('sw-1'));
    const [call] = await eventually(() => received(hookId), (c) => c.length >= 1);
    const hook = new Webhook(secret);
    const payload = hook.verify(call.body, call.headers) as any;
    expect(payload).toMatchObject({ type: 'case.opened', data: { event: { messageId: 'sw-1' } } });
    expect(Object.keys(payload)).toEqual(['type', 'timestamp', 'data']);
    expect(call.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(() => hook.verify(call.body.replace('"score":1', '"score":9'), call.headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(`whsec_${btoa('another secret of 32 bytes......')}`).verify(call.body, call.headers)).toThrow(WebhookVerificationError);
    // The same capture replayed six minutes later: older than the library's five-minute tolerance.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Number(call.headers['webhook-timestamp']) * 1000 + 6 * 60_000);
    expect(() => hook.verify(call.body, call.headers)).toThrow(/timestamp/i);
  });

  it('retries keep the webhook-id and the bytes, and every attempt verifies', async () => {
    const { ws, hookId, secret } = await hooked('fail-twice');
    await send(ws, detractor('sw-2'));
    const calls = await eventually(() => received(hookId), (c) => c.length >= 3);
    expect(new Set(calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    expect(new Set(calls.map((c) => c.body)).size).toBe(1);
    for (const c of calls) expect(() => new Webhook(secret).verify(c.body, c.headers)).not.toThrow();
  });

  it('after a rotation both secrets sign for 24 hours, then only the new one', async () => {
    const { ws, hookId, secret: old } = await hooked('ok');
    const rotated = await apiJson('/v1/webhook/rotate', { method: 'POST', key: ws.keys.admin });
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.secret as string;
    expect(fresh).not.toBe(old);
    expect(Date.parse(rotated.body.previousSecretValidUntil) - Date.now()).toBeGreaterThan(23.9 * 3_600_000);
    await send(ws, detractor('sw-3'));
    const [during] = await eventually(() => received(hookId), (c) => c.length >= 1);
    expect(during.headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const s of [old, fresh]) expect(() => new Webhook(s).verify(during.body, during.headers)).not.toThrow();
    // As if the 24 hours had passed.
    await env.DB.prepare('UPDATE webhooks SET previous_secret_until = ?2 WHERE workspace_id = ?1').bind(ws.id, Date.now() - 1).run();
    await send(ws, detractor('sw-4'));
    const calls = await eventually(() => received(hookId), (c) => c.length >= 2);
    const after = calls[1];
    expect(after.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(fresh).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(old).verify(after.body, after.headers)).toThrow(WebhookVerificationError);
    expect((await apiJson('/v1/webhook/rotate', { method: 'POST', key: ws.keys.read })).status).toBe(403);
    const bare = await newWorkspace('UTC');
    expect((await apiJson('/v1/webhook/rotate', { method: 'POST', key: bare.keys.admin })).status).toBe(404);
  });

  it('410 Gone disables the endpoint: no retry, no later delivery, until the webhook is set again', async () => {
    const { ws, hookId } = await hooked('gone');
    await send(ws, detractor('sw-5'));
    const [first] = await eventually(() => deliveries(ws), (d) => d[0]?.status === 'cancelled');
    expect(first.attempts.map((a: any) => a.statusCode)).toEqual([410]);
    const state = await apiJson('/v1/webhook', { key: ws.keys.admin });
    expect(Date.parse(state.body.disabledAt)).toBeGreaterThan(0);
    await send(ws, detractor('sw-6'));
    expect((await apiJson('/v1/cases', { key: ws.keys.read })).body.cases).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(hookId)).toHaveLength(1);
    expect(await deliveries(ws)).toHaveLength(1);
    await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: `${HOOKS}/ok/${hookId}-again` } });
    expect((await apiJson('/v1/webhook', { key: ws.keys.admin })).body.disabledAt).toBeNull();
    await send(ws, detractor('sw-7'));
    expect(await eventually(() => received(`${hookId}-again`), (c) => c.length >= 1)).toHaveLength(1);
  });

  it('Retry-After sets the next delay', async () => {
    const { ws, hookId } = await hooked('retry-after');
    await send(ws, detractor('sw-8'));
    const calls = await eventually(() => received(hookId), (c) => c.length >= 2);
    expect(calls.map((c) => c.status)).toEqual([503, 200]);
    // The tests' back-off is zero seconds; the receiver asked for three.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(2900);
  });
});
