// The cascade finds identify, lifecycle and ticket events it has not seen on the days ingest
// noted (people_days), instead of through an index entry per such event.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ingestStatements, storeRows, toRows } from '../src/ingest/store.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { migratedBefore, newWorkspace } from './helpers.ts';

const NOW = Date.parse('2026-03-11T12:00:00Z');
let n = 0;
const at = (day: string) => `${day}T10:00:00Z`;
const ticket = (customerId: string, day: string, status: string) =>
  ({ type: 'ticket', messageId: `pd-${++n}`, customerId, ticketId: `t-${customerId}`, status, timestamp: at(day) }) as const;
const interaction = (customerId: string, day: string) =>
  ({ type: 'interaction', messageId: `pd-${++n}`, customerId, touchpoint: 'checkout', timestamp: at(day) }) as const;
const noted = async (ws: string) =>
  (await env.DB.prepare('SELECT day FROM people_days WHERE workspace_id = ?1 ORDER BY day').bind(ws).all<{ day: string }>()).results.map((r) => r.day);

describe('people days', () => {
  it('ingest notes the days of people events once; the drain reads them and lets them go', async () => {
    const { id: ws } = await newWorkspace();
    await storeRows(env.DB, ws, toRows([ticket('a', '2026-03-01', 'opened'), interaction('b', '2026-03-05')] as never, 'UTC', NOW), NOW);
    expect(await noted(ws)).toEqual(['2026-03-01']); // not the interaction's day: nothing there for the cascade
    // The same day again writes nothing; a batch of interactions notes nothing.
    const again = ingestStatements(env.DB, ws, toRows([ticket('c', '2026-03-01', 'opened')] as never, 'UTC', NOW), NOW);
    expect((await again.NOTE_PEOPLE_DAYS!.run()).meta.rows_written).toBe(0);
    expect(ingestStatements(env.DB, ws, toRows([interaction('c', '2026-03-05')] as never, 'UTC', NOW), NOW).NOTE_PEOPLE_DAYS).toBeNull();
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    expect(await noted(ws)).toEqual([]);
    // An earlier `opened` moves the day the ticket was received: found on its own noted day,
    // and the day it left is rolled up again (the cascade marks it).
    await storeRows(env.DB, ws, toRows([ticket('a', '2026-02-25', 'opened')] as never, 'UTC', NOW), NOW);
    expect(await noted(ws)).toEqual(['2026-02-25']);
    const received = (day: string) =>
      env.DB.prepare("SELECT tk_received FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND dim = 'all'").bind(ws, day).first('tk_received');
    expect(await received('2026-03-01')).toBe(1);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    expect([await received('2026-02-25'), await received('2026-03-01')]).toEqual([1, 0]);
    expect(await noted(ws)).toEqual([]);
  });

  it('a noted day stays while one of its people events is above the cursor', async () => {
    const { id: ws } = await newWorkspace();
    await storeRows(env.DB, ws, toRows([ticket('a', '2026-03-02', 'opened')] as never, 'UTC', NOW), NOW);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    // An event stored behind the cascade's back, above its cursor, on a day no longer noted and
    // then noted again by a batch of that day: the next drain sees it.
    const seq = await env.DB.prepare("SELECT people_seq FROM rollup_state WHERE workspace_id = ?1").bind(ws).first<number>('people_seq');
    await storeRows(env.DB, ws, toRows([ticket('b', '2026-03-02', 'opened')] as never, 'UTC', NOW), NOW);
    expect(await noted(ws)).toEqual(['2026-03-02']);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    expect(await env.DB.prepare("SELECT people_seq FROM rollup_state WHERE workspace_id = ?1").bind(ws).first<number>('people_seq')).toBeGreaterThan(seq!);
    expect(await env.DB.prepare("SELECT tk_received FROM daily_metrics WHERE workspace_id = ?1 AND day = '2026-03-02' AND dim = 'all'").bind(ws).first('tk_received')).toBe(2);
    expect(await noted(ws)).toEqual([]);
  });
});

describe('migration 0022: people_days', () => {
  it('notes the days of the people events the cascade had not seen, and only those', async () => {
    const { db, apply } = await migratedBefore('0022_people_days');
    const ev = (seq: number, type: string, day: string) =>
      db.prepare(`INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at) VALUES (?1, 'w', ?2, ?3, 'c', 1, ?4, 1)`).bind(seq, `m${seq}`, type, day);
    await db.batch([
      db.prepare(`INSERT INTO workspaces (id, name, created_at) VALUES ('w', 'W', 0)`),
      db.prepare(`INSERT INTO rollup_state (workspace_id, people_seq) VALUES ('w', 2)`),
      ev(1, 'ticket', '2026-01-01'), ev(2, 'identify', '2026-01-02'), ev(3, 'lifecycle', '2026-01-03'), ev(4, 'interaction', '2026-01-04'), ev(5, 'ticket', '2026-01-03'),
    ]);
    await apply();
    expect((await db.prepare('SELECT workspace_id, day FROM people_days ORDER BY day').all()).results).toEqual([{ workspace_id: 'w', day: '2026-01-03' }]);
    expect(await db.prepare("SELECT name FROM sqlite_master WHERE name = 'events_recent_people'").first()).toBeNull();
  });
});
