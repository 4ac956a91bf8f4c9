import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiJson, countRows, expectProblem, newWorkspace } from './helpers.ts';

// As vitest.config.ts configures the ingest limiter for tests (production: 1,000 per 10 s).
const INGEST_LIMIT = Number(env.TEST_INGEST_LIMIT);

/** Sends `request` in parallel bursts until one answers 429 (or `max` were sent). */
async function until429(request: () => Promise<Response>, max: number): Promise<{ limited: Response | null; sent: number }> {
  let sent = 0;
  while (sent < max) {
    const burst = await Promise.all(Array.from({ length: 25 }, request));
    sent += burst.length;
    const limited = burst.find((r) => r.status === 429) ?? null;
    for (const r of burst) if (r !== limited) await r.body?.cancel();
    if (limited) return { limited, sent };
  }
  return { limited: null, sent };
}

describe('per-key rate limits', () => {
  it('an ingest key past its window gets 429 with Retry-After; another key of the workspace does not', async () => {
    const ws = await newWorkspace();
    const other = await apiJson('/v1/keys', { key: ws.keys.admin, body: { scope: 'ingest' } });
    // Empty objects fail validation after the limiter has counted them: cheap, and nothing stored.
    const { limited, sent } = await until429(() => api('/v1/events', { key: ws.keys.ingest, body: {} }), 2 * INGEST_LIMIT + 100);
    expect(limited, `no 429 after ${sent} requests`).not.toBeNull();
    expect(sent).toBeGreaterThan(INGEST_LIMIT - 25);
    const problem = await expectProblem(limited!, 429);
    expect(problem.type).toMatch(/rate-limited$/);
    expect(limited!.headers.get('retry-after')).toBe('10');
    expect((await api('/v1/events', { key: other.body.key, body: {} })).status).toBe(400);
    expect(await countRows('events', ws.id)).toBe(0);
  });

  it('read and admin keys share the API limit per key, with a one-minute window', async () => {
    const ws = await newWorkspace();
    const { limited } = await until429(() => api('/v1/reports/summary?period=1y', { key: ws.keys.read }), 700);
    expect(limited).not.toBeNull();
    expect(limited!.headers.get('retry-after')).toBe('60');
    expect((await api('/v1/reports/summary?period=1y', { key: ws.keys.admin })).status).toBe(400);
  });

  it('forged secrets under a real key id fill a window of their own, never the real key’s', async () => {
    const ws = await newWorkspace();
    // The id of an ingest key is public (the key ships inside apps); only its secret is not.
    const forged = (i: number) => ws.keys.ingest.slice(0, -6) + i.toString(36).padStart(6, 'A');
    for (let sent = 0; sent < INGEST_LIMIT + 50; sent += 25) {
      const burst = await Promise.all(Array.from({ length: 25 }, (_, i) => api('/v1/events', { key: forged(i % 2), body: {} })));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 401));
    }
    // More forged requests than the key's whole window, and the real key has all of it left.
    expect((await api('/v1/events', { key: ws.keys.ingest, body: {} })).status).toBe(400);
  });

  it('GET /v1/whoami names the key’s workspace and scope, for any scope, and is limited like every keyed route', async () => {
    const ws = await newWorkspace('Europe/Madrid');
    for (const scope of ['ingest', 'read', 'admin'] as const) {
      const r = await apiJson('/v1/whoami', { key: ws.keys[scope] });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ workspaceId: ws.id, keyId: ws.keys[scope].split('_')[2], scope, timezone: 'Europe/Madrid' });
    }
    expect((await api('/v1/whoami')).status).toBe(401);
    const { limited } = await until429(() => api('/v1/whoami', { key: ws.keys.read }), 700);
    expect(limited!.headers.get('retry-after')).toBe('60');
  });

  it('the OpenAPI document lists 429 for keyed routes', async () => {
    const doc = (await apiJson('/openapi.json')).body;
    expect(doc.paths['/v1/events'].post.responses['429']).toBeDefined();
    expect(doc.paths['/v1/reports/summary'].get.responses['429']).toBeDefined();
    expect(doc.paths['/v1/whoami'].get.responses['429']).toBeDefined();
    expect(doc.paths['/v1/whoami'].get.responses['200'].content['application/json'].schema).toBeDefined();
  });
});
