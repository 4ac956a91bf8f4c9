// Rolls up one workspace × local day into daily_metrics / daily_customers and the day's voice
// rows (src/insights/theme-counts.ts), atomically: one D1 batch replaces the day's rows and turns
// the day's `full` mark into a `people` mark (only if no ingest re-marked it meanwhile). Running
// it twice gives the same rows.
import { dayStart, addDays } from '../platform/time.ts';
import type { Dim } from '../metrics/definitions.ts';
import { ADDITIVE_ROWS, dayEvents, MAX_DIFF_ROWS, metricsStatements, type PeopleRow } from './day-metrics.ts';
import { aggregateLoop, aggregateTickets, casesInPeriod, ticketsInPeriod } from './tickets.ts';
import { voiceStatements } from '../insights/voice-rows.ts';
import { factsChanged } from './marks.ts';

const DIMS: Dim[] = ['all', 'touchpoint', 'channel', 'stage', 'segment'];
// One row per customer who interacted, with the sorted [touchpoint, channel, stage] places they
// interacted at, produced in the table's key order so that the inserts append. One statement per
// slice of the day's interactions (by seq, ?3 ≤ seq < ?4), so that no statement grows without
// bound with the day (D1 stops a query at 30 s). A day rolled up again (a late event) in one slice
// keeps the rows it has: only new customers and changed places or segments are written, and only
// the customers with no event left are deleted (D1 bills every row written, and deleting and
// re-inserting the whole day cost two rows per unchanged one). A day of several slices is cleared
// first and its slices merge the places of a customer who is in more than one.
// (One GROUP BY with a DISTINCT ordered aggregate, not a DISTINCT and then a GROUP BY: the
// year's drain 25.2 s instead of 27.3, `BENCH_ONLY=drain npm run bench` at c13efd8 and ec1b1ed.
// `+customer_id`: grouped by the bare column, SQLite read the day in customer order through the
// customer index `events` had until migration 0023, walking all of the workspace's events.)
const PLACE = 'json_array(k_touchpoint, k_channel, k_stage)';
const customersOf = (slice: string) => `WITH ${dayEvents("'interaction'", slice)}
INSERT INTO daily_customers (workspace_id, day, customer_id, touches, segment)
SELECT ?1, ?2, customer_id, json_group_array(DISTINCT ${PLACE} ORDER BY ${PLACE}), k_segment FROM ev WHERE true GROUP BY +customer_id`;
const INSERT_CUSTOMERS = `${customersOf('')}
ON CONFLICT (workspace_id, day, customer_id) DO UPDATE SET touches = excluded.touches, segment = excluded.segment
WHERE daily_customers.touches IS NOT excluded.touches OR daily_customers.segment IS NOT excluded.segment`;
// A slice reads only the batch rows that reach into it (batch_seq, batch_last: event_days' range).
const MERGE_CUSTOMERS = `${customersOf(' AND e.batch_seq < ?4 AND e.batch_last >= ?3 AND e.seq >= ?3 AND e.seq < ?4')}
ON CONFLICT (workspace_id, day, customer_id) DO UPDATE SET segment = excluded.segment, touches = (
  SELECT json_group_array(json(v) ORDER BY v) FROM (
    SELECT value AS v FROM json_each(daily_customers.touches) UNION SELECT value FROM json_each(excluded.touches)))`;
// A customer with no event left that day (an erasure deletes their events and their customer_days
// rows) loses their row: found by keys, without reading the day's events once more.
const DELETE_STALE_CUSTOMERS = `
DELETE FROM daily_customers WHERE workspace_id = ?1 AND day = ?2 AND NOT EXISTS (
  SELECT 1 FROM customer_days cd WHERE cd.workspace_id = ?1 AND cd.customer_id = daily_customers.customer_id AND cd.day = ?2)`;

export const ROLLUP_SQL = { ADDITIVE_ROWS, INSERT_CUSTOMERS, MERGE_CUSTOMERS, DELETE_STALE_CUSTOMERS };

const CUSTOMER_SLICE = 250_000;

/**
 * Where the day's interactions split into slices of about CUSTOMER_SLICE: [first seq, …, past the
 * last]. Counted from the day's event_days rows (how many ids each lists), not by reading every
 * event: a slice ends at a batch row's end, so it may run over by one batch (500 at most). An id a
 * row lists for a duplicate counts too, which only makes a slice smaller.
 */
async function customerSlices(d1: D1Database, ws: string, day: string, size: number): Promise<[number, number][]> {
  const { results } = await d1
    .prepare(`SELECT seq, n FROM event_days WHERE workspace_id = ?1 AND day = ?2 AND type = 'interaction' ORDER BY seq`)
    .bind(ws, day)
    .all<{ seq: number; n: number }>();
  const cuts: number[] = [];
  let filled = size;
  for (const r of results) {
    if (filled >= size) {
      cuts.push(r.seq);
      filled = 0;
    }
    filled += r.n;
  }
  return cuts.map((from, i): [number, number] => [from, cuts[i + 1] ?? Number.MAX_SAFE_INTEGER]);
}

/** The day's ticket and case figures, in every dimension. */
async function peopleRows(d1: D1Database, ws: string, start: number, end: number): Promise<PeopleRow[]> {
  const [tickets, cases] = await Promise.all([ticketsInPeriod(d1, ws, start, end), casesInPeriod(d1, ws, start, end)]);
  const rows = new Map<string, PeopleRow>();
  const row = (dim: Dim, key: string) => {
    const id = `${dim}\u0000${key}`;
    let r = rows.get(id);
    if (!r) rows.set(id, (r = { dim, key }));
    return r;
  };
  for (const dim of DIMS) {
    for (const [key, t] of aggregateTickets(tickets, dim)) {
      Object.assign(row(dim, key), {
        tr: t.received,
        tv: t.resolved,
        tm: t.medianFirstResponseMinutes,
        tp: t.p90FirstResponseMinutes,
        ta: t.awaitingFirstResponse,
      });
    }
    for (const [key, l] of aggregateLoop(cases, dim)) Object.assign(row(dim, key), {
      lc: l.cases, lk: l.closed, lm: l.medianHoursToClose, lo: l.overdue, ls: l.slaMet, ld: l.slaDecided,
    });
  }
  const all = row('all', '');
  all.tr ??= 0;
  all.tv ??= 0;
  all.ta ??= 0;
  return [...rows.values()];
}

// After its events are aggregated a day still needs the lifecycle pass: its mark becomes
// `people`, unless ingest marked it again meanwhile (the claimed version moved: it stays `full`).
// Without a version (a direct call) an existing mark is left alone and a missing one is added.
const TO_PEOPLE = `
INSERT INTO dirty_days (workspace_id, day, kind, version) VALUES (?1, ?2, 'people', 0)
ON CONFLICT (workspace_id, day) DO UPDATE SET kind = 'people' WHERE dirty_days.version = ?3`;

/**
 * Re-aggregates one local day's events (every additive count, distinct customers, tickets and
 * cases) and hands the day to the lifecycle pass (`lifecyclePass`), which fills in who was active.
 */
export async function rollupDay(
  d1: D1Database, ws: string, tz: string, day: string, version: number | null, slice = CUSTOMER_SLICE, maxDiffRows = MAX_DIFF_ROWS,
): Promise<void> {
  const start = dayStart(day, tz);
  const end = dayStart(addDays(day, 1), tz);
  // The reads go out together (each is a round trip); what customers say (themes, quotes,
  // unthemed terms) is written in the same batch as the rest.
  const [people, slices, voice] = await Promise.all([peopleRows(d1, ws, start, end), customerSlices(d1, ws, day, slice), voiceStatements(d1, ws, day)]);
  const metrics = await metricsStatements(d1, ws, day, people, maxDiffRows);
  await d1.batch([
    ...(slices.length > 1
      ? [d1.prepare('DELETE FROM daily_customers WHERE workspace_id = ?1 AND day = ?2').bind(ws, day), ...slices.map(([from, to]) => d1.prepare(MERGE_CUSTOMERS).bind(ws, day, from, to))]
      : [d1.prepare(DELETE_STALE_CUSTOMERS).bind(ws, day), d1.prepare(INSERT_CUSTOMERS).bind(ws, day)]),
    ...metrics,
    ...voice,
    d1.prepare(TO_PEOPLE).bind(ws, day, version),
    factsChanged(d1, ws),
  ]);
}
