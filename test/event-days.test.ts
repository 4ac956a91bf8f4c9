// `events` is keyed by (workspace, messageId): a day's events are found only through the rows
// of event_days that the storing batch writes (view events_by_day), and a customer's through
// customer_days. Whatever stores events must list each one exactly once, or a rollup would miss
// it or count it twice.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { eraseCustomer } from '../src/ingest/erasure.ts';
import { ERASURE_EVENT_SQL, eventDeletions } from '../src/ingest/erasure-events.ts';
import { storeRows, toRows } from '../src/ingest/store.ts';
import { apiJson, ev, iso, migratedBefore, newWorkspace, send } from './helpers.ts';

const NOW = Date.parse('2026-03-11T12:00:00Z');
const store = (ws: string, events: unknown[]) => storeRows(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);

/** Each stored event of the workspace with how many times events_by_day lists it. */
async function listings(ws: string) {
  const { results } = await env.DB.prepare(
    `SELECT e.message_id, e.day, e.type, (SELECT COUNT(*) FROM events_by_day v WHERE v.workspace_id = ?1 AND v.day = e.day AND v.type = e.type AND v.message_id = e.message_id) AS n
     FROM events e WHERE e.workspace_id = ?1 ORDER BY e.message_id`,
  ).bind(ws).all<{ message_id: string; day: string; type: string; n: number }>();
  return results;
}
const listedAll = async (ws: string) => {
  const { results } = await env.DB.prepare('SELECT COUNT(*) AS n FROM events_by_day WHERE workspace_id = ?1').bind(ws).all<{ n: number }>();
  return results[0].n;
};

describe('event_days', () => {
  it('lists every stored event once: repeats in a request and duplicates of stored events are not listed again', async () => {
    const { id: ws } = await newWorkspace();
    const a = ev.interaction({ customerId: 'c1', timestamp: '2026-03-10T09:00:00Z' });
    const b = ev.response({ customerId: 'c2', timestamp: '2026-03-09T09:00:00Z' });
    expect((await store(ws, [a, b, a, ev.lifecycle({ customerId: 'c1', timestamp: '2026-03-09T10:00:00Z' })])).accepted).toBe(3);
    expect((await store(ws, [b, { ...a }, ev.interaction({ customerId: 'c1', timestamp: '2026-03-10T10:00:00Z' })])).accepted).toBe(1);
    const rows = await listings(ws);
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.n === 1), JSON.stringify(rows)).toBe(true);
    expect(await listedAll(ws)).toBe(4);
    // One row per batch, day and type: the first batch wrote three; the second one, naming the
    // duplicate beside the new event (never read through it: its seq is older than the row's
    // range), and none for its group of duplicates alone.
    const { results } = await env.DB.prepare('SELECT day, type, ids FROM event_days WHERE workspace_id = ?1 ORDER BY seq').bind(ws).all();
    expect(results.map((r) => [r.day, r.type, JSON.parse(r.ids as string).length])).toEqual([
      ['2026-03-10', 'interaction', 1],
      ['2026-03-09', 'response', 1],
      ['2026-03-09', 'lifecycle', 1],
      ['2026-03-10', 'interaction', 2],
    ]);
    expect(JSON.parse(results[3].ids as string)[0]).toBe(a.messageId);
    const days = await env.DB.prepare('SELECT customer_id, day FROM customer_days WHERE workspace_id = ?1 ORDER BY customer_id, day').bind(ws).all();
    expect(days.results).toEqual([
      { customer_id: 'c1', day: '2026-03-09' },
      { customer_id: 'c1', day: '2026-03-10' },
      { customer_id: 'c2', day: '2026-03-09' },
    ]);
  });

  it('cuts a batch row every 500 seqs, so none lists more than 500 ids (a queue batch merges requests)', async () => {
    const { id: ws } = await newWorkspace();
    const events = Array.from({ length: 1000 }, (_, i) => ev.interaction({ customerId: `c${i % 40}`, timestamp: '2026-03-10T09:00:00Z' }));
    expect((await store(ws, events)).accepted).toBe(1000);
    const { results } = await env.DB.prepare('SELECT seq, last, n, json_array_length(ids) AS listed FROM event_days WHERE workspace_id = ?1 ORDER BY seq').bind(ws).all<{ seq: number; last: number; n: number; listed: number }>();
    expect(results.map((r) => r.n)).toEqual([500, 500]);
    expect(results.every((r) => r.listed === r.n && r.last - r.seq < 500)).toBe(true);
    expect(await listedAll(ws)).toBe(1000);
  });

  it("lists the tickets a case opens and closes on their days", async () => {
    const ws = await newWorkspace();
    expect((await apiJson('/v1/alert-rules/detractors', { method: 'PUT', key: ws.keys.admin, body: { survey: 'nps', maxScore: 6 } })).status).toBe(200);
    expect((await send(ws, ev.response({ customerId: 'd1', score: 2, timestamp: iso('2026-03-10') }))).status).toBe(202);
    const { body } = await apiJson('/v1/cases', { key: ws.keys.read });
    const id = body.cases[0].id as string;
    expect((await apiJson(`/v1/cases/${id}`, { method: 'PATCH', key: ws.keys.admin, body: { status: 'resolved' } })).status).toBe(200);
    const tickets = await env.DB.prepare(`SELECT message_id, day FROM events_by_day WHERE workspace_id = ?1 AND day >= '2026-03-10' AND type = 'ticket' ORDER BY seq`).bind(ws.id).all();
    expect(tickets.results.map((r) => r.message_id)).toEqual([`case-${id}:opened`, `case-${id}:resolved`]);
    expect((await listings(ws.id)).every((r) => r.n === 1)).toBe(true);
  });

  it('an id erased and sent again is listed once, through its new row only', async () => {
    const { id: ws } = await newWorkspace();
    const e = ev.interaction({ customerId: 'gone', timestamp: '2026-03-10T09:00:00Z' });
    await store(ws, [e, ev.response({ customerId: 'gone', comment: 'slow', timestamp: '2026-03-08T09:00:00Z' }), ev.interaction({ customerId: 'stays', timestamp: '2026-03-10T09:30:00Z' })]);
    expect(await eraseCustomer(env.DB, ws, 'UTC', 'gone', NOW)).toMatchObject({ events: 2 });
    expect((await listings(ws)).map((r) => r.message_id)).toHaveLength(1);
    expect(await listedAll(ws)).toBe(1);
    expect((await env.DB.prepare("SELECT COUNT(*) AS n FROM customer_days WHERE workspace_id = ?1 AND customer_id = 'gone'").bind(ws).first('n'))).toBe(0);
    // The same messageId again, same day and type: the old batch row still names it, but not its new seq.
    expect((await store(ws, [e])).accepted).toBe(1);
    expect(await listedAll(ws)).toBe(2);
    expect((await listings(ws)).every((r) => r.n === 1)).toBe(true);
  });
});

describe('erasure finds the events again in its batch', () => {
  // Its batch deletes what it finds then, not a list read before: an event stored after the first
  // read, on a day read then or on a day noted since, goes too, and no customer_days row is
  // dropped while an event of theirs is left on its day (nothing could find it again).
  it('deletes an event stored after the days were read, on a known and on a new day', async () => {
    const { id: ws } = await newWorkspace();
    await store(ws, [ev.interaction({ customerId: 'x', timestamp: '2026-03-08T09:00:00Z' }), ev.interaction({ customerId: 'other', timestamp: '2026-03-08T09:00:00Z' })]);
    const read = ['2026-03-08'];
    await store(ws, [
      ev.response({ customerId: 'x', comment: 'late', timestamp: '2026-03-08T10:00:00Z' }),
      ev.interaction({ customerId: 'x', timestamp: '2026-03-09T10:00:00Z' }),
    ]);
    await env.DB.batch(eventDeletions(env.DB, ws, 'x', read));
    const left = await env.DB.prepare('SELECT customer_id FROM events WHERE workspace_id = ?1').bind(ws).all<{ customer_id: string }>();
    expect(left.results.map((r) => r.customer_id)).toEqual(['other']);
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM customer_days WHERE workspace_id = ?1 AND customer_id = 'x'").bind(ws).first('n')).toBe(0);
  });

  it('reads the customer\'s days by key and each day through its batch rows', async () => {
    for (const sql of Object.values(ERASURE_EVENT_SQL)) {
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind('w', 'c', '[]').all<{ detail: string }>();
      const steps = results.map((r) => r.detail);
      expect(steps.some((d) => /^SEARCH m USING PRIMARY KEY \(workspace_id=\? AND day=\?/.test(d)), steps.join('\n')).toBe(true);
      expect(steps.filter((d) => /^SCAN (e|m|events|event_days|customer_days)\b/.test(d)), steps.join('\n')).toEqual([]);
    }
  });
});

describe('migration 0023: events keyed by messageId', () => {
  it('keeps every event, lists each once by day and type, notes every customer day, and writes one row per event', async () => {
    const { db, applyAll } = await migratedBefore('0023_events_by_message');
    const insert = (seq: number, msg: string, type: string, customer: string, day: string) =>
      db.prepare(`INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at, touchpoint) VALUES (?1, 'w', ?2, ?3, ?4, 1000, ?5, 2000, 'checkout')`).bind(seq, msg, type, customer, day);
    const many = Array.from({ length: 1200 }, (_, i) => insert(10 + i, `bulk-${i}`, 'interaction', `c${i % 7}`, '2026-01-05'));
    await db.batch([
      insert(1, 'm1', 'interaction', 'c1', '2026-01-02'),
      insert(2, 'm2', 'response', 'c1', '2026-01-02'),
      insert(3, 'm3', 'lifecycle', 'c2', '2026-01-01'),
      ...many,
      db.prepare(`INSERT INTO sequences (name, last) VALUES ('events', 1209) ON CONFLICT (name) DO UPDATE SET last = 1209`),
    ]);
    const before = (await db.prepare('SELECT * FROM events ORDER BY seq').all()).results;
    await applyAll();
    expect((await db.prepare('SELECT * FROM events ORDER BY seq').all()).results).toEqual(before);
    const listed = await db.prepare('SELECT message_id, seq FROM events_by_day ORDER BY seq').all();
    expect(listed.results).toEqual(before.map((r) => ({ message_id: r.message_id, seq: r.seq })));
    // No batch row holds more than 500 events (seq runs of 500), so none outgrows D1's 2 MB.
    const widest = await db.prepare('SELECT MAX(json_array_length(ids)) AS n, COUNT(*) AS rows FROM event_days').first<{ n: number; rows: number }>();
    expect(widest!.n).toBeLessThanOrEqual(500);
    expect((await db.prepare('SELECT COUNT(*) AS n FROM customer_days').first('n'))).toBe(2 + 7 - 1 + 1); // c1: 01-02, 01-05; c2: 01-01, 01-05; c0, c3..c6: 01-05
    const plain = db.prepare(`INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at) VALUES (5000, 'w', 'after', 'interaction', 'c1', 1000, '2026-01-04', 2000)`);
    expect((await plain.run()).meta.rows_written).toBe(1);
    await expect(db.prepare(`INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at) VALUES (5001, 'w', 'after', 'interaction', 'c1', 1000, '2026-01-04', 2000)`).run()).rejects.toThrow(/UNIQUE|PRIMARY/);
  });
});
