// A day's events are found through event_days (src/db/schema.ts): every statement that stores
// events is followed, in the same D1 batch, by one that lists them per day and type with the seq
// range the insert gave them. The view events_by_day reads an id through a row only when the
// stored event's seq is in that row's range, so a row may name a duplicate (kept out by the
// events key, its event stored earlier with an older seq): it is never read through the new row.
import { NEXT_SEQ } from './seq.ts';
import type { Row } from '../env.ts';

/** A row spans fewer seqs than this (and so lists at most this many ids): groups are cut at it. */
export const MAX_ROW_SEQS = 500;

/** Lists the events `from` reaches (as `e`) where `where` holds, which must pin e.seq to what the insert gave (a few rows: the tickets of cases). */
export const noteEventDays = (from: string, where: string) => `
INSERT INTO event_days (workspace_id, day, type, seq, last, n, ids)
SELECT e.workspace_id, e.day, e.type, MIN(e.seq), MAX(e.seq), COUNT(*), json_group_array(e.message_id)
FROM ${from}
WHERE ${where}
GROUP BY e.day, e.type, e.seq / ${MAX_ROW_SEQS}`;

// An ingest batch's rows, built from the request alone (reading 500 events back cost CPU on
// every batch): one per (day, type) of its rows, cut every MAX_ROW_SEQS indexes (a queue batch
// merges many requests), with their indexes' range, which the insert turned into seqs
// (NEXT_SEQ + index, before the bump). A group whose every id was a duplicate stores
// nothing: the EXISTS (one seek for a group with a new event in it) keeps it from being written.
// Binds ?1 workspace, ?2 the groups as [day, type, first index, last index, ids].
export const NOTE_EVENT_DAYS = `
INSERT INTO event_days (workspace_id, day, type, seq, last, n, ids)
SELECT ?1, j.value->>0, j.value->>1, ${NEXT_SEQ} + (j.value->>2), ${NEXT_SEQ} + (j.value->>3), json_array_length(j.value->4), j.value->4
FROM json_each(?2) j
WHERE EXISTS (
  SELECT 1 FROM json_each(j.value->4) i CROSS JOIN events e ON e.workspace_id = ?1 AND e.message_id = i.value
  WHERE e.seq BETWEEN ${NEXT_SEQ} + (j.value->>2) AND ${NEXT_SEQ} + (j.value->>3))`;

/** The request's rows per (day, type), as NOTE_EVENT_DAYS binds them; `rows` must hold no messageId twice. */
export function eventDayGroups(rows: Row[]): string {
  type Group = [day: string, type: string, first: number, last: number, ids: string[]];
  const open = new Map<string, Group>();
  const cut: Group[] = [];
  rows.forEach((r, i) => {
    const key = `${r.d}\u0000${r.t}`;
    let g = open.get(key);
    if (g && i - g[2] >= MAX_ROW_SEQS) {
      cut.push(g);
      g = undefined;
    }
    if (!g) open.set(key, (g = [String(r.d), String(r.t), i, i, []]));
    g[3] = i;
    g[4].push(String(r.m));
  });
  return JSON.stringify([...cut, ...open.values()]);
}

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
