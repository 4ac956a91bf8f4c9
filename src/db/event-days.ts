// A day's events are found through event_days (src/db/schema.ts): every statement that stores
// events is followed, in the same D1 batch, by one that lists what it stored per day and type.
// It finds those rows by the seq the insert gave them, so a duplicate (kept out by the events
// key, with an older seq) and a repeated id within one request are listed once, or not at all.

/** Lists the events `from` reaches (as `e`) where `where` holds, which must pin e.seq to what the insert gave. */
export const noteEventDays = (from: string, where: string) => `
INSERT INTO event_days (workspace_id, day, type, seq, last, ids)
SELECT e.workspace_id, e.day, e.type, MIN(e.seq), MAX(e.seq), json_group_array(e.message_id)
FROM ${from}
WHERE ${where}
GROUP BY e.day, e.type`;

// A customer's days (customer_days) are noted by the batch that stores their events: a row for a
// new (customer, day) pair only, so about 0.2 rows per event on the demo mix. Binds ?2 the pairs
// as a JSON array of [customer, day].
export const NOTE_CUSTOMER_DAYS = `
INSERT INTO customer_days (workspace_id, customer_id, day)
SELECT ?1, j.value->>0, j.value->>1 FROM json_each(?2) j WHERE true
ON CONFLICT DO NOTHING`;

/** Notes the (customer, day) pairs of rows about to be stored (a duplicate's pair is already there). */
export function noteCustomerDays(d1: D1Database, ws: string, rows: { c?: unknown; d?: unknown }[]) {
  const pairs = new Map(rows.map((r) => [`${r.c}\u0000${r.d}`, [r.c, r.d]]));
  return d1.prepare(NOTE_CUSTOMER_DAYS).bind(ws, JSON.stringify([...pairs.values()]));
}
