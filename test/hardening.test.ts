// Points found by probing the running service (issue: hardening), each with a test that failed
// on the code before it.
import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import worker from '../src/index.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchElementSizes } from '../src/ingest/raw-size.ts';
import { addDays, localDay } from '../src/platform/time.ts';
import { api, apiJson, countRows, newWorkspace, roomInRateWindow, sendRaw } from './helpers.ts';
import { rollupRange } from './drain.ts';

describe('stored webhook URLs', () => {
  it('are stored parsed: CR/LF and tabs in the given URL never reach D1', async () => {
    const ws = await newWorkspace();
    const put = await apiJson('/v1/webhook', { method: 'PUT', key: ws.keys.admin, body: { url: 'https://hooks.example.com/a\r\nb\tc' } });
    expect(put.status).toBe(200);
    expect(put.body.url).toBe('https://hooks.example.com/abc');
    const row = await env.DB.prepare('SELECT url FROM webhooks WHERE workspace_id = ?1').bind(ws.id).first<{ url: string }>();
    expect(row!.url).toBe('https://hooks.example.com/abc');
  });
});

describe('ingest refuses what it would silently lose or could never erase', () => {
  it('customerId `.` or `..` is a 400 at its path, and nothing is stored', async () => {
    const ws = await newWorkspace();
    for (const id of ['.', '..']) {
      const r = await apiJson('/v1/events', { key: ws.keys.ingest, body: { batch: [{ type: 'identify', messageId: `ok-${id}`, customerId: 'fine' }, { type: 'identify', messageId: 'dot', customerId: id }] } });
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toEqual(['batch.1.customerId']);
    }
    expect(await countRows('events', ws.id)).toBe(0);
  });

  it('a `__proto__` key in traits or properties, at any depth, is a 400 and nothing is stored', async () => {
    const ws = await newWorkspace();
    const bodies = [
      '{"type":"identify","messageId":"p1","customerId":"c1","traits":{"__proto__":{"admin":true}}}',
      '{"type":"interaction","messageId":"p2","customerId":"c1","touchpoint":"web","properties":{"cart":[{"__proto__":1}]}}',
    ];
    for (const raw of bodies) {
      const r = await sendRaw(ws, raw);
      expect(r.status, raw).toBe(400);
      const body = (await r.json()) as { errors: { path: string; message: string }[] };
      expect(body.errors[0].message).toContain('__proto__');
    }
    expect(await countRows('events', ws.id)).toBe(0);
  });

  it('deeply nested properties are answered, not a 5xx', async () => {
    const ws = await newWorkspace();
    const deep = `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`;
    const r = await sendRaw(ws, `{"type":"interaction","messageId":"d1","customerId":"c1","touchpoint":"web","properties":${deep}}`);
    expect(r.status).toBeLessThan(500);
  });
});

describe('report parameters', () => {
  it('a journey narrowed to a long segment of accented characters is answered (its KV key is hashed)', async () => {
    const ws = await newWorkspace();
    const segment = 'ñ'.repeat(100);
    const r = await apiJson(`/v1/reports/journey?period=7d&segment=${encodeURIComponent(segment)}`, { key: ws.keys.read });
    expect(r.status).toBe(200);
    expect(r.body.segment).toBe(segment);
  });

  it('no generated value of any report parameter gets a 5xx', async () => {
    const ws = await newWorkspace();
    const text = fc.oneof(fc.string({ maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), fc.constantFrom('7d', '30d', '2026-02-30', '9999-12-31', '', 'touchpoint'));
    const reports = ['summary', 'daily', 'breakdown', 'journey', 'priorities', 'nope'];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...reports), fc.dictionary(fc.constantFrom('period', 'from', 'to', 'by', 'segment', 'x'), text, { maxKeys: 4 }), async (report, params) => {
        const r = await apiJson(`/v1/reports/${report}?${new URLSearchParams(params)}`, { key: ws.keys.read });
        expect(r.status, JSON.stringify(params)).toBeLessThan(500);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the last admin key', () => {
  it('cannot be revoked (409): the workspace would be locked out for good; with a second admin key it can', async () => {
    const ws = await newWorkspace();
    const { body: keys } = await apiJson('/v1/keys', { key: ws.keys.admin });
    const adminId = keys.keys.find((k: { scope: string }) => k.scope === 'admin').id;
    const refused = await apiJson(`/v1/keys/${adminId}`, { method: 'DELETE', key: ws.keys.admin });
    expect(refused.status).toBe(409);
    expect(refused.body.type).toContain('last-admin-key');
    expect((await apiJson('/v1/whoami', { key: ws.keys.admin })).status).toBe(200);
    const second = await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope: 'admin' } });
    expect((await apiJson(`/v1/keys/${adminId}`, { method: 'DELETE', key: second.body.key })).status).toBe(204);
    // Two admins revoking each other at once: one succeeds, the other is refused (its own key is
    // gone, 401, or it would remove the last admin key, 409), and an admin key stays.
    const third = await apiJson('/v1/keys', { key: second.body.key, body: { scope: 'admin' } });
    const results = await Promise.all([
      apiJson(`/v1/keys/${second.body.id}`, { method: 'DELETE', key: third.body.key }),
      apiJson(`/v1/keys/${third.body.id}`, { method: 'DELETE', key: second.body.key }),
    ]);
    expect(results.filter((r) => r.status === 204)).toHaveLength(1);
    const left = await env.DB.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE workspace_id = ?1 AND scope = 'admin' AND revoked_at IS NULL").bind(ws.id).first<{ n: number }>();
    expect(left!.n).toBe(1);
  });
});

describe('the operator route', () => {
  it('counts every attempt per client address: past the limit a 429 with Retry-After, while another address is still answered', async () => {
    const limit = Number(env.TEST_OPERATOR_LIMIT);
    const attempt = (ip: string) => api('/v1/workspaces', { key: 'a-guess-of-the-operator-token-000000', body: { name: 'x' }, headers: { 'cf-connecting-ip': ip } });
    let sent = 0;
    let limited: Response | null = null;
    while (!limited && sent <= limit + 50) {
      const burst = await Promise.all(Array.from({ length: 50 }, () => attempt('203.0.113.9')));
      sent += burst.length;
      limited = burst.find((r) => r.status === 429) ?? null;
      for (const r of burst) expect([401, 429]).toContain(r.status);
    }
    expect(limited, `no 429 after ${sent} attempts`).not.toBeNull();
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect((await attempt('198.51.100.4')).status).toBe(401);
  });

  it('a deployment with a weak ADMIN_TOKEN refuses the route (503), and without SESSION_SECRET dashboard sign-in is refused', async () => {
    const weak = { ...env, ADMIN_TOKEN: 'changeme' };
    const req = new Request('https://trayecto.test/v1/workspaces', {
      method: 'POST',
      headers: { authorization: 'Bearer changeme', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x' }),
    });
    const r = await worker.fetch(req, weak, createExecutionContext());
    expect(r.status).toBe(503);
    const ws = await newWorkspace();
    const form = new Request('https://trayecto.test/dashboard/session', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://trayecto.test' },
      body: new URLSearchParams({ key: ws.keys.read }).toString(),
    });
    const { SESSION_SECRET: _, ...noSecret } = env;
    const refused = await worker.fetch(form, noSecret as typeof env, createExecutionContext());
    expect(refused.status).toBe(503);
    expect(refused.headers.get('set-cookie')).toBeNull();
  });
});

describe('uncached report computation', () => {
  it('is budgeted per workspace whatever its keys; identical requests in flight share one computation; another workspace is still served', async () => {
    const limit = Number(env.TEST_COMPUTE_LIMIT);
    await roomInRateWindow(60, 40);
    const [ws, other] = [await newWorkspace(), await newWorkspace()];
    const second = (await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope: 'read' } })).body.key;
    const to = addDays(localDay(Date.now(), 'UTC'), -1);
    const read = (key: string, i: number) => apiJson(`/v1/reports/summary?from=${addDays(to, -i)}&to=${to}`, { key });
    // Twenty identical requests at once: one computation, one unit of the budget.
    const same = await Promise.all(Array.from({ length: 20 }, () => read(ws.keys.read, 0)));
    expect(new Set(same.map((r) => r.res.headers.get('etag'))).size).toBe(1);
    expect(same.every((r) => r.status === 200)).toBe(true);
    // The rest of the budget, spread over two read keys of the same workspace.
    for (let i = 1; i < limit; i++) expect((await read(i % 2 ? ws.keys.read : second, i)).status, `range ${i}`).toBe(200);
    const over = await read(second, limit);
    expect(over.status).toBe(429);
    expect(over.body.type).toContain('report-budget');
    expect(over.res.headers.get('retry-after')).toBe('60');
    // What is cached is still served, and another workspace computes as usual.
    expect((await read(ws.keys.read, 3)).status).toBe(200);
    expect((await read(other.keys.read, limit)).status).toBe(200);
  }, 120_000);
});

describe('the 32 KiB event limit', () => {
  it('is measured on the bytes sent: duplicate keys that collapse when parsed do not hide an oversized event', async () => {
    const ws = await newWorkspace();
    const filler = `"comment":"${'x'.repeat(4000)}",`.repeat(9); // 36 KB of keys that collapse into one
    const event = `{${filler}"type":"response","messageId":"dup","customerId":"c1","survey":"nps","score":9}`;
    const single = await sendRaw(ws, event);
    expect(single.status).toBe(400);
    const batch = await sendRaw(ws, `{"batch": [ {"type":"identify","messageId":"ok","customerId":"c2"} , ${event.replace('"dup"', '"dup2"')} ]}`);
    expect(batch.status).toBe(400);
    const body = (await batch.json()) as { errors: { path: string }[] };
    expect(body.errors.map((e) => e.path)).toEqual(['batch.1']);
    // A small event written with spacing and escapes is measured as sent, and accepted.
    const spaced = await sendRaw(ws, '{ "\\u0062atch" : [ { "type" : "identify" , "messageId" : "s1" , "customerId" : "c3" } ] }');
    expect(spaced.status).toBe(202);
    expect(await countRows('events', ws.id)).toBe(1);
  });
});

describe('raw sizes of batch elements', () => {
  it('equal the bytes of each element as written, whatever the values, spacing, escapes and other keys', () => {
    const enc = new TextEncoder();
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 8 }), fc.constantFrom('', ' ', '\n  ', '\t'), fc.jsonValue(), (items, ws, other) => {
        const parts = items.map((v, i) => JSON.stringify(v, null, i % 2 ? 2 : undefined));
        const text = `{${ws}"other"${ws}:${ws}${JSON.stringify(other)},${ws}"batch"${ws}:${ws}[${ws}${parts.join(`${ws},${ws}`)}${ws}]${ws}}`;
        expect(batchElementSizes(enc.encode(text))).toEqual(parts.map((p) => enc.encode(p).byteLength));
      }),
      { numRuns: 300 },
    );
  });
});

describe('erasure and the report cache', () => {
  it('no report in KV carries a customer id, so no older generation can keep an erased customer', async () => {
    const ws = await newWorkspace();
    const day = addDays(localDay(Date.now(), 'UTC'), -2);
    const who = 'erase-me-7f3a91';
    const batch = [
      { type: 'identify', messageId: 'k1', customerId: who, segment: 'gold', traits: { email: 'ana@example.com' }, timestamp: `${day}T08:00:00Z` },
      { type: 'lifecycle', messageId: 'k2', customerId: who, status: 'started', timestamp: `${day}T08:10:00Z` },
      { type: 'interaction', messageId: 'k3', customerId: who, touchpoint: 'checkout', outcome: 'failure', emotion: 'enfado', timestamp: `${day}T09:00:00Z` },
      { type: 'response', messageId: 'k4', customerId: who, survey: 'nps', score: 2, comment: 'ana@example.com says no', timestamp: `${day}T10:00:00Z` },
      { type: 'ticket', messageId: 'k5', customerId: who, ticketId: 'T-1', status: 'opened', timestamp: `${day}T11:00:00Z` },
    ];
    expect((await apiJson('/v1/events', { key: ws.keys.ingest, body: { batch } })).status).toBe(202);
    await rollupRange(ws, day, day);
    for (const q of ['summary?period=7d', `journey?period=7d&segment=gold`, `breakdown?by=segment&from=${day}&to=${day}`]) {
      expect((await apiJson(`/v1/reports/${q}`, { key: ws.keys.read })).status).toBe(200);
    }
    const { keys } = await env.REPORTS.list({ prefix: `report/${ws.id}/` });
    expect(keys.length).toBeGreaterThan(20);
    for (const k of keys) {
      const body = (await env.REPORTS.get(k.name, 'text')) ?? '';
      expect(body, k.name).not.toContain(who);
      expect(body, k.name).not.toContain('ana@example.com');
    }
  });
});
