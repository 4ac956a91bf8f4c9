// A segment change (an identify) moves only that customer's contribution. Rolled-up days count
// each customer under customers.rolled_segment; when the cascade meets a customer whose segment
// differs from it, one batch takes the customer's counts out of the old segment's rows and adds
// them to the new one's, on every rolled-up day with their interactions or responses, re-points
// their distinct-customer rows, and sets rolled_segment. Their days come from customer_days; each
// such day's interactions and responses are read once for all the chunk's moved customers.
// Days marked `full` are skipped (their rollup will count the customer anew), and so are the
// customer's ticket days, which the cascade marks `full` first: a median of first responses
// cannot be moved by difference.
import { COUNTS, EMPTY_ROW, SEGMENT_DIM_LIST, SEGMENT_DIMS, segmentKeys } from './counts.ts';
import { factsChanged } from './marks.ts';

// Binds ?1 workspace, ?2 the customers to look at (a JSON array of ids), ?3 the floor, ?4 yesterday.
// Old and new segment are read inside the batch (rolled_segment, segment), so every statement of it
// sees the same ones, and the last sets rolled_segment: an identify stored meanwhile either came
// before the batch (and is moved with it) or after (and is the cascade's next).
// mv is MATERIALIZED so that each event of the days read meets it through an index, not a
// walk of the request's JSON.
const MOVED_EVENTS = `
mv AS MATERIALIZED (
  SELECT c.customer_id AS c, coalesce(c.rolled_segment, '') AS o, coalesce(c.segment, '') AS n
  FROM json_each(?2) j CROSS JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = j.value
  WHERE coalesce(c.rolled_segment, '') <> coalesce(c.segment, '')
),
days AS (
  SELECT DISTINCT cd.day
  FROM mv CROSS JOIN customer_days cd ON cd.workspace_id = ?1 AND cd.customer_id = mv.c
  WHERE cd.day BETWEEN ?3 AND ?4
    AND NOT EXISTS (SELECT 1 FROM dirty_days d WHERE d.workspace_id = ?1 AND d.day = cd.day AND d.kind = 'full')
),
ev AS (
  SELECT e.day, e.type, e.survey, e.score, e.outcome, e.sentiment, e.emotion, e.value, e.customer_id, mv.o, mv.n,
    coalesce(e.touchpoint, '') AS k_touchpoint, coalesce(e.channel, tp.channel, '') AS k_channel
  FROM days CROSS JOIN events_by_day e ON e.workspace_id = ?1 AND e.day = days.day AND e.type IN ('interaction', 'response')
  JOIN mv ON mv.c = e.customer_id
  LEFT JOIN touchpoints tp ON tp.workspace_id = e.workspace_id AND tp.key = e.touchpoint
)`;

// The segment-led dimensions of day.ts, keyed alike (json_array of the same values).
const MOVE_ADDITIVE = `WITH ${MOVED_EVENTS}, fine AS (
  SELECT day, k_touchpoint, CASE WHEN type = 'interaction' THEN emotion END AS emotion, o, n,
    ${COUNTS.map(([col, expr]) => `${expr} AS ${col}`).join(',\n    ')}
  FROM ev GROUP BY day, k_touchpoint, 3, o, n
), signed AS (
  SELECT fine.*, s.value AS sign, CASE WHEN s.value < 0 THEN fine.o ELSE fine.n END AS seg
  FROM fine, json_each('[-1, 1]') s
), dims AS (
  SELECT d.value AS dim, CASE d.value ${Object.entries(segmentKeys('seg')).map(([dim, k]) => `WHEN '${dim}' THEN ${k}`).join(' ')} END AS k, signed.*
  FROM signed, json_each('${JSON.stringify(SEGMENT_DIMS)}') d
  WHERE d.value <> 'seg_tp_emo' OR signed.emotion IS NOT NULL
)
INSERT INTO daily_metrics (workspace_id, day, dim, "key", ${COUNTS.map(([col]) => col).join(', ')})
SELECT ?1, day, dim, k, ${COUNTS.map(([col]) => `SUM(sign * ${col})`).join(', ')}
FROM dims WHERE true GROUP BY day, dim, k
ON CONFLICT (workspace_id, day, dim, "key") DO UPDATE SET
  ${COUNTS.map(([col]) => `${col} = daily_metrics.${col} + excluded.${col}`).join(',\n  ')}`;

const PRUNE = `WITH ${MOVED_EVENTS}
DELETE FROM daily_metrics WHERE workspace_id = ?1 AND day IN (SELECT day FROM ev)
  AND dim IN (${SEGMENT_DIM_LIST}) AND ${EMPTY_ROW}`;

// Reached by the table's whole key, so a day's other customers are never walked.
const MOVE_DISTINCT = `WITH ${MOVED_EVENTS}
UPDATE daily_customers SET segment = (
  SELECT coalesce(c.segment, '') FROM customers c WHERE c.workspace_id = ?1 AND c.customer_id = daily_customers.customer_id)
WHERE workspace_id = ?1 AND (day, customer_id) IN (SELECT day, customer_id FROM ev WHERE type = 'interaction')`;

const SET_ROLLED = `
UPDATE customers SET rolled_segment = segment
WHERE workspace_id = ?1 AND customer_id IN (SELECT value FROM json_each(?2)) AND rolled_segment IS NOT segment`;

export const SEGMENT_MOVE_SQL = { MOVE_ADDITIVE, PRUNE, MOVE_DISTINCT, SET_ROLLED };

/** Statements that move `customers` whose segment changed (one D1 batch with the cascade's marks, after the `full` ones). */
export function segmentMoveStatements(d1: D1Database, ws: string, customers: string[], floor: string, yesterday: string): D1PreparedStatement[] {
  if (!customers.length) return [];
  const json = JSON.stringify(customers);
  return [MOVE_ADDITIVE, PRUNE, MOVE_DISTINCT]
    .map((sql) => d1.prepare(sql).bind(ws, json, floor, yesterday))
    .concat(d1.prepare(SET_ROLLED).bind(ws, json), factsChanged(d1, ws));
}
