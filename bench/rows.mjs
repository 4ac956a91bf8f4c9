// The `events` row an event becomes, column by column, exactly as the Worker stores it: its own
// toRow and column list (src/ingest/store.ts, imported as TypeScript: Node 24 strips the types,
// esbuild bundles it for the baseline Worker). Shared by the baseline Worker (so that it inserts
// exactly the rows Trayecto inserts) and the bulk loaders (so that loaded rows look ingested).
import { EVENT_COLUMNS, toRow } from '../src/ingest/store.ts';

export { addDays, dayStart, localDay } from '../src/platform/time.ts';

export const COLUMNS = EVENT_COLUMNS.map(([column]) => column);

/**
 * For the bulk loaders (node:sqlite, one transaction): an INSERT into `events` that numbers each
 * row with the next seq after the `sequences` counter, and `done()` to list them in event_days and
 * customer_days and move the counter past them (as the Worker's ingest batch does, src/db/seq.ts).
 */
export function seqInserter(db) {
  const first = db.prepare(`SELECT last FROM sequences WHERE name = 'events'`).get().last;
  let seq = first;
  const insert = db.prepare(`INSERT INTO events (seq, ${COLUMNS.join(', ')}) VALUES (${['seq', ...COLUMNS].map(() => '?').join(', ')})`);
  return {
    run: (values) => insert.run(++seq, ...values),
    last: () => seq,
    done: () => {
      // What the ingest batch writes beside the rows (src/db/event-days.ts): their day rows, at
      // most 500 seqs each, and the customers' days.
      db.prepare(`INSERT INTO event_days (workspace_id, day, type, seq, last, n, ids)
        SELECT workspace_id, day, type, min(seq), max(seq), count(*), json_group_array(message_id) FROM events
        WHERE seq > ? GROUP BY workspace_id, day, type, seq / 500`).run(first);
      db.prepare(`INSERT OR IGNORE INTO customer_days (workspace_id, customer_id, day)
        SELECT DISTINCT workspace_id, customer_id, day FROM events WHERE seq > ?`).run(first);
      db.prepare(`UPDATE sequences SET last = ? WHERE name = 'events'`).run(seq);
    },
  };
}

/** Column values (in COLUMNS order) of one event stored at `ts` on local `day`. */
export function rowValues(e, ws, ts, day, receivedAt) {
  const row = { ...toRow({ ...e, timestamp: new Date(ts).toISOString() }, 'UTC', receivedAt), d: day };
  const bound = { '?1': ws, '?3': receivedAt };
  return EVENT_COLUMNS.map(([, src]) => (src in bound ? bound[src] : (row[src] ?? null)));
}
