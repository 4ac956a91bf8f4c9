// A day's daily_metrics rows, as its rollup writes them: the additive counts of its events in
// every dimension, and its ticket and case figures (src/rollup/day.ts computes those).
import type { Dim } from '../metrics/definitions.ts';
import { jsonChunkStatements } from '../platform/chunk.ts';
import { COUNTS, EMPTY_ROW, segmentKeys } from './counts.ts';

// The day's events with their dimension values ('' = none): channel falls back to the
// touchpoint's, stage comes through the touchpoint, segment is the customer's rolled_segment:
// their current one once the cascade has moved them (src/rollup/segment-moves.ts).
export const dayEvents = (types: string, where = '') => `
ev AS (
  SELECT e.type, e.survey, e.score, e.outcome, e.sentiment, e.emotion, e.value, e.customer_id,
    coalesce(e.touchpoint, '') AS k_touchpoint,
    coalesce(e.channel, tp.channel, '') AS k_channel,
    coalesce(tp.stage, '') AS k_stage,
    coalesce(c.rolled_segment, '') AS k_segment
  FROM events_by_day e
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
const additiveSelect = (head: string) => `WITH ${dayEvents("'interaction', 'response'")}, fine AS (
  SELECT k_touchpoint, k_channel, k_stage, k_segment, CASE WHEN type = 'interaction' THEN emotion END AS emotion,
    ${COUNTS.map(([col, expr]) => `${expr} AS ${col}`).join(',\n    ')}
  FROM ev GROUP BY k_touchpoint, k_channel, k_stage, k_segment, 5
), dims AS (
  SELECT d.value AS dim, CASE d.value ${DIM_NAMES.map((x) => `WHEN '${x}' THEN ${DIM_KEYS[x]}`).join(' ')} END AS k, fine.*
  FROM fine, json_each('${JSON.stringify(DIM_NAMES)}') d
  WHERE d.value <> 'seg_tp_emo' OR fine.emotion IS NOT NULL
)
SELECT ${head}, ${COUNTS.map(([col]) => `SUM(${col}) AS ${col}`).join(', ')}
FROM dims GROUP BY dim, k`;
const ADDITIVE = COUNTS.map(([col]) => col);

/** The day's additive rows, read (?3: at most this many). */
export const ADDITIVE_ROWS = `${additiveSelect('dim, k AS "key"')} LIMIT ?3`;
// The same rows inserted in the database (a day with more keys than a rollup reads back).
const INSERT_ADDITIVE = `INSERT INTO daily_metrics (workspace_id, day, dim, "key", ${ADDITIVE.join(', ')})\n${additiveSelect('?1, ?2, dim, k')}`;

// A day rolled up again (late events) writes only what changed, as daily_customers does: D1 bills
// every row written, and deleting and re-inserting the day's rows cost two per unchanged one.
// New figures are upserted where they differ; counts of keys the day no longer has go back to
// their defaults, ticket and case figures likewise (NULL); a row left with nothing is deleted
// (EMPTY_ROW; a `segment` row may still say who was active: the lifecycle pass, which the day's
// `people` mark runs next, prunes it if that goes too). The result equals a rollup from nothing
// (test/rollup-rows.test.ts). A day of more than MAX_DIFF_ROWS keys (emotions are free labels)
// is deleted and inserted in the database as before, so no rollup reads an unbounded day back
// (such a day is aggregated twice: once to count its keys, once to insert them).
export const MAX_DIFF_ROWS = 2_000;
const PEOPLE = ['tk_received', 'tk_resolved', 'tk_first_response_median', 'tk_first_response_p90', 'tk_awaiting',
  'loop_cases', 'loop_closed', 'loop_median_hours', 'loop_overdue', 'loop_sla_met', 'loop_sla_decided'];
const setWhereChanged = (cols: string[]) => `SET ${cols.map((c) => `${c} = excluded.${c}`).join(', ')}
WHERE ${cols.map((c) => `daily_metrics.${c} IS NOT excluded.${c}`).join(' OR ')}`;
const UPSERT_ADDITIVE = `
INSERT INTO daily_metrics (workspace_id, day, dim, "key", ${ADDITIVE.join(', ')})
SELECT ?1, ?2, j.value->>'dim', j.value->>'key', ${ADDITIVE.map((c) => `j.value->>'${c}'`).join(', ')}
FROM json_each(?3) j WHERE true
ON CONFLICT (workspace_id, day, dim, "key") DO UPDATE ${setWhereChanged(ADDITIVE)}`;
// Ticket and case figures of the day itself, merged into the day's rows (and creating rows for
// keys that had no interaction or response). Who was active (cust_*) is the lifecycle pass's.
const UPSERT_PEOPLE = `
INSERT INTO daily_metrics (workspace_id, day, dim, "key", ${PEOPLE.join(', ')})
SELECT ?1, ?2, j.value->>'dim', j.value->>'key', j.value->>'tr', j.value->>'tv', j.value->>'tm',
  j.value->>'tp', j.value->>'ta', j.value->>'lc', j.value->>'lk', j.value->>'lm', j.value->>'lo', j.value->>'ls', j.value->>'ld'
FROM json_each(?3) j WHERE true
ON CONFLICT (workspace_id, day, dim, "key") DO UPDATE ${setWhereChanged(PEOPLE)}`;
// Whether each of the day's rows holds additive counts (a) or ticket and case figures (p).
const DAY_ROWS = `SELECT dim, "key", ${ADDITIVE.map((c) => `${c} <> 0`).join(' OR ')} AS a, ${PEOPLE.map((c) => `${c} IS NOT NULL`).join(' OR ')} AS p
FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2`;
// ?3: the [dim, key] of the rows to reset.
const resetOf = (set: string) => `UPDATE daily_metrics SET ${set}
WHERE workspace_id = ?1 AND day = ?2 AND (dim, "key") IN (SELECT value->>0, value->>1 FROM json_each(?3))`;
const RESET_ADDITIVE = resetOf(ADDITIVE.map((c) => `${c} = 0`).join(', '));
const RESET_PEOPLE = resetOf(PEOPLE.map((c) => `${c} = NULL`).join(', '));
const DROP_EMPTY = `DELETE FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 AND dim <> 'all' AND ${EMPTY_ROW}`;

export const DAY_METRICS_SQL = { DAY_ROWS, RESET_ADDITIVE, DROP_EMPTY };

export type PeopleRow = {
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

type Keyed = { dim: unknown; key: unknown };

/** Statements binding `rows` (JSON objects or [dim, key] pairs) in chunks as ?3. */
const chunked = (d1: D1Database, sql: string, ws: string, day: string, rows: unknown[]) => jsonChunkStatements(d1, sql, [ws, day], rows.map((r) => JSON.stringify(r)));

/** The statements that bring the day's daily_metrics rows to what its events and `people` give. */
export async function metricsStatements(d1: D1Database, ws: string, day: string, people: PeopleRow[], maxDiffRows = MAX_DIFF_ROWS) {
  const [{ results: additive }, { results: old }] = await Promise.all([
    d1.prepare(ADDITIVE_ROWS).bind(ws, day, maxDiffRows + 1).all<Keyed & Record<string, unknown>>(),
    d1.prepare(DAY_ROWS).bind(ws, day).all<Keyed & { a: number; p: number }>(),
  ]);
  const upsertPeople = chunked(d1, UPSERT_PEOPLE, ws, day, people);
  const dropEmpty = d1.prepare(DROP_EMPTY).bind(ws, day);
  if (additive.length > maxDiffRows) {
    return [d1.prepare('DELETE FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2').bind(ws, day), d1.prepare(INSERT_ADDITIVE).bind(ws, day), ...upsertPeople, dropEmpty];
  }
  const id = (r: Keyed) => JSON.stringify([r.dim, r.key]);
  const [hasAdditive, hasPeople] = [new Set(additive.map(id)), new Set(people.map(id))];
  return [
    ...chunked(d1, UPSERT_ADDITIVE, ws, day, additive),
    ...chunked(d1, RESET_ADDITIVE, ws, day, old.filter((r) => r.a && !hasAdditive.has(id(r))).map((r) => [r.dim, r.key])),
    ...upsertPeople,
    ...chunked(d1, RESET_PEOPLE, ws, day, old.filter((r) => r.p && !hasPeople.has(id(r))).map((r) => [r.dim, r.key])),
    dropEmpty,
  ];
}
