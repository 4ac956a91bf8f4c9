// Rolls up one workspace × local day into daily_metrics / daily_customers and the day's voice
// rows (src/insights/theme-counts.ts), atomically: one D1 batch replaces the day's rows and turns
// the day's `full` mark into a `people` mark (only if no ingest re-marked it meanwhile). Running
// it twice gives the same rows.
import { dayStart, addDays } from '../platform/time.ts';
import type { Dim } from '../metrics/definitions.ts';
import { COUNTS, segmentKeys } from './counts.ts';
import { aggregateLoop, aggregateTickets, casesInPeriod, ticketsInPeriod } from './tickets.ts';
import { voiceStatements } from '../insights/theme-counts.ts';
import { factsChanged } from './marks.ts';

const DIMS: Dim[] = ['all', 'touchpoint', 'channel', 'stage', 'segment'];

// The day's events with their dimension values ('' = none): channel falls back to the
// touchpoint's, stage comes through the touchpoint, segment is the customer's rolled_segment:
// their current one once the cascade has moved them (src/rollup/segment-moves.ts).
const dayEvents = (types: string, where = '') => `
ev AS (
  SELECT e.type, e.survey, e.score, e.outcome, e.sentiment, e.emotion, e.value, e.customer_id,
    coalesce(e.touchpoint, '') AS k_touchpoint,
    coalesce(e.channel, tp.channel, '') AS k_channel,
    coalesce(tp.stage, '') AS k_stage,
    coalesce(c.rolled_segment, '') AS k_segment
  FROM events e
  LEFT JOIN touchpoints tp ON tp.workspace_id = e.workspace_id AND tp.key = e.touchpoint
  LEFT JOIN customers c ON c.workspace_id = e.workspace_id AND c.customer_id = e.customer_id
  WHERE e.workspace_id = ?1 AND e.day = ?2 AND e.type IN (${types})${where}
)`;

// Besides the report dimensions, compound keys (JSON arrays led by the segment) feed the
// journey map, so that it can be narrowed to one segment.
const DIM_KEYS: Record<string, string> = {
  all: "''",
  touchpoint: 'k_touchpoint',
  channel: 'k_channel',
  stage: 'k_stage',
  ...segmentKeys('k_segment'),
};
const DIM_NAMES = Object.keys(DIM_KEYS);


// Two levels: the day's events are counted once per finest group (touchpoint, channel, stage,
// segment, emotion: a few hundred groups), and only those groups fan out to the dimensions
// (D1 caps compound SELECTs, hence json_each). Fanning the events out first sorted 7 rows per
// event: 1.3 s of a 100k-event day. The emotion group exists for interactions only.
const INSERT_ADDITIVE = `WITH ${dayEvents("'interaction', 'response'")}, fine AS (
  SELECT k_touchpoint, k_channel, k_stage, k_segment, CASE WHEN type = 'interaction' THEN emotion END AS emotion,
    ${COUNTS.map(([col, expr]) => `${expr} AS ${col}`).join(',\n    ')}
  FROM ev GROUP BY k_touchpoint, k_channel, k_stage, k_segment, 5
), dims AS (
  SELECT d.value AS dim, CASE d.value ${DIM_NAMES.map((x) => `WHEN '${x}' THEN ${DIM_KEYS[x]}`).join(' ')} END AS k, fine.*
  FROM fine, json_each('${JSON.stringify(DIM_NAMES)}') d
  WHERE d.value <> 'seg_tp_emo' OR fine.emotion IS NOT NULL
)
INSERT INTO daily_metrics (workspace_id, day, dim, "key", ${COUNTS.map(([col]) => col).join(', ')})
SELECT ?1, ?2, dim, k, ${COUNTS.map(([col]) => `SUM(${col})`).join(', ')}
FROM dims GROUP BY dim, k`;

// One row per (touchpoint, channel, customer), produced sorted by the table's key so that the
// inserts append. One statement per slice of the day's interactions (by seq, ?3 ≤ seq < ?4),
// so that no statement grows without bound with the day (D1 stops a query at 30 s). Slices
// may name the same key; the key keeps one row. A day rolled up again (a late event) keeps the
// rows it already has: only new keys and changed stages or segments are written, and only the
// keys no interaction of the day gives any more are deleted (D1 bills every row written, and
// deleting and re-inserting the whole day cost two rows per unchanged one).
const INSERT_CUSTOMERS = `WITH ${dayEvents("'interaction'", ' AND e.seq >= ?3 AND e.seq < ?4')}
INSERT INTO daily_customers (workspace_id, day, touchpoint, channel, customer_id, stage, segment)
SELECT ?1, ?2, k_touchpoint, k_channel, customer_id, k_stage, k_segment FROM ev WHERE true
GROUP BY k_touchpoint, k_channel, customer_id
ON CONFLICT (workspace_id, day, touchpoint, channel, customer_id) DO UPDATE SET stage = excluded.stage, segment = excluded.segment
WHERE daily_customers.stage IS NOT excluded.stage OR daily_customers.segment IS NOT excluded.segment`;
const DELETE_STALE_CUSTOMERS = `WITH ${dayEvents("'interaction'")}
DELETE FROM daily_customers WHERE workspace_id = ?1 AND day = ?2
  AND (touchpoint, channel, customer_id) NOT IN (SELECT k_touchpoint, k_channel, customer_id FROM ev)`;

export const ROLLUP_SQL = { INSERT_ADDITIVE, INSERT_CUSTOMERS, DELETE_STALE_CUSTOMERS };

const CUSTOMER_SLICE = 250_000;

/** Where the day's interactions split into slices of CUSTOMER_SLICE: [first seq, …, past the last]. */
async function customerSlices(d1: D1Database, ws: string, day: string, size: number): Promise<[number, number][]> {
  const { results } = await d1
    .prepare(
      `SELECT seq FROM (SELECT seq, ROW_NUMBER() OVER (ORDER BY seq) AS rn FROM events
         WHERE workspace_id = ?1 AND day = ?2 AND type = 'interaction')
       WHERE (rn - 1) % ?3 = 0 ORDER BY seq`,
    )
    .bind(ws, day, size)
    .all<{ seq: number }>();
  const cuts = results.map((r) => r.seq);
  return cuts.map((from, i): [number, number] => [from, cuts[i + 1] ?? Number.MAX_SAFE_INTEGER]);
}

// Ticket and case figures of the day itself, merged into the day's rows (and creating rows for
// keys that had no interaction or response). Who was active (cust_*) is the lifecycle pass's.
const UPSERT_PEOPLE = `
INSERT INTO daily_metrics (workspace_id, day, dim, "key", tk_received, tk_resolved, tk_first_response_median,
  tk_first_response_p90, tk_awaiting, loop_cases, loop_closed, loop_median_hours, loop_overdue, loop_sla_met, loop_sla_decided)
SELECT ?1, ?2, j.value->>'dim', j.value->>'key', j.value->>'tr', j.value->>'tv', j.value->>'tm',
  j.value->>'tp', j.value->>'ta', j.value->>'lc', j.value->>'lk', j.value->>'lm', j.value->>'lo', j.value->>'ls', j.value->>'ld'
FROM json_each(?3) j WHERE true
ON CONFLICT (workspace_id, day, dim, "key") DO UPDATE SET
  tk_received = excluded.tk_received, tk_resolved = excluded.tk_resolved,
  tk_first_response_median = excluded.tk_first_response_median, tk_first_response_p90 = excluded.tk_first_response_p90,
  tk_awaiting = excluded.tk_awaiting, loop_cases = excluded.loop_cases,
  loop_closed = excluded.loop_closed, loop_median_hours = excluded.loop_median_hours,
  loop_overdue = excluded.loop_overdue, loop_sla_met = excluded.loop_sla_met, loop_sla_decided = excluded.loop_sla_decided`;

type PeopleRow = {
  dim: Dim;
  key: string;
  tr?: number;
  tv?: number;
  tm?: number | null;
  tp?: number | null;
  ta?: number;
  lc?: number;
  lk?: number;
  lm?: number | null;
  lo?: number;
  ls?: number;
  ld?: number;
};

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
export async function rollupDay(d1: D1Database, ws: string, tz: string, day: string, version: number | null, slice = CUSTOMER_SLICE): Promise<void> {
  const start = dayStart(day, tz);
  const end = dayStart(addDays(day, 1), tz);
  const people = JSON.stringify(await peopleRows(d1, ws, start, end));
  const slices = await customerSlices(d1, ws, day, slice);
  // What customers say (themes, quotes, unthemed terms) is replaced in the same batch.
  const voice = await voiceStatements(d1, ws, day);
  await d1.batch([
    d1.prepare('DELETE FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2').bind(ws, day),
    d1.prepare(DELETE_STALE_CUSTOMERS).bind(ws, day),
    d1.prepare(INSERT_ADDITIVE).bind(ws, day),
    ...slices.map(([from, to]) => d1.prepare(INSERT_CUSTOMERS).bind(ws, day, from, to)),
    d1.prepare(UPSERT_PEOPLE).bind(ws, day, people),
    ...voice,
    d1.prepare(TO_PEOPLE).bind(ws, day, version),
    factsChanged(d1, ws),
  ]);
}
