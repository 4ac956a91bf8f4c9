import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, apiJson, countRows, ev, expectProblem, newWorkspace, OPERATOR, send, type TestWorkspace } from './helpers.ts';
import { parseKey } from '../src/platform/crypto.ts';

const STAGE = { name: 'Purchase', position: 1 };
const TP = { name: 'Checkout', stage: 'purchase', channel: 'web', intentional: true, owner: 'ops', critical: false };

/** Every admin-only route of the ingestion edge, with a valid body where one is needed. */
const ADMIN_ROUTES: [string, string, unknown?][] = [
  ['GET', '/v1/stages'],
  ['PUT', '/v1/stages/purchase', STAGE],
  ['DELETE', '/v1/stages/purchase'],
  ['GET', '/v1/touchpoints'],
  ['PUT', '/v1/touchpoints/checkout', TP],
  ['DELETE', '/v1/touchpoints/checkout'],
  ['GET', '/v1/keys'],
  ['POST', '/v1/keys', { scope: 'admin' }],
  ['DELETE', '/v1/keys/0123456789abcdef'],
];

/** Replaces one character of the key's secret part with another of the same alphabet. */
function alterSecret(key: string, at = -1): string {
  const i = at < 0 ? key.length + at : key.length - 43 + at;
  const swap = key[i] === 'A' ? 'B' : 'A';
  return key.slice(0, i) + swap + key.slice(i + 1);
}

async function expect401(res: Response) {
  await expectProblem(res, 401);
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm=/);
}

describe('401: missing, malformed or unknown key', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await newWorkspace();
  });

  it('answers 401 problem+json with WWW-Authenticate, on every kind of route', async () => {
    const unknownId = ws.keys.admin.replace(/_[0-9a-f]{16}_/, '_0000000000000000_');
    const headers: (Record<string, string> | undefined)[] = [
      undefined,
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Basic ${btoa('user:pass')}` },
      { authorization: ws.keys.admin },
      { authorization: 'Bearer not-a-key' },
      { authorization: `Bearer ${ws.keys.admin} extra` },
      { authorization: `Bearer ${unknownId}` },
      { authorization: `Bearer ${ws.keys.admin.slice(0, -1)}` },
    ];
    for (const h of headers) {
      await expect401(await api('/v1/stages', { headers: h }));
      await expect401(await api('/v1/events', { headers: h, body: ev.lifecycle() }));
      await expect401(await api('/v1/cases', { headers: h }));
    }
    expect(await countRows('events', ws.id)).toBe(0);
  });

  it('a key whose secret differs by one character is 401, wherever the change is', async () => {
    for (const at of [0, 20, -1]) {
      await expect401(await api('/v1/stages', { key: alterSecret(ws.keys.admin, at) }));
      await expect401(await api('/v1/events', { key: alterSecret(ws.keys.ingest, at), body: ev.lifecycle() }));
    }
    expect(await countRows('events', ws.id)).toBe(0);
    expect((await api('/v1/stages', { key: ws.keys.admin })).status).toBe(200);
  });

  it('relabelling a key with a stronger scope is 401, not an escalation', async () => {
    await expect401(await api('/v1/stages', { key: ws.keys.ingest.replace(/^tr_ingest_/, 'tr_admin_') }));
    await expect401(await api('/v1/stages', { key: ws.keys.read.replace(/^tr_read_/, 'tr_admin_') }));
  });

  it('the operator token is no workspace key, and no workspace key is the operator token', async () => {
    await expect401(await api('/v1/stages', { key: OPERATOR }));
    await expect401(await api('/v1/events', { key: OPERATOR, body: ev.lifecycle() }));
    for (const key of Object.values(ws.keys)) await expect401(await api('/v1/workspaces', { key, body: { name: 'X' } }));
  });
});

describe('403: right key, wrong scope', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await newWorkspace();
  });

  it('ingest and read keys cannot use admin routes, and change nothing', async () => {
    for (const scope of ['ingest', 'read'] as const) {
      for (const [method, path, body] of ADMIN_ROUTES) {
        const p = await expectProblem(await api(path, { method, key: ws.keys[scope], body }), 403);
        expect(p.detail).toContain(scope);
      }
    }
    expect((await apiJson('/v1/stages', { key: ws.keys.admin })).body.stages).toEqual([]);
    expect((await apiJson('/v1/keys', { key: ws.keys.admin })).body.keys).toHaveLength(3);
  });

  it('admin implies read but not ingest; read cannot ingest; ingest cannot read', async () => {
    expect((await api('/v1/cases', { key: ws.keys.admin })).status).toBe(200);
    await expectProblem(await api('/v1/cases', { key: ws.keys.ingest }), 403);
    for (const key of [ws.keys.admin, ws.keys.read]) await expectProblem(await api('/v1/events', { key, body: ev.lifecycle() }), 403);
    expect(await countRows('events', ws.id)).toBe(0);
  });
});

describe('cross-workspace isolation', () => {
  let a: TestWorkspace;
  let b: TestWorkspace;
  beforeAll(async () => {
    [a, b] = await Promise.all([newWorkspace(), newWorkspace()]);
    expect((await apiJson('/v1/stages/purchase', { method: 'PUT', key: b.keys.admin, body: STAGE })).status).toBe(200);
    expect((await apiJson('/v1/touchpoints/checkout', { method: 'PUT', key: b.keys.admin, body: TP })).status).toBe(200);
  });

  it("A's admin key neither sees nor deletes B's stages and touchpoints", async () => {
    expect((await apiJson('/v1/stages', { key: a.keys.admin })).body.stages).toEqual([]);
    expect((await apiJson('/v1/touchpoints', { key: a.keys.admin })).body.touchpoints).toEqual([]);
    await expectProblem(await api('/v1/touchpoints/checkout', { method: 'DELETE', key: a.keys.admin }), 404);
    await expectProblem(await api('/v1/stages/purchase', { method: 'DELETE', key: a.keys.admin }), 404);
    // B's stage does not exist for A's inventory either.
    await expectProblem(await api('/v1/touchpoints/mine', { method: 'PUT', key: a.keys.admin, body: TP }), 400);
    expect((await apiJson('/v1/stages', { key: b.keys.admin })).body.stages.map((s: any) => s.key)).toEqual(['purchase']);
    expect((await apiJson('/v1/touchpoints', { key: b.keys.admin })).body.touchpoints.map((t: any) => t.key)).toEqual(['checkout']);
  });

  it("A's admin key neither lists nor revokes B's keys", async () => {
    const bKeys = (await apiJson('/v1/keys', { key: b.keys.admin })).body.keys.map((k: any) => k.id);
    const aList = await (await api('/v1/keys', { key: a.keys.admin })).text();
    for (const id of bKeys) {
      expect(aList).not.toContain(id);
      await expectProblem(await api(`/v1/keys/${id}`, { method: 'DELETE', key: a.keys.admin }), 404);
    }
    const { results } = await env.DB.prepare('SELECT revoked_at FROM api_keys WHERE workspace_id = ?').bind(b.id).all();
    expect(results.every((r) => r.revoked_at === null)).toBe(true);
    expect((await send(b, ev.lifecycle())).status).toBe(202);
    expect((await api('/v1/stages', { key: b.keys.admin })).status).toBe(200);
  });

  it("events sent with A's key land only in A, and messageIds are per workspace", async () => {
    const batch = [ev.identify({ customerId: 'shared' }), ev.response({ customerId: 'shared' }), ev.lifecycle({ customerId: 'shared' })];
    const bBefore = await countRows('events', b.id);
    expect((await send(a, { batch })).body).toEqual({ accepted: 3, duplicates: 0 });
    const rows = await env.DB.prepare('SELECT workspace_id FROM events WHERE message_id IN (?, ?, ?)').bind(...batch.map((e) => e.messageId)).all();
    expect(rows.results.map((r) => r.workspace_id)).toEqual([a.id, a.id, a.id]);
    expect(await countRows('events', b.id)).toBe(bBefore);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM customers WHERE workspace_id = ? AND customer_id = ?').bind(b.id, 'shared').first('n')).toBe(0);
    // The same messageIds in B are B's own events, not duplicates of A's.
    expect((await send(b, { batch })).body).toEqual({ accepted: 3, duplicates: 0 });
    expect(await countRows('events', a.id)).toBe(3);
  });
});

describe('secrets at rest', () => {
  it('no key, nor its secret part, is stored anywhere in api_keys', async () => {
    const ws = await newWorkspace();
    const extra = (await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope: 'read' } })).body.key as string;
    const { results } = await env.DB.prepare('SELECT * FROM api_keys WHERE workspace_id = ?').bind(ws.id).all();
    expect(results).toHaveLength(4);
    const dump = JSON.stringify(results);
    for (const key of [...Object.values(ws.keys), extra]) {
      const secret = key.split('_').slice(3).join('_');
      expect(secret).toHaveLength(43);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(key);
    }
  });
});

describe('revocation reaches every isolate at once', () => {
  // SPEC: keys are "revoked at once". No isolate keeps a key it looked up: a revocation made
  // by another isolate (here straight in D1) is refused on the very next request.
  it('a key revoked straight in D1 is refused on its next request', async () => {
    const ws = await newWorkspace();
    expect((await api('/v1/cases', { key: ws.keys.read })).status).toBe(200);
    await env.DB.prepare('UPDATE api_keys SET revoked_at = ?1 WHERE id = ?2').bind(Date.now(), parseKey(ws.keys.read)!.id).run();
    expect((await api('/v1/cases', { key: ws.keys.read })).status).toBe(401);
  });

  // The hot paths keep nothing about a key between requests either: a report served from the
  // isolate's memory, whoami and ingest each refuse the key on the request right after DELETE.
  it('a key revoked through the API is refused on the very next request of every hot path', async () => {
    const ws = await newWorkspace();
    const summary = '/v1/reports/summary?period=7d';
    expect((await api(summary, { key: ws.keys.read })).status).toBe(200);
    expect((await api(summary, { key: ws.keys.read })).status).toBe(200); // now a hit of the in-isolate copy
    const { id: readId } = parseKey(ws.keys.read)!;
    expect((await api(`/v1/keys/${readId}`, { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    await expectProblem(await api(summary, { key: ws.keys.read }), 401);
    await expectProblem(await api('/v1/whoami', { key: ws.keys.read }), 401);

    expect((await send(ws, ev.lifecycle())).status).toBe(202);
    expect((await api(`/v1/keys/${parseKey(ws.keys.ingest)!.id}`, { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    const refused = await send(ws, { batch: [ev.lifecycle(), ev.identify()] });
    expect(refused.status).toBe(401);
    expect(await countRows('events', ws.id)).toBe(1);
  });

  it('a key just used still refuses a wrong secret or a relabelled scope', async () => {
    const ws = await newWorkspace();
    expect((await api('/v1/cases', { key: ws.keys.read })).status).toBe(200);
    const { id, secret } = parseKey(ws.keys.read)!;
    const wrong = `tr_read_${id}_${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    expect((await api('/v1/cases', { key: wrong })).status).toBe(401);
    expect((await api('/v1/cases', { key: `tr_admin_${id}_${secret}` })).status).toBe(401);
  });
});
