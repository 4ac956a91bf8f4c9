// A customer's events for erasure, found on the days ingest noted for them (customer_days): each
// day is read through its batch rows (event_days) and filtered, a few days per statement so that
// none grows with the customer's history (D1 stops a query at 30 s). The deletes find the events
// again inside the erasure's batch, so an event stored between the first read and the batch is
// deleted too, on a day read before or on a day noted since (LATER).

const DAYS_PER_STATEMENT = 7;

const theirs = (days: string, cols: string, more = '') =>
  `SELECT ${cols} FROM json_each(${days}) d CROSS JOIN events_by_day e ON e.workspace_id = ?1 AND e.day = d.value WHERE e.customer_id = ?2${more}`;

// Binds ?1 workspace, ?2 customer, ?3 the days (a JSON array).
const TOUCHED = `${theirs('?3', "e.day, MAX(e.type = 'lifecycle') AS lifecycle, COUNT(*) AS n")} GROUP BY e.day`;
// The customer's days noted after the first read: ?3 holds the days it read.
const LATER = `(SELECT json_group_array(day) FROM customer_days WHERE workspace_id = ?1 AND customer_id = ?2 AND day NOT IN (SELECT value FROM json_each(?3)))`;
// Quotes of the customer's comments go with the events that name them (and at once: the re-rolled
// days would drop them only when the drain gets there).
const deleteQuotes = (days: string) =>
  `DELETE FROM daily_theme_quotes WHERE workspace_id = ?1 AND (day, seq) IN (${theirs(days, 'e.day, e.seq', " AND e.type = 'response'")})`;
const deleteEvents = (days: string) => `DELETE FROM events WHERE workspace_id = ?1 AND message_id IN (${theirs(days, 'e.message_id')})`;

export const ERASURE_EVENT_SQL = { TOUCHED, DELETE_QUOTES: deleteQuotes('?3'), DELETE_EVENTS: deleteEvents('?3'), DELETE_LATER: deleteEvents(LATER) };

export type Touched = { day: string; lifecycle: boolean };

const slices = (days: string[]) => Array.from({ length: Math.ceil(days.length / DAYS_PER_STATEMENT) }, (_, i) => days.slice(i * DAYS_PER_STATEMENT, (i + 1) * DAYS_PER_STATEMENT));

/** The days noted for the customer, those their events are on (with a lifecycle flag), and how many events. */
export async function readTheirDays(d1: D1Database, ws: string, customerId: string) {
  const { results } = await d1
    .prepare('SELECT day FROM customer_days WHERE workspace_id = ?1 AND customer_id = ?2 ORDER BY day')
    .bind(ws, customerId)
    .all<{ day: string }>();
  const noted = results.map((r) => r.day);
  const touched: Touched[] = [];
  let events = 0;
  for (const part of slices(noted)) {
    const { results: rows } = await d1.prepare(TOUCHED).bind(ws, customerId, JSON.stringify(part)).all<{ day: string; lifecycle: number; n: number }>();
    for (const r of rows) {
      touched.push({ day: r.day, lifecycle: !!r.lifecycle });
      events += r.n;
    }
  }
  touched.sort((a, b) => (a.day < b.day ? -1 : 1));
  return { noted, touched, events };
}

/** The statements that delete the customer's events, their quotes and their days (in the erasure's batch). */
export function eventDeletions(d1: D1Database, ws: string, customerId: string, noted: string[]): D1PreparedStatement[] {
  const all = JSON.stringify(noted);
  return [
    ...slices(noted).flatMap((part) => {
      const days = JSON.stringify(part);
      return [d1.prepare(deleteQuotes('?3')).bind(ws, customerId, days), d1.prepare(deleteEvents('?3')).bind(ws, customerId, days)];
    }),
    d1.prepare(deleteQuotes(LATER)).bind(ws, customerId, all),
    d1.prepare(deleteEvents(LATER)).bind(ws, customerId, all),
    d1.prepare('DELETE FROM customer_days WHERE workspace_id = ?1 AND customer_id = ?2').bind(ws, customerId),
  ];
}
