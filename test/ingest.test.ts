import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { api, countRows, errorPaths, ev, expectProblem, ingestCounts, newWorkspace, send, sendRaw, type TestWorkspace } from './helpers.ts';

const HOUR = 3_600_000;
const isoIn = (ms: number) => new Date(Date.now() + ms).toISOString();
const localDate = (ts: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(ts);

async function rows(ws: TestWorkspace, where = '1 = 1', ...binds: unknown[]) {
  const sql = `SELECT * FROM events WHERE workspace_id = ? AND ${where} ORDER BY seq`;
  return (await env.DB.prepare(sql).bind(ws.id, ...binds).all<any>()).results;
}
const customer = (ws: TestWorkspace, id: string) =>
  env.DB.prepare('SELECT * FROM customers WHERE workspace_id = ? AND customer_id = ?').bind(ws.id, id).first<any>();

/** Asserts the answer is a problem with `status` and that nothing was stored for the workspace. */
async function rejected(ws: TestWorkspace, request: () => Promise<Response>, status: number) {
  const before = await ingestCounts(ws.id);
  const res = await request();
  const problem = await expectProblem(res, status);
  expect(await ingestCounts(ws.id)).toEqual(before);
  return Object.assign(problem, { headers: res.headers });
}

describe('ingest: happy paths', () => {
  it('takes one event or a batch of mixed types and stores each as a row', async () => {
    const ws = await newWorkspace();
    const single = await send(ws, ev.lifecycle());
    expect(single.status).toBe(202);
    expect(single.body).toEqual({ accepted: 1, duplicates: 0 });
    const batch = [ev.identify(), ev.interaction({ sentiment: -0.5 }), ev.response({ survey: 'ces', score: 6, comment: 'ok' }), ev.lifecycle({ status: 'churned' }), ev.ticket({ status: 'resolved' })];
    expect((await send(ws, { batch })).body).toEqual({ accepted: batch.length, duplicates: 0 });
    const stored = await rows(ws);
    expect(stored).toHaveLength(batch.length + 1);
    const byId = new Map(stored.map((r) => [r.message_id, r]));
    expect(byId.get(batch[1].messageId)).toMatchObject({ type: 'interaction', touchpoint: 'checkout', outcome: 'success', sentiment: -0.5 });
    expect(byId.get(batch[2].messageId)).toMatchObject({ type: 'response', survey: 'ces', score: 6, comment: 'ok' });
    expect(byId.get(batch[4].messageId)).toMatchObject({ type: 'ticket', ticket_id: 'T-1', status: 'resolved' });
  });

  it('normalises ts to UTC ms and sets day to the local day of the workspace', async () => {
    const utc = await newWorkspace('UTC');
    const ny = await newWorkspace('America/New_York');
    const stamps = ['2026-03-01T10:00:00+05:30', '2026-03-02T03:30:00Z', '2026-03-01T23:30:00-05:00', '2026-07-01T03:30:00.250Z', '2026-11-01T05:59:59Z'];
    for (const ws of [utc, ny]) {
      expect((await send(ws, { batch: stamps.map((timestamp) => ev.lifecycle({ timestamp })) })).status).toBe(202);
      const stored = await rows(ws);
      expect(stored.map((r) => r.ts)).toEqual(stamps.map((s) => Date.parse(s)));
      expect(stored.map((r) => r.day)).toEqual(stamps.map((s) => localDate(Date.parse(s), ws.timezone)));
    }
    expect((await rows(ny)).map((r) => r.day).slice(0, 4)).toEqual(['2026-02-28', '2026-03-01', '2026-03-01', '2026-06-30']);
    expect((await rows(utc))[0].ts).toBe(Date.UTC(2026, 2, 1, 4, 30));
  });

  it('a missing timestamp means the time received', async () => {
    const ws = await newWorkspace('Asia/Tokyo');
    const before = Date.now();
    const e = ev.response();
    expect((await send(ws, e)).status).toBe(202);
    const [row] = await rows(ws);
    expect(row.ts).toBeGreaterThanOrEqual(before - 1000);
    expect(row.ts).toBeLessThanOrEqual(Date.now() + 1000);
    expect(row.day).toBe(localDate(row.ts, 'Asia/Tokyo'));
  });

  it('a repeated messageId is a duplicate, stored once, in one batch and across requests', async () => {
    const ws = await newWorkspace();
    const a = ev.response({ score: 3 });
    const b = ev.interaction();
    expect((await send(ws, { batch: [a, b, { ...a, score: 10 }, a] })).body).toEqual({ accepted: 2, duplicates: 2 });
    expect((await send(ws, { batch: [a, b, ev.lifecycle()] })).body).toEqual({ accepted: 1, duplicates: 2 });
    expect((await send(ws, b)).body).toEqual({ accepted: 0, duplicates: 1 });
    expect(await countRows('events', ws.id)).toBe(3);
    expect((await rows(ws, 'message_id = ?', a.messageId)).map((r) => r.score)).toEqual([3]);
  });

  it('concurrent retries of the same batch store each messageId exactly once', async () => {
    const ws = await newWorkspace();
    const batch = Array.from({ length: 40 }, (_, i) => (i % 2 ? ev.interaction({ customerId: `c${i % 7}` }) : ev.response({ customerId: `c${i % 5}` })));
    batch.push({ ...batch[0] }, { ...batch[1] });
    const distinct = new Set(batch.map((e) => e.messageId)).size;
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(ws, { batch })));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(202));
    expect(answers.reduce((n, a) => n + a.body.accepted, 0)).toBe(distinct);
    expect(answers.reduce((n, a) => n + a.body.duplicates, 0)).toBe(10 * batch.length - distinct);
    expect(await countRows('events', ws.id)).toBe(distinct);
  });

  it('identify sets the segment; the latest identify by timestamp wins whatever the arrival order', async () => {
    const ws = await newWorkspace();
    const t = (h: number) => `2026-03-0${h}T12:00:00Z`;
    await send(ws, ev.identify({ customerId: 'ana', segment: 'gold', timestamp: t(5), traits: { plan: 'pro' } }));
    expect(await customer(ws, 'ana')).toMatchObject({ segment: 'gold', traits: JSON.stringify({ plan: 'pro' }), identified_at: Date.parse(t(5)) });
    await send(ws, ev.identify({ customerId: 'ana', segment: 'silver', timestamp: t(3), traits: { plan: 'free' } }));
    expect(await customer(ws, 'ana')).toMatchObject({ segment: 'gold', traits: JSON.stringify({ plan: 'pro' }), first_seen_at: Date.parse(t(3)) });
    await send(ws, { batch: [ev.identify({ customerId: 'ana', segment: 'platinum', timestamp: t(7) }), ev.identify({ customerId: 'ana', segment: 'bronze', timestamp: t(6) })] });
    expect((await customer(ws, 'ana')).segment).toBe('platinum');
    await send(ws, ev.interaction({ customerId: 'ana', timestamp: t(9) }));
    expect((await customer(ws, 'ana')).segment).toBe('platinum');
    await send(ws, ev.interaction({ customerId: 'bea' }));
    expect(await customer(ws, 'bea')).toMatchObject({ segment: null, identified_at: null });
  });

  it('a re-sent identify with the same messageId and another segment changes nothing', async () => {
    const ws = await newWorkspace();
    const timestamp = '2026-03-01T09:00:00Z';
    const first = ev.identify({ customerId: 'carla', segment: 'smb', timestamp });
    await send(ws, first);
    const again = await send(ws, { ...first, segment: 'enterprise', timestamp: '2026-03-02T09:00:00Z' });
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    expect(await customer(ws, 'carla')).toMatchObject({ segment: 'smb', identified_at: Date.parse(timestamp) });
  });

  it('marks the local days it touches as dirty', async () => {
    const ws = await newWorkspace('America/New_York');
    const stamps = ['2026-03-02T03:30:00Z', '2026-03-02T15:00:00Z', '2026-02-10T12:00:00+01:00', '2026-02-10T13:00:00+01:00'];
    await send(ws, { batch: stamps.map((timestamp, i) => (i % 2 ? ev.identify({ timestamp }) : ev.ticket({ timestamp }))) });
    const { results } = await env.DB.prepare('SELECT day FROM dirty_days WHERE workspace_id = ? ORDER BY day').bind(ws.id).all<{ day: string }>();
    expect(results.map((r) => r.day)).toEqual([...new Set(stamps.map((s) => localDate(Date.parse(s), ws.timezone)))].sort());
  });
});

describe('ingest: bad input stores nothing', () => {
  it('one bad event in 50 fails the batch, naming it; several bad ones are all listed', async () => {
    const ws = await newWorkspace();
    await send(ws, ev.lifecycle());
    const good = () => Array.from({ length: 50 }, (_, i) => [ev.identify, ev.interaction, ev.response, ev.lifecycle, ev.ticket][i % 5]());
    const one = good();
    one[3] = ev.response({ survey: 'nps', score: 11 });
    expect(errorPaths(await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: { batch: one } }), 400))).toEqual(['batch.3.score']);
    const many = good();
    const broken: [number, Record<string, unknown>, string][] = [
      [0, ev.response({ survey: 'csat', score: 0 }), 'batch.0.score'],
      [17, { ...ev.interaction(), customerId: undefined }, 'batch.17.customerId'],
      [31, ev.lifecycle({ timestamp: isoIn(48 * HOUR) }), 'batch.31.timestamp'],
      [42, ev.interaction({ sentiment: 2 }), 'batch.42.sentiment'],
      [49, { ...ev.ticket(), type: 'purchase' }, 'batch.49.type'],
    ];
    for (const [i, e] of broken) many[i] = e as any;
    const p = await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: { batch: many } }), 400);
    expect(new Set(errorPaths(p))).toEqual(new Set(broken.map((b) => b[2])));
    expect(await countRows('events', ws.id)).toBe(1);
  });

  it('each field rule answers 400 at its path', async () => {
    const ws = await newWorkspace();
    const cases: [unknown, string][] = [
      ...([['nps', -1], ['nps', 11], ['csat', 0], ['csat', 6], ['ces', 0], ['ces', 8], ['nps', 7.5], ['csat', '4'], ['ces', null]] as const).map(
        ([survey, score]) => [ev.response({ survey, score }), 'score'] as [unknown, string],
      ),
      [ev.response({ survey: 'nss' }), 'survey'],
      [{ ...ev.lifecycle(), type: 'signup' }, 'type'],
      [{ ...ev.lifecycle(), messageId: undefined }, 'messageId'],
      [{ ...ev.lifecycle(), customerId: undefined }, 'customerId'],
      [ev.lifecycle({ messageId: '' }), 'messageId'],
      [ev.lifecycle({ messageId: 'm'.repeat(101) }), 'messageId'],
      [ev.lifecycle({ customerId: 'c'.repeat(201) }), 'customerId'],
      [ev.response({ comment: 'c'.repeat(5001) }), 'comment'],
      [ev.interaction({ sentiment: 1.01 }), 'sentiment'],
      [ev.interaction({ sentiment: -1.5 }), 'sentiment'],
      [ev.lifecycle({ timestamp: '2026-03-01T10:00:00' }), 'timestamp'],
      [ev.lifecycle({ timestamp: '2026-03-01' }), 'timestamp'],
      [ev.lifecycle({ timestamp: isoIn(25 * HOUR) }), 'timestamp'],
      [ev.lifecycle({ timestamp: '0999-06-01T00:00:00Z' }), 'timestamp'],
      [ev.lifecycle({ timestamp: '1969-12-31T23:59:59Z' }), 'timestamp'],
      [ev.lifecycle({ status: 'paused' }), 'status'],
      [ev.interaction({ touchpoint: undefined }), 'touchpoint'],
      [ev.interaction({ channel: 'fax' }), 'channel'],
      [ev.identify({ traits: ['vip'] }), 'traits'],
    ];
    for (const [event, path] of cases) {
      expect(errorPaths(await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: event }), 400))).toContain(path);
      expect(errorPaths(await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: { batch: [ev.lifecycle(), event] } }), 400))).toContain(`batch.1.${path}`);
    }
  });

  it('accepts every boundary value', async () => {
    const ws = await newWorkspace();
    const batch = [
      ...([['nps', 0], ['nps', 10], ['csat', 1], ['csat', 5], ['ces', 1], ['ces', 7]] as const).map(([survey, score]) => ev.response({ survey, score })),
      ev.lifecycle({ messageId: `${ev.id()}-`.padEnd(100, 'x'), customerId: 'c'.repeat(200) }),
      ev.response({ comment: '€'.repeat(5000) }),
      ev.interaction({ sentiment: -1 }),
      ev.interaction({ sentiment: 1 }),
      ev.lifecycle({ timestamp: isoIn(23 * HOUR) }),
      ev.lifecycle({ timestamp: '1999-12-31T23:59:59-12:00' }),
      ev.lifecycle({ timestamp: '1970-01-01T00:00:00Z' }),
      ev.identify({ customerId: 'emoji-\u{1F600}', segment: 'ñandú' }),
    ];
    expect((await send(ws, { batch })).body).toEqual({ accepted: batch.length, duplicates: 0 });
  });

  it('batch size, event size, body size, media type and JSON syntax', async () => {
    const ws = await newWorkspace();
    const of = (n: number) => Array.from({ length: n }, () => ev.lifecycle());
    expect(errorPaths(await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: { batch: of(1001) } }), 400))).toEqual(['batch']);
    expect(errorPaths(await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: { batch: [] } }), 400))).toEqual(['batch']);
    const fat = ev.identify({ traits: { blob: 'x'.repeat(32 * 1024) } });
    await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: fat }), 400);
    expect(errorPaths(await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, body: { batch: [ev.lifecycle(), fat] } }), 400))).toEqual(['batch.1']);
    // Each event is under 32 KiB; together they pass 1 MiB.
    const big = JSON.stringify({ batch: Array.from({ length: 36 }, () => ev.interaction({ properties: { note: 'x'.repeat(30_000) } })) });
    expect(big.length).toBeGreaterThan(1024 * 1024);
    await rejected(ws, () => sendRaw(ws, big), 413);
    const bytes = new TextEncoder().encode(big);
    const stream = () => new ReadableStream({ pull(c) { for (let i = 0; i < bytes.length; i += 65_536) c.enqueue(bytes.slice(i, i + 65_536)); c.close(); } });
    await rejected(ws, () => sendRaw(ws, stream(), { 'content-length': '64' }), 413);
    await rejected(ws, () => sendRaw(ws, stream()), 413);
    const ok = JSON.stringify(ev.lifecycle());
    await rejected(ws, () => sendRaw(ws, ok, { 'content-type': 'text/plain' }), 415);
    await rejected(ws, () => sendRaw(ws, ok, { 'content-type': 'application/x-www-form-urlencoded' }), 415);
    await rejected(ws, () => api('/v1/events', { key: ws.keys.ingest, raw: ok }), 415);
    for (const raw of ['{"type":"lifecycle",', '', "{'a':1}", 'NaN', '\u00ff\u00fe']) await rejected(ws, () => sendRaw(ws, raw), 400);
    await rejected(ws, () => sendRaw(ws, new Uint8Array([0x7b, 0xff, 0x7d])), 400);
    // Lone surrogates are not text: they would read back from D1 as U+FFFD.
    for (const id of ['a\\ud800', 'a\\udfffb', '\\ude00\\ud83d']) await rejected(ws, () => sendRaw(ws, `{"type":"lifecycle","status":"started","customerId":"c","messageId":"${id}"}`), 400);
    await rejected(ws, () => sendRaw(ws, `{"type":"identify","customerId":"c","messageId":"x","traits":{"k\\udc00":1}}`), 400);
    // A segment or an emotion too: the rollup reads its rows back and writes them keyed in JS.
    await rejected(ws, () => sendRaw(ws, `{"batch":[{"type":"identify","customerId":"c","messageId":"s","segment":"a\\ud800b"}]}`), 400);
    await rejected(ws, () => sendRaw(ws, `{"type":"interaction","customerId":"c","messageId":"e","touchpoint":"checkout","emotion":"\\udbff"}`), 400);
    await rejected(ws, () => sendRaw(ws, '42'), 400);
    await rejected(ws, () => sendRaw(ws, '[]'), 400);
    expect((await sendRaw(ws, ok, { 'content-type': 'application/json; charset=utf-8' })).status).toBe(202);
    expect((await sendRaw(ws, `{"type":"lifecycle","status":"started","customerId":"\\ud83d\\ude00","messageId":"pair"}`)).status).toBe(202);
    expect((await env.DB.prepare('SELECT customer_id FROM events WHERE workspace_id = ? AND message_id = ?').bind(ws.id, 'pair').first('customer_id'))).toBe('\u{1F600}');
  });

  it('wrong method is 405 with Allow; unknown route is 404', async () => {
    const ws = await newWorkspace();
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const p = await rejected(ws, () => api('/v1/events', { method, key: ws.keys.ingest }), 405);
      expect(p.headers.get('allow')?.split(/,\s*/)).toContain('POST');
    }
    await rejected(ws, () => api('/v1/event', { key: ws.keys.ingest, body: ev.lifecycle() }), 404);
    await rejected(ws, () => api('/v2/events', { key: ws.keys.ingest, body: ev.lifecycle() }), 404);
  });
});
