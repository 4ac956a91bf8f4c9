// Segment's Webhooks destination posting to the workspace's source, signed as Segment signs:
// X-Signature = hex HMAC-SHA1 of the raw body with the shared secret.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiJson, expectProblem, newWorkspace, type TestWorkspace } from './helpers.ts';

async function hmacSha1Hex(secret: string, body: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function deliver(path: string, body: string, signature: string | null, type = 'application/json') {
  return api(path, { method: 'POST', raw: body, headers: { 'content-type': type, ...(signature === null ? {} : { 'x-signature': signature }) } });
}

const count = async (ws: TestWorkspace) => (await env.DB.prepare('SELECT COUNT(*) AS n FROM events WHERE workspace_id = ?').bind(ws.id).first<{ n: number }>())!.n;

describe('Segment Webhooks destination', () => {
  it('a signed call is stored with Segment\'s own (already corrected) timestamp; bad or missing signatures are 401', async () => {
    const ws = await newWorkspace('UTC');
    const made = await apiJson('/v1/sources/segment', { method: 'POST', key: ws.keys.admin });
    expect(made.status).toBe(200);
    const { sourceId, path, secret } = made.body;
    expect(path).toBe(`/v1/sources/segment/${sourceId}`);
    expect(path).not.toContain(secret);
    const sealed = await env.DB.prepare('SELECT secret_sealed FROM segment_sources WHERE workspace_id = ?').bind(ws.id).first<{ secret_sealed: string }>();
    expect(sealed!.secret_sealed).not.toContain(secret);
    expect((await apiJson('/v1/sources/segment', { key: ws.keys.admin })).body).toEqual({ sourceId, path, createdAt: expect.any(String) });

    const at = new Date(Date.now() - 3_600_000).toISOString();
    const body = JSON.stringify({ type: 'track', event: 'Subscription Cancelled', userId: 'w-1', messageId: 'wh-1', timestamp: at, sentAt: new Date().toISOString() });
    expect(await (await deliver(path, body, await hmacSha1Hex(secret, body))).json()).toEqual({ success: true, accepted: 1, duplicates: 0, unmapped: 0 });
    const row = await env.DB.prepare('SELECT type, status, ts FROM events WHERE workspace_id = ? AND message_id = ?').bind(ws.id, 'wh-1').first<any>();
    expect(row).toEqual({ type: 'lifecycle', status: 'churned', ts: Date.parse(at) });

    const other = JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'w-1', messageId: 'wh-2' });
    for (const sig of [null, '', 'zz', await hmacSha1Hex(secret, body), await hmacSha1Hex('not the secret', other), (await hmacSha1Hex(secret, other)).slice(2)]) {
      await expectProblem(await deliver(path, other, sig), 401);
    }
    await expectProblem(await deliver('/v1/sources/segment/src_000000000000000000000000', other, await hmacSha1Hex(secret, other)), 401);
    await expectProblem(await deliver(`${path}x`, other, await hmacSha1Hex(secret, other)), 401);
    expect(await count(ws)).toBe(1);
  });

  it('rotation keeps the source id and retires the old secret at once; DELETE stops the source', async () => {
    const ws = await newWorkspace('UTC');
    const first = (await apiJson('/v1/sources/segment', { method: 'POST', key: ws.keys.admin })).body;
    const second = (await apiJson('/v1/sources/segment', { method: 'POST', key: ws.keys.admin })).body;
    expect(second.sourceId).toBe(first.sourceId);
    expect(second.secret).not.toBe(first.secret);
    const body = JSON.stringify({ batch: [{ type: 'track', event: 'Signed Up', userId: 'r', messageId: 'rot-1' }, { type: 'page', userId: 'r', messageId: 'rot-2' }] });
    await expectProblem(await deliver(first.path, body, await hmacSha1Hex(first.secret, body)), 401);
    expect(await (await deliver(second.path, body, await hmacSha1Hex(second.secret, body))).json()).toMatchObject({ accepted: 1, unmapped: 1 });
    expect((await api('/v1/sources/segment', { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    await expectProblem(await deliver(second.path, body, await hmacSha1Hex(second.secret, body)), 401);
    expect((await api('/v1/sources/segment', { key: ws.keys.admin })).status).toBe(404);
    expect((await api('/v1/sources/segment', { method: 'POST', key: ws.keys.read })).status).toBe(403);
  });

  it('a signed but invalid body is a 400 or 415 problem, and nothing is stored', async () => {
    const ws = await newWorkspace('UTC');
    const { path, secret } = (await apiJson('/v1/sources/segment', { method: 'POST', key: ws.keys.admin })).body;
    const cases: [string, number, string?][] = [
      ['{"type":"track"', 400],
      ['[]', 400],
      [JSON.stringify({ type: 'track', event: 'Signed Up', messageId: 'x-1' }), 400],
      [JSON.stringify({ type: 'track', event: 'Survey Responded', userId: 'u', messageId: 'x-2', properties: { survey: 'ces', score: 9 } }), 400],
      [JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u', messageId: 'x-3' }), 415, 'text/csv'],
    ];
    for (const [body, status, type] of cases) await expectProblem(await deliver(path, body, await hmacSha1Hex(secret, body), type), status);
    const huge = JSON.stringify({ type: 'track', event: 'Signed Up', userId: 'u', properties: { pad: 'x'.repeat(520_000) } });
    await expectProblem(await deliver(path, huge, await hmacSha1Hex(secret, huge)), 413);
    expect(await count(ws)).toBe(0);
  });
});
