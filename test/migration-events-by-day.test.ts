import { describe, expect, it } from 'vitest';
import { storeRows, toRows } from '../src/ingest/store.ts';
import { migratedBefore } from './helpers.ts';

// 0020 rebuilds events WITHOUT ROWID keyed by (workspace, day, type, seq): every event and value
// is kept, seq goes on after the highest AUTOINCREMENT ever gave (even one since deleted), and a
// new event costs D1 one row fewer (the table is its day index).
describe('migration 0020: events keyed by day', () => {
  it('keeps every event, never gives a seq twice, and writes one row fewer per event', async () => {
    const { db, applyAll } = await migratedBefore('0020_events_by_day');
    const insert = (msg: string, type: string, day: string, extra = '') =>
      db.prepare(`INSERT INTO events (workspace_id, message_id, type, customer_id, ts, day, received_at${extra ? ', touchpoint, score, data' : ''})
        VALUES ('w', ?1, ?2, 'c1', 1000, ?3, 2000${extra ? `, ${extra}` : ''})`).bind(msg, type, day);
    await db.batch([
      insert('m1', 'interaction', '2026-01-02', `'checkout', NULL, '{"a":1}'`),
      insert('m2', 'response', '2026-01-01', `'checkout', 9, NULL`),
      insert('m3', 'lifecycle', '2026-01-01'),
      insert('gone', 'interaction', '2026-01-03'),
    ]);
    const written = async (d: D1Database, msg: string) => (await insert(msg, 'interaction', '2026-01-04').run()).meta.rows_written;
    expect(await written(db, 'old-1')).toBe(5); // the row, events_day, events_message, events_customer, sqlite_sequence
    await db.prepare(`DELETE FROM events WHERE message_id IN ('gone', 'old-1')`).run();
    const rows = async () => (await db.prepare('SELECT * FROM events ORDER BY seq').all()).results;
    const before = await rows();
    await applyAll(); // 0020 and every one after it
    expect(await rows()).toEqual(before);
    // The highest seq given was 5 ('old-1', deleted): the next batch starts at 6.
    expect(await db.prepare(`SELECT last FROM sequences WHERE name = 'events'`).first('last')).toBe(5);
    const event = { type: 'interaction', messageId: 'new', customerId: 'c1', touchpoint: 'checkout', timestamp: '2026-01-04T10:00:00Z' };
    await storeRows(db, 'w', toRows([event] as never, 'UTC', Date.parse('2026-01-04T12:00:00Z')));
    expect(await db.prepare(`SELECT seq FROM events WHERE message_id = 'new'`).first('seq')).toBe(6);
    const ddl = await db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'events'`).first<string>('sql');
    expect(ddl).toMatch(/WITHOUT ROWID\s*$/);
    const plain = (msg: string) => db.prepare(`INSERT INTO events (seq, workspace_id, message_id, type, customer_id, ts, day, received_at) VALUES (?2, 'w', ?1, 'interaction', 'c1', 1000, '2026-01-04', 2000)`).bind(msg, 100);
    // The row alone: migration 0023 keyed events by messageId (the dedupe) and dropped the customer index.
    expect((await plain('after').run()).meta.rows_written).toBe(1);
  });
});
