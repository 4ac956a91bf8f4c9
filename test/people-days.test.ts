// The cascade finds identify, lifecycle and ticket events it has not seen on the days ingest
// noted (people_days), instead of through an index entry per such event.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { ingestStatements, storeRows, toRows } from '../src/ingest/store.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { migratedBefore, newWorkspace } from './helpers.ts';
import { peopleFresh } from '../src/rollup/dirty-days.ts';

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

describe("the cascade's chunks", () => {
  // A chunk expands only the first batch rows above the cursor; over many rows of interleaved
  // days and types, and ids erased since, the chunks must still walk every people event once, in
  // seq order, at most PEOPLE_CHUNK (2,000) at a time.
  it('walk every people event above the cursor once, in order, whatever the rows and gaps', async () => {
    const { id: ws } = await newWorkspace();
    const days = ['2026-03-01', '2026-03-02', '2026-03-03'];
    for (let b = 0; b < 6; b++) {
      const events = Array.from({ length: 500 }, (_, i) => {
        const day = days[(i + b) % 3];
        return i % 5 === 0 ? interaction(`c${i}`, day) : i % 2 ? ticket(`c${i}`, day, 'opened') : { ...ticket(`c${i}`, day, 'opened'), type: 'identify', segment: 'vip' };
      });
      await storeRows(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);
    }
    // Ids erased since: a gap the chunks must cross.
    await env.DB.prepare("DELETE FROM events WHERE workspace_id = ?1 AND customer_id IN ('c1', 'c3', 'c7') AND type <> 'interaction'").bind(ws).run();
    const people = (await env.DB.prepare("SELECT seq FROM events WHERE workspace_id = ?1 AND type IN ('identify', 'lifecycle', 'ticket') ORDER BY seq").bind(ws).all<{ seq: number }>()).results.map((r) => r.seq);
    expect(people.length).toBeGreaterThan(2000);
    // The default window, and one narrower than a batch (the chunks then jump over gaps).
    for (const window of [undefined, 300]) {
      const fresh = peopleFresh(window);
      const walked: number[] = [];
      let cursor = 0;
      for (let chunk = 0; chunk < 200; chunk++) {
        const seqs = (await env.DB.prepare(`WITH ${fresh} SELECT seq FROM fresh ORDER BY seq`).bind(ws, cursor).all<{ seq: number }>()).results.map((r) => r.seq);
        const bound = await env.DB.prepare(`WITH ${fresh} SELECT s FROM bound`).bind(ws, cursor).first<number>('s');
        expect(seqs.length).toBeLessThanOrEqual(2000);
        walked.push(...seqs);
        const next = seqs.length ? seqs.at(-1)! : bound === null ? null : bound - 1;
        if (next === null) break;
        expect(next).toBeGreaterThan(cursor);
        cursor = next;
      }
      expect(walked).toEqual(people);
    }
  });
});
