import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiJson, errorPaths, ev, expectProblem, newWorkspace, OPERATOR, send, type TestWorkspace } from './helpers.ts';

const put = (ws: TestWorkspace, path: string, body: unknown) => apiJson(path, { method: 'PUT', key: ws.keys.admin, body });
const del = (ws: TestWorkspace, path: string) => api(path, { method: 'DELETE', key: ws.keys.admin });
const get = (ws: TestWorkspace, path: string) => apiJson(path, { key: ws.keys.admin });
const tp = (stage: string, o: Record<string, unknown> = {}) => ({
  name: 'Online checkout', stage, channel: 'web', intentional: true, owner: 'ecommerce@shop.test', critical: false, ...o,
});

describe('stages', () => {
  it('PUT creates, GET lists by position whatever the insertion order', async () => {
    const ws = await newWorkspace();
    const input = [['use', 'Use', 4], ['awareness', 'Awareness', 1], ['purchase', 'Purchase', 3], ['research', 'Research', 2]] as const;
    for (const [key, name, position] of input) {
      const r = await put(ws, `/v1/stages/${key}`, { name, position });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ key, name, position });
    }
    const expected = [...input].sort((a, b) => a[2] - b[2]).map(([key, name, position]) => ({ key, name, position }));
    expect((await get(ws, '/v1/stages')).body.stages).toEqual(expected);
  });

  it('a second PUT updates the stage in place', async () => {
    const ws = await newWorkspace();
    await put(ws, '/v1/stages/a', { name: 'First', position: 1 });
    await put(ws, '/v1/stages/b', { name: 'Second', position: 2 });
    const r = await put(ws, '/v1/stages/a', { name: 'Renamed', position: 3 });
    expect(r.body).toEqual({ key: 'a', name: 'Renamed', position: 3 });
    const { stages } = (await get(ws, '/v1/stages')).body;
    expect(stages.map((s: any) => s.key)).toEqual(['b', 'a']);
    expect(stages[1].name).toBe('Renamed');
  });

  it('DELETE removes an unused stage; a missing one is 404', async () => {
    const ws = await newWorkspace();
    await put(ws, '/v1/stages/gone', { name: 'Gone', position: 1 });
    expect((await del(ws, '/v1/stages/gone')).status).toBe(204);
    expect((await get(ws, '/v1/stages')).body.stages).toEqual([]);
    await expectProblem(await del(ws, '/v1/stages/gone'), 404);
    await expectProblem(await del(ws, '/v1/stages/never-was'), 404);
  });

  it('deleting a stage that a touchpoint uses is 409 and keeps it', async () => {
    const ws = await newWorkspace();
    await put(ws, '/v1/stages/purchase', { name: 'Purchase', position: 1 });
    expect((await put(ws, '/v1/touchpoints/checkout', tp('purchase'))).status).toBe(200);
    const p = await expectProblem(await del(ws, '/v1/stages/purchase'), 409);
    expect(p.detail).toContain('checkout');
    expect((await get(ws, '/v1/stages')).body.stages.map((s: any) => s.key)).toEqual(['purchase']);
    expect((await del(ws, '/v1/touchpoints/checkout')).status).toBe(204);
    expect((await del(ws, '/v1/stages/purchase')).status).toBe(204);
  });

  it('rejects bad input with a 400 that points at the field', async () => {
    const ws = await newWorkspace();
    for (const bad of ['-starts-with-dash', 'has%20space', 'x'.repeat(101), 'sl%2Fash']) {
      expect(errorPaths(await expectProblem(await api(`/v1/stages/${bad}`, { method: 'PUT', key: ws.keys.admin, body: { name: 'N', position: 1 } }), 400))).toEqual(['param.key']);
      await expectProblem(await del(ws, `/v1/stages/${bad}`), 400);
    }
    const cases: [unknown, string][] = [
      [{ name: '', position: 1 }, 'name'],
      [{ name: 'N', position: 1.5 }, 'position'],
      [{ name: 'N', position: -1 }, 'position'],
      [{ name: 'N' }, 'position'],
      [{ name: 'x'.repeat(101), position: 1 }, 'name'],
    ];
    for (const [body, path] of cases) {
      expect(errorPaths(await expectProblem(await api('/v1/stages/ok', { method: 'PUT', key: ws.keys.admin, body }), 400))).toContain(path);
    }
    expect((await get(ws, '/v1/stages')).body.stages).toEqual([]);
  });
});

describe('touchpoints', () => {
  it('PUT creates and updates; GET lists by key with every field', async () => {
    const ws = await newWorkspace();
    await put(ws, '/v1/stages/purchase', { name: 'Purchase', position: 1 });
    await put(ws, '/v1/stages/after-sales', { name: 'After-sales', position: 2 });
    const till = tp('purchase', { name: 'Store till', channel: 'store', owner: 'retail-ops', critical: true });
    const r = await put(ws, '/v1/touchpoints/till', till);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ key: 'till', ...till });
    await put(ws, '/v1/touchpoints/ads', tp('purchase', { intentional: false }));
    const moved = { ...till, stage: 'after-sales', channel: 'phone', critical: false };
    expect((await put(ws, '/v1/touchpoints/till', moved)).body).toEqual({ key: 'till', ...moved });
    const { touchpoints } = (await get(ws, '/v1/touchpoints')).body;
    expect(touchpoints).toEqual([{ key: 'ads', ...tp('purchase', { intentional: false }) }, { key: 'till', ...moved }]);
  });

  it('an unknown stage is 400 at path `stage` and nothing is stored', async () => {
    const ws = await newWorkspace();
    const p = await expectProblem(await api('/v1/touchpoints/x', { method: 'PUT', key: ws.keys.admin, body: tp('nowhere') }), 400);
    expect(errorPaths(p)).toEqual(['stage']);
    expect((await get(ws, '/v1/touchpoints')).body.touchpoints).toEqual([]);
  });

  it('an invalid channel (or other field) is 400 at that path', async () => {
    const ws = await newWorkspace();
    await put(ws, '/v1/stages/s', { name: 'S', position: 1 });
    const bad: [Record<string, unknown>, string][] = [
      [{ channel: 'telepathy' }, 'channel'],
      [{ channel: 'WEB' }, 'channel'],
      [{ intentional: 'yes' }, 'intentional'],
      [{ owner: '' }, 'owner'],
      [{ critical: null }, 'critical'],
      [{ name: 'x'.repeat(201) }, 'name'],
    ];
    for (const [o, path] of bad) {
      const p = await expectProblem(await api('/v1/touchpoints/x', { method: 'PUT', key: ws.keys.admin, body: tp('s', o) }), 400);
      expect(errorPaths(p)).toEqual([path]);
    }
    expect(errorPaths(await expectProblem(await api('/v1/touchpoints/.dot', { method: 'PUT', key: ws.keys.admin, body: tp('s') }), 400))).toEqual(['param.key']);
    expect((await get(ws, '/v1/touchpoints')).body.touchpoints).toEqual([]);
  });

  it('DELETE removes it; a missing one is 404', async () => {
    const ws = await newWorkspace();
    await put(ws, '/v1/stages/s', { name: 'S', position: 1 });
    await put(ws, '/v1/touchpoints/web-chat', tp('s', { channel: 'chat' }));
    expect((await del(ws, '/v1/touchpoints/web-chat')).status).toBe(204);
    expect((await get(ws, '/v1/touchpoints')).body.touchpoints).toEqual([]);
    await expectProblem(await del(ws, '/v1/touchpoints/web-chat'), 404);
  });
});

describe('stage and touchpoint races', () => {
  it('a stage delete racing a touchpoint PUT never leaves a touchpoint in a missing stage', async () => {
    const ws = await newWorkspace();
    const n = 40;
    for (let i = 0; i < n; i++) await put(ws, `/v1/stages/s${i}`, { name: 'S', position: i });
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        Promise.all([del(ws, `/v1/stages/s${i}`), api(`/v1/touchpoints/t${i}`, { method: 'PUT', key: ws.keys.admin, body: tp(`s${i}`) })]).then(([d, p]) => `${d.status}/${p.status}`),
      ),
    );
    // Either the delete won (the PUT then finds no stage) or the PUT did (the delete is then refused).
    for (const a of answers) expect(['204/400', '409/200']).toContain(a);
    const stages = new Set((await get(ws, '/v1/stages')).body.stages.map((s: any) => s.key));
    for (const t of (await get(ws, '/v1/touchpoints')).body.touchpoints) expect(stages.has(t.stage)).toBe(true);
  });
});

describe('keys', () => {
  it('POST makes a working key of each scope, shown once', async () => {
    const ws = await newWorkspace();
    const made: Record<string, { id: string; key: string; scope: string }> = {};
    for (const scope of ['ingest', 'read', 'admin'] as const) {
      const r = await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope } });
      expect(r.status).toBe(201);
      expect(r.body.scope).toBe(scope);
      expect(r.body.key).toMatch(new RegExp(`^tr_${scope}_${r.body.id}_`));
      made[scope] = r.body;
    }
    expect((await apiJson('/v1/events', { key: made.ingest.key, body: ev.lifecycle() })).status).toBe(202);
    expect((await apiJson('/v1/cases', { key: made.read.key })).status).toBe(200);
    expect((await apiJson('/v1/stages', { key: made.admin.key })).status).toBe(200);
    expect(errorPaths(await expectProblem(await api('/v1/keys', { key: ws.keys.admin, body: { scope: 'root' } }), 400))).toEqual(['scope']);
  });

  it('GET lists ids and scopes, never a secret or its hash', async () => {
    const ws = await newWorkspace();
    const extra = (await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope: 'ingest' } })).body;
    const res = await api('/v1/keys', { key: ws.keys.admin });
    expect(res.status).toBe(200);
    const text = await res.text();
    const { keys } = JSON.parse(text);
    expect(keys).toHaveLength(4);
    expect(keys.map((k: any) => k.id)).toContain(extra.id);
    for (const k of keys) expect(Object.keys(k).sort()).toEqual(['createdAt', 'id', 'revokedAt', 'scope']);
    const { results } = await env.DB.prepare('SELECT secret_hash FROM api_keys WHERE workspace_id = ?').bind(ws.id).all<{ secret_hash: string }>();
    expect(results).toHaveLength(4);
    for (const full of [...Object.values(ws.keys), extra.key]) expect(text).not.toContain(full.split('_').slice(3).join('_'));
    for (const r of results) expect(text).not.toContain(r.secret_hash);
  });

  it('DELETE revokes at once: the key answers 401 on its next request', async () => {
    const ws = await newWorkspace();
    const made = (await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope: 'ingest' } })).body;
    expect((await send({ ...ws, keys: { ...ws.keys, ingest: made.key } }, ev.lifecycle())).status).toBe(202);
    expect((await api(`/v1/keys/${made.id}`, { method: 'DELETE', key: ws.keys.admin })).status).toBe(204);
    await expectProblem(await api('/v1/events', { key: made.key, body: ev.lifecycle() }), 401);
    const listed = (await apiJson('/v1/keys', { key: ws.keys.admin })).body.keys.find((k: any) => k.id === made.id);
    expect(Date.parse(listed.revokedAt)).not.toBeNaN();
    await expectProblem(await api(`/v1/keys/${made.id}`, { method: 'DELETE', key: ws.keys.admin }), 404);
    await expectProblem(await api('/v1/keys/0000000000000000', { method: 'DELETE', key: ws.keys.admin }), 404);
    // The workspace's original ingest key is untouched.
    expect((await send(ws, ev.lifecycle())).status).toBe(202);
  });
});

describe('workspace creation', () => {
  const create = (body: unknown, key: string | null = OPERATOR) => api('/v1/workspaces', { key, body });

  it('defaults the timezone to UTC and returns one key per scope', async () => {
    const res = await create({ name: 'Tienda' });
    expect(res.status).toBe(201);
    const body = await res.json<any>();
    expect(body).toMatchObject({ name: 'Tienda', timezone: 'UTC' });
    for (const scope of ['ingest', 'read', 'admin']) expect(body.keys[scope]).toMatch(new RegExp(`^tr_${scope}_[0-9a-f]{16}_`));
    const row = await env.DB.prepare('SELECT name, timezone FROM workspaces WHERE id = ?').bind(body.id).first();
    expect(row).toEqual({ name: 'Tienda', timezone: 'UTC' });
    const madrid = await (await create({ name: 'Madrid', timezone: 'Europe/Madrid' })).json<any>();
    expect(madrid.timezone).toBe('Europe/Madrid');
  });

  it('needs the operator token: 401 without it or with a wrong one', async () => {
    const before = await env.DB.prepare('SELECT COUNT(*) AS n FROM workspaces').first<{ n: number }>();
    for (const key of [null, 'wrong-token', `${OPERATOR}x`, OPERATOR.slice(0, -1)]) {
      const res = await create({ name: 'Nope' }, key);
      await expectProblem(res, 401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    const after = await env.DB.prepare('SELECT COUNT(*) AS n FROM workspaces').first<{ n: number }>();
    expect(after!.n).toBe(before!.n);
  });

  it('a bad timezone or name is 400 at that path', async () => {
    for (const timezone of ['Mars/Olympus', 'UTC+99', '', 'x'.repeat(65)]) {
      expect(errorPaths(await expectProblem(await create({ name: 'X', timezone }), 400))).toEqual(['timezone']);
    }
    expect(errorPaths(await expectProblem(await create({ name: '' }), 400))).toEqual(['name']);
    expect(errorPaths(await expectProblem(await create({ timezone: 'UTC' }), 400))).toEqual(['name']);
  });
});
