// Loads one local day of N events straight into the Worker's D1 SQLite file (Miniflare
// stopped), as if they had been ingested: the same `events` rows (bench/rows.mjs uses the Worker's
// toRow), the `customers` rows UPSERT_CUSTOMERS would have made, the day marked dirty.
//
// The events are the demo pool's 30 days squeezed into the one day, order kept, repeated
// with fresh customer and ticket ids per repetition, so customers and tickets grow with N
// like the events do. Members imported before the window get their history as it would
// be: an identify and a `started` lifecycle event 30 days earlier, already processed by
// earlier cron runs (rollup_state.people_seq points past them), so the day's rollup does
// what a real one does: its lifecycle queries read that history, and nothing else is dirty.
import { DatabaseSync } from 'node:sqlite';
import { addDays, dayStart, rowValues, seqInserter } from './rows.mjs';

// rolled_segment = segment: as if the cascade had seen every identify (nothing to move).
const UPSERT_CUSTOMER = `INSERT INTO customers (workspace_id, customer_id, segment, traits, identified_at, first_seen_at, rolled_segment)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3) ON CONFLICT DO NOTHING`;

export function bulkLoad(file, { ws, tz, day, n, pool }) {
  const { activity, profiles } = pool;
  const stamps = activity.map((e) => Date.parse(e.timestamp));
  const winStart = stamps[0];
  const winLen = stamps[stamps.length - 1] - winStart + 1;
  const start = dayStart(day, tz);
  const dayLen = dayStart(addDays(day, 1), tz) - start;
  const squeeze = (t) => start + Math.floor(((t - winStart) / winLen) * dayLen);
  // Members with history: known from the import, not identified again inside the window.
  const identifiedInWindow = new Set(activity.filter((e) => e.type === 'identify').map((e) => e.customerId));
  const members = [...new Set(activity.map((e) => e.customerId))].filter((c) => profiles.has(c) && !identifiedInWindow.has(c));
  const histDay = addDays(day, -30);
  const histTs = dayStart(histDay, tz) + 9 * 3_600_000;
  const reps = Math.ceil(n / activity.length);

  const db = new DatabaseSync(file);
  const insert = seqInserter(db);
  const customers = new Map(); // id → [segment, traits, identified_at, first_seen_at]
  const seen = (id, ts, identify) => {
    let c = customers.get(id);
    if (!c) customers.set(id, (c = [null, null, null, ts]));
    c[3] = Math.min(c[3], ts);
    if (identify && (c[2] === null || ts >= c[2])) {
      c[0] = identify.segment ?? c[0];
      c[1] = identify.traits ? JSON.stringify(identify.traits) : c[1];
      c[2] = ts;
    }
  };
  const t0 = performance.now();
  db.exec('BEGIN');
  try {
    for (let r = 0; r < reps; r++) {
      for (const m of members) {
        const id = `${m}.${r}`;
        const identify = { ...profiles.get(m), messageId: `hist-${n}-${r}-${m}-i`, customerId: id };
        insert.run(rowValues(identify, ws, histTs, histDay, histTs));
        insert.run(rowValues({ type: 'lifecycle', status: 'started', messageId: `hist-${n}-${r}-${m}-l`, customerId: id }, ws, histTs + 1000, histDay, histTs));
        seen(id, histTs, identify);
      }
    }
    const peopleSeq = insert.last();
    for (let i = 0; i < n; i++) {
      const r = Math.floor(i / activity.length);
      const src = activity[i % activity.length];
      const ts = squeeze(stamps[i % activity.length]);
      const e = { ...src, messageId: `bulk-${n}-${i}`, customerId: `${src.customerId}.${r}` };
      if (e.ticketId) e.ticketId = `${src.ticketId}.${r}`;
      insert.run(rowValues(e, ws, ts, day, ts + 2000));
      seen(e.customerId, ts, e.type === 'identify' ? e : null);
    }
    const upsert = db.prepare(UPSERT_CUSTOMER);
    for (const [id, c] of customers) upsert.run(ws, id, ...c);
    db.prepare('INSERT INTO dirty_days (workspace_id, day) VALUES (?, ?) ON CONFLICT DO UPDATE SET version = version + 1').run(ws, day);
    db.prepare('INSERT INTO people_days (workspace_id, day) VALUES (?, ?) ON CONFLICT DO NOTHING').run(ws, day);
    db.prepare('INSERT INTO rollup_state (workspace_id, people_seq, rolled_through) VALUES (?, ?, ?)').run(ws, peopleSeq, day);
    insert.done();
    db.exec('COMMIT');
    const loadMs = performance.now() - t0;
    return { events: n, historyEvents: reps * members.length * 2, customers: customers.size, peopleSeq, loadMs: Math.round(loadMs) };
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  } finally {
    db.close();
  }
}

