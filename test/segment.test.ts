// The Segment Tracking API, driven by Segment's own Node client (@segment/analytics-node).
// Its HTTP client is given a fetch that hands the request it built to the Worker's fetch
// handler (same isolate, real local D1) instead of a socket: URL, headers, Basic auth, body,
// sentAt and retries are all the library's own.
import { Analytics, FetchHTTPClient } from '@segment/analytics-node';
import { env, exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, apiJson, newWorkspace, send, type TestWorkspace } from './helpers.ts';

type Seen = { url: string; status: number; auth: string | null; body: any };

/** An analytics-node client pointed at the Worker; `failFirst` answers 503 to the first request after the Worker stored it (a lost answer). */
function client(ws: TestWorkspace, { failFirst = false } = {}) {
  const seen: Seen[] = [];
  const workerFetch = async (url: string, init: RequestInit) => {
    const req = new Request(url, init);
    const res = await exports.default.fetch(req.clone());
    seen.push({ url, status: res.status, auth: req.headers.get('authorization'), body: await req.json() });
    if (failFirst && seen.length === 1) return new Response('upstream timeout', { status: 503 });
    return res;
  };
  const analytics = new Analytics({
    writeKey: ws.keys.ingest,
    host: 'https://trayecto.test',
    flushAt: 100,
    maxRetries: 3,
    httpClient: new FetchHTTPClient(workerFetch as typeof fetch),
  });
  return { analytics, seen };
}

async function events(ws: TestWorkspace) {
  const { results } = await env.DB.prepare('SELECT * FROM events WHERE workspace_id = ? ORDER BY message_id').bind(ws.id).all<any>();
  return results;
}

describe('Segment Tracking API with @segment/analytics-node', () => {
  it('identify, track and flush: events land, mapped by the conventions, with the segment from the traits', async () => {
    const ws = await newWorkspace('UTC');
    const { analytics, seen } = client(ws);
    analytics.identify({ userId: 'u-1', traits: { segment: 'gold', plan: 'pro' }, messageId: 'seg-id-1' });
    analytics.track({ userId: 'u-1', event: 'Signed Up', messageId: 'seg-su-1' });
    analytics.track({ userId: 'u-1', event: 'Survey Responded', properties: { survey: 'nps', score: 3, touchpoint: 'checkout', comment: 'Slow' }, messageId: 'seg-sr-1' });
    analytics.track({ userId: 'u-1', event: 'Ticket Opened', properties: { ticketId: 'T-9', channel: 'chat' }, messageId: 'seg-to-1' });
    analytics.track({ userId: 'u-1', event: 'Subscription Cancelled', messageId: 'seg-sc-1' });
    analytics.track({ anonymousId: 'anon-7', event: 'Banner Seen', messageId: 'seg-bs-1' });
    await analytics.closeAndFlush();
    expect(seen.map((s) => [new URL(s.url).pathname, s.status])).toEqual([['/v1/batch', 200]]);
    expect(seen[0].auth).toMatch(/^Basic /);
    expect(typeof seen[0].body.sentAt).toBe('string');
    const rows = await events(ws);
    expect(rows.map((r) => [r.message_id, r.type, r.status ?? r.survey])).toEqual([
      ['seg-id-1', 'identify', null],
      ['seg-sc-1', 'lifecycle', 'churned'],
      ['seg-sr-1', 'response', 'nps'],
      ['seg-su-1', 'lifecycle', 'started'],
      ['seg-to-1', 'ticket', 'opened'],
    ]);
    expect(rows.find((r) => r.type === 'response')).toMatchObject({ score: 3, touchpoint: 'checkout', comment: 'Slow', customer_id: 'u-1' });
    expect(rows.find((r) => r.type === 'ticket')).toMatchObject({ ticket_id: 'T-9', channel: 'chat' });
    const customer = await env.DB.prepare('SELECT segment, traits FROM customers WHERE workspace_id = ? AND customer_id = ?').bind(ws.id, 'u-1').first<any>();
    expect(customer.segment).toBe('gold');
    expect(JSON.parse(customer.traits)).toMatchObject({ plan: 'pro' });
    const unmapped = await apiJson('/v1/mappings/unmapped', { key: ws.keys.admin });
    expect(unmapped.body.unmapped).toEqual([{ name: 'Banner Seen', count: 1, lastSeenAt: expect.any(String) }]);
  });

  it('a retried batch (the first answer lost) is stored once, and messageId dedupes with /v1/events', async () => {
    const ws = await newWorkspace('UTC');
    const { analytics, seen } = client(ws, { failFirst: true });
    analytics.track({ userId: 'u-2', event: 'Subscription Started', messageId: 'retry-1' });
    analytics.track({ userId: 'u-2', event: 'Survey Responded', properties: { survey: 'csat', score: 5 } }); // the library makes the messageId
    await analytics.closeAndFlush();
    expect(seen.map((s) => s.status)).toEqual([200, 200]);
    expect(seen[1].body.batch.map((c: any) => c.messageId)).toEqual(seen[0].body.batch.map((c: any) => c.messageId));
    const rows = await events(ws);
    expect(rows.map((r) => r.type).sort()).toEqual(['lifecycle', 'response']);
    expect((await send(ws, { type: 'lifecycle', messageId: 'retry-1', customerId: 'u-2', status: 'churned' })).body).toEqual({ accepted: 0, duplicates: 1 });
    expect((await events(ws)).filter((r) => r.message_id === 'retry-1').map((r) => r.status)).toEqual(['started']);
  });

  it('sentAt corrects the client clock: timestamp = receivedAt − (sentAt − timestamp)', async () => {
    const ws = await newWorkspace('UTC');
    // The device clock runs two days ahead; the event happened five minutes before sending.
    const skew = 2 * 86_400_000;
    const deviceNow = Date.now() + skew;
    const body = { batch: [{ type: 'track', userId: 'u-3', event: 'Signed Up', messageId: 'skew-1', timestamp: new Date(deviceNow - 300_000).toISOString() }], sentAt: new Date(deviceNow).toISOString() };
    const before = Date.now();
    const r = await apiJson('/v1/batch', { key: ws.keys.ingest, body });
    expect(r.status).toBe(200);
    const [row] = await events(ws);
    expect(row.ts).toBeGreaterThanOrEqual(before - 300_000);
    expect(row.ts).toBeLessThanOrEqual(Date.now() - 300_000);
    // Without sentAt the timestamp stands as sent (here 47 h 55 min ahead: refused, nothing stored).
    const bare = await apiJson('/v1/track', { key: ws.keys.ingest, body: { ...body.batch[0], messageId: 'skew-2' } });
    expect(bare.status).toBe(400);
    expect(bare.body.errors.map((e: any) => e.path)).toEqual(['timestamp']);
  });
});

describe('Segment Tracking API: keys, single calls, answers', () => {
  const track = (o: Record<string, unknown> = {}) => ({ userId: 'u', event: 'Signed Up', ...o });

  it('takes the write key as Basic user, as writeKey in the body, or as Bearer; refuses wrong keys and scopes', async () => {
    const ws = await newWorkspace('UTC');
    const basic = (key: string) => ({ authorization: `Basic ${btoa(`${key}:`)}` });
    expect((await apiJson('/v1/track', { headers: basic(ws.keys.ingest), body: track({ messageId: 'k-1' }) })).body).toEqual({ success: true, accepted: 1, duplicates: 0, unmapped: 0 });
    expect((await apiJson('/v1/track', { body: track({ messageId: 'k-2', writeKey: ws.keys.ingest }) })).status).toBe(200);
    expect((await apiJson('/v1/identify', { key: ws.keys.ingest, body: { userId: 'u', messageId: 'k-3', traits: { segment: 'silver' } } })).status).toBe(200);
    expect((await apiJson('/v1/page', { key: ws.keys.ingest, raw: JSON.stringify({ userId: 'u', messageId: 'k-4', name: 'Home' }), headers: { 'content-type': 'text/plain' } })).status).toBe(200);
    expect((await apiJson('/v1/screen', { key: ws.keys.ingest, body: { userId: 'u', messageId: 'k-5' } })).body.unmapped).toBe(1);
    for (const [headers, status] of [[{}, 401], [basic('tr_ingest_0000000000000000_nope'), 401], [basic(ws.keys.read), 403], [{ authorization: 'Basic !!!' }, 401]] as const) {
      const r = await api('/v1/track', { headers: { ...headers }, body: track({ messageId: 'k-x' }) });
      expect(r.status, JSON.stringify(headers)).toBe(status);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect((await events(ws)).map((r) => r.message_id)).toEqual(['k-1', 'k-2', 'k-3']);
  });

  it('Segment limits: 32 KB per call, 500 KB and 1,000 calls per batch; nothing stored over them', async () => {
    const ws = await newWorkspace('UTC');
    const big = (n: number, id: string) => track({ messageId: id, properties: { pad: 'x'.repeat(n) } });
    expect((await apiJson('/v1/track', { key: ws.keys.ingest, body: big(33_000, 'l-1') })).status).toBe(413);
    const one = await apiJson('/v1/batch', { key: ws.keys.ingest, body: { batch: [track({ type: 'track', messageId: 'l-2' }), { type: 'track', ...big(33_000, 'l-3') }] } });
    expect(one.status).toBe(400);
    expect(one.body.errors.map((e: any) => e.path)).toEqual(['batch.1']);
    const many = { batch: Array.from({ length: 17 }, (_, i) => ({ type: 'track', ...big(31_000, `l-b${i}`) })) };
    expect((await apiJson('/v1/batch', { key: ws.keys.ingest, body: many })).status).toBe(413);
    const count = await apiJson('/v1/batch', { key: ws.keys.ingest, body: { batch: Array.from({ length: 1001 }, (_, i) => ({ type: 'alias', userId: `a${i}` })) } });
    expect(count.status).toBe(400);
    expect(count.body.errors.map((e: any) => e.path)).toEqual(['batch']);
    expect(await events(ws)).toEqual([]);
  });
});
