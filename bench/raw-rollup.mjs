// The rollup's baseline: the same outputs src/rollup/day.ts computes for one day, as
// plain SQLite would compute them with nothing in the way (no D1, no 100-parameter or
// compound-SELECT limits): node:sqlite on the very same D1 file, Miniflare stopped. A day's events
// are read the only way the tables allow, through their batch rows (the view events_by_day).
// Outputs are materialized (TEMP tables, same primary keys) so writing them is paid too:
//  - additive metrics per dimension (all, touchpoint, channel, stage, segment, and the
//    journey's segment×touchpoint and segment×touchpoint×emotion) of interactions/responses;
//  - the distinct interacting customers behind every dimension's count: one row per
//    (touchpoint, channel, customer) with its stage and segment;
//  - lifecycle counts per segment, tickets received in the day with resolution and first
//    response, and cases, for the day's instant range.
import { DatabaseSync } from 'node:sqlite';
import { performance } from 'node:perf_hooks';
import { addDays, dayStart } from './rows.mjs';

const SUMS = `
  SUM(type = 'response' AND survey = 'nps' AND score >= 9) AS nps_promoters,
  SUM(type = 'response' AND survey = 'nps' AND score BETWEEN 7 AND 8) AS nps_passives,
  SUM(type = 'response' AND survey = 'nps' AND score <= 6) AS nps_detractors,
  SUM(type = 'response' AND survey = 'csat') AS csat_responses,
  SUM(type = 'response' AND survey = 'csat' AND score >= 4) AS csat_satisfied,
  SUM(type = 'response' AND survey = 'ces') AS ces_responses,
  coalesce(SUM(CASE WHEN type = 'response' AND survey = 'ces' THEN score END), 0) AS ces_sum,
  SUM(type = 'response' AND survey = 'ces' AND score >= 5) AS ces_easy,
  SUM(type = 'interaction') AS int_count,
  SUM(type = 'interaction' AND outcome = 'success') AS int_success,
  SUM(type = 'interaction' AND outcome = 'failure') AS int_failure,
  SUM(type = 'interaction' AND outcome = 'abandoned') AS int_abandoned,
  SUM(type = 'interaction' AND (outcome IN ('failure', 'abandoned') OR sentiment < 0)) AS int_negative,
  coalesce(SUM(CASE WHEN type = 'interaction' THEN sentiment END), 0) AS sent_sum,
  COUNT(CASE WHEN type = 'interaction' THEN sentiment END) AS sent_count`;

const KEYS = {
  all: "''",
  touchpoint: 'tp',
  channel: 'ch',
  stage: 'st',
  segment: 'seg',
  seg_tp: 'json_array(seg, tp)',
  seg_tp_emo: 'json_array(seg, tp, emotion)',
};
const COLUMNS = [...SUMS.matchAll(/AS (\w+)/g)].map((m) => m[1]);
const METRIC_DIMS = ['all', 'touchpoint', 'channel', 'stage', 'segment', 'seg_tp', 'seg_tp_emo'];

const STEPS = {
  'day events with dimension keys': `CREATE TEMP TABLE raw_ev AS
    SELECT e.type, e.survey, e.score, e.outcome, e.sentiment, e.emotion, e.customer_id,
      coalesce(e.touchpoint, '') AS tp, coalesce(e.channel, t.channel, '') AS ch, coalesce(t.stage, '') AS st, coalesce(c.segment, '') AS seg
    FROM events_by_day e
    LEFT JOIN touchpoints t ON t.workspace_id = e.workspace_id AND t.key = e.touchpoint
    LEFT JOIN customers c ON c.workspace_id = e.workspace_id AND c.customer_id = e.customer_id
    WHERE e.workspace_id = :ws AND e.day = :day AND e.type IN ('interaction', 'response')`,
  // Counted once per finest group, then each dimension sums those groups (as the Worker does):
  // grouping the events once per dimension instead takes 5x as long.
  'additive metrics per finest group, then per dimension': `CREATE TEMP TABLE raw_fine AS
    SELECT tp, ch, st, seg, CASE WHEN type = 'interaction' THEN emotion END AS emotion, ${SUMS}
    FROM raw_ev GROUP BY 1, 2, 3, 4, 5;
    CREATE TEMP TABLE raw_metrics AS ${METRIC_DIMS.map(
      (d) => `SELECT '${d}' AS dim, ${KEYS[d]} AS k, ${COLUMNS.map((c) => `SUM(${c}) AS ${c}`).join(', ')} FROM raw_fine${d === 'seg_tp_emo' ? ' WHERE emotion IS NOT NULL' : ''} GROUP BY 2`,
    ).join('\nUNION ALL ')}`,
  // What every dimension's distinct count is taken from: one row per customer, with the sorted
  // [touchpoint, channel, stage] places of the day (as daily_customers holds them).
  'distinct customers and their places': `CREATE TEMP TABLE raw_customers (customer_id TEXT PRIMARY KEY, touches TEXT, seg TEXT) WITHOUT ROWID;
    INSERT INTO raw_customers SELECT customer_id, json_group_array(json(t) ORDER BY t), seg
    FROM (SELECT DISTINCT customer_id, seg, json_array(tp, ch, st) AS t FROM raw_ev WHERE type = 'interaction') GROUP BY customer_id`,
  'lifecycle per segment': `CREATE TEMP TABLE raw_lifecycle AS
    WITH ranked AS (
      SELECT customer_id, status, ts,
        ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ts DESC, seq DESC) AS rn_end,
        ROW_NUMBER() OVER (PARTITION BY customer_id, ts < :start ORDER BY ts DESC, seq DESC) AS rn_part
      FROM events WHERE workspace_id = :ws AND type = 'lifecycle' AND ts < :end
    ), per AS (
      SELECT customer_id, MAX(ts < :start AND rn_part = 1 AND status = 'started') AS a0,
        MAX(rn_end = 1 AND status = 'started') AS a1, MAX(ts >= :start AND status = 'churned') AS ch
      FROM ranked GROUP BY customer_id
    )
    SELECT coalesce(c.segment, '') AS seg, SUM(a0) AS s, SUM(a1) AS e, SUM(a0 AND ch) AS churned, SUM(a1 AND NOT a0) AS fresh
    FROM per LEFT JOIN customers c ON c.workspace_id = :ws AND c.customer_id = per.customer_id GROUP BY 1`,
  // Every ticket opened in the day, then one pass over those tickets' events (events_ticket index).
  'tickets received, resolved, first response': `CREATE TEMP TABLE raw_tickets AS
    WITH opened AS (
      SELECT DISTINCT ticket_id FROM events
      WHERE workspace_id = :ws AND type = 'ticket' AND status = 'opened' AND ts >= :start AND ts < :end
    ), t AS (
      SELECT e.ticket_id, e.status, e.ts, e.customer_id, e.touchpoint, e.channel,
        ROW_NUMBER() OVER (PARTITION BY e.ticket_id ORDER BY e.ts DESC, e.seq DESC) AS rn_last,
        ROW_NUMBER() OVER (PARTITION BY e.ticket_id, e.status = 'opened' ORDER BY e.ts, e.seq) AS rn_open,
        MIN(CASE WHEN e.status = 'opened' THEN e.ts END) OVER (PARTITION BY e.ticket_id) AS open_ts
      FROM opened o JOIN events e ON e.workspace_id = :ws AND e.type = 'ticket' AND e.ticket_id = o.ticket_id AND e.ts < :end
    ), per AS (
      SELECT ticket_id, MIN(open_ts) AS open_ts,
        MAX(CASE WHEN status = 'opened' AND rn_open = 1 THEN customer_id END) AS customer_id,
        MAX(CASE WHEN status = 'opened' AND rn_open = 1 THEN touchpoint END) AS touchpoint,
        MAX(CASE WHEN status = 'opened' AND rn_open = 1 THEN channel END) AS channel,
        MAX(CASE WHEN rn_last = 1 THEN status END) = 'resolved' AS resolved,
        (MIN(CASE WHEN status = 'responded' AND ts >= open_ts THEN ts END) - MIN(open_ts)) / 60000.0 AS frt
      FROM t GROUP BY ticket_id
    )
    SELECT coalesce(per.touchpoint, '') AS tp, coalesce(per.channel, tp.channel, '') AS ch, coalesce(tp.stage, '') AS st,
      coalesce(c.segment, '') AS seg, resolved, frt
    FROM per
    LEFT JOIN touchpoints tp ON tp.workspace_id = :ws AND tp.key = per.touchpoint
    LEFT JOIN customers c ON c.workspace_id = :ws AND c.customer_id = per.customer_id
    WHERE per.open_ts >= :start`,
  'cases opened in the day': `CREATE TEMP TABLE raw_cases AS
    SELECT coalesce(c.touchpoint, '') AS tp, coalesce(e.channel, tp.channel, '') AS ch, coalesce(tp.stage, '') AS st,
      coalesce(cu.segment, '') AS seg, CASE WHEN c.resolved_at < :end THEN (c.resolved_at - c.opened_at) / 3600000.0 END AS hours
    FROM cases c
    LEFT JOIN events e ON e.workspace_id = :ws AND e.message_id = c.message_id
    LEFT JOIN touchpoints tp ON tp.workspace_id = :ws AND tp.key = c.touchpoint
    LEFT JOIN customers cu ON cu.workspace_id = :ws AND cu.customer_id = c.customer_id
    WHERE c.workspace_id = :ws AND c.opened_at >= :start AND c.opened_at < :end`,
};

/** Runs every step on `file` (fresh connection), timing each; returns timings and a summary. */
export function rawRollup(file, { ws, tz, day }) {
  const params = { ws, day, start: dayStart(day, tz), end: dayStart(addDays(day, 1), tz) };
  const db = new DatabaseSync(file);
  try {
    const steps = {};
    for (const [name, sql] of Object.entries(STEPS)) {
      const t0 = performance.now();
      for (const stmt of sql.split(/;\s*\n/)) {
        const used = Object.fromEntries(Object.entries(params).filter(([k]) => stmt.includes(`:${k}`)));
        db.prepare(stmt).run(used);
      }
      steps[name] = +(performance.now() - t0).toFixed(1);
    }
    const one = (sql) => db.prepare(sql).get();
    const summary = {
      metricRows: one('SELECT count(*) AS n FROM raw_metrics').n,
      interactions: one("SELECT int_count AS n FROM raw_metrics WHERE dim = 'all'")?.n ?? 0,
      npsResponses: one("SELECT nps_promoters + nps_passives + nps_detractors AS n FROM raw_metrics WHERE dim = 'all'")?.n ?? 0,
      customerRows: one('SELECT count(*) AS n FROM raw_customers').n,
      customersAtEnd: one('SELECT coalesce(SUM(e), 0) AS n FROM raw_lifecycle').n,
      ticketsReceived: one('SELECT count(*) AS n FROM raw_tickets').n,
    };
    return { steps, totalMs: +Object.values(steps).reduce((a, b) => a + b, 0).toFixed(1), summary };
  } finally {
    db.close();
  }
}

/** The same figures read back from what the Worker's rollup wrote (through its D1 binding). */
export async function workerSummary(d1, ws, day) {
  const one = async (sql) => (await d1.prepare(sql).bind(ws, day).first())?.n ?? 0;
  const additive = 'int_count + nps_promoters + nps_passives + nps_detractors + csat_responses + ces_responses > 0';
  return {
    metricRows: await one(`SELECT count(*) AS n FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND ${additive}`),
    interactions: await one("SELECT int_count AS n FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND dim = 'all'"),
    npsResponses: await one("SELECT nps_promoters + nps_passives + nps_detractors AS n FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND dim = 'all'"),
    customerRows: await one('SELECT count(*) AS n FROM daily_customers WHERE workspace_id = ?1 AND day = ?2'),
    customersAtEnd: await one("SELECT cust_end AS n FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND dim = 'all'"),
    ticketsReceived: await one("SELECT tk_received AS n FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND dim = 'all'"),
  };
}
