// The additive counts of daily_metrics as SQL aggregates over rows of events (columns type,
// survey, score, outcome, sentiment, value): the day's rollup and a segment move share them.
import { ADDITIVE_COLUMNS, ADDITIVE_FIELDS, type Additive } from '../metrics/definitions.ts';

// How the day's events make each additive count (ADDITIVE_COLUMNS names its column).
const COUNT_OF: Record<keyof Additive, string> = {
  npsPromoters: "count(CASE WHEN type = 'response' AND survey = 'nps' AND score >= 9 THEN 1 END)",
  npsPassives: "count(CASE WHEN type = 'response' AND survey = 'nps' AND score BETWEEN 7 AND 8 THEN 1 END)",
  npsDetractors: "count(CASE WHEN type = 'response' AND survey = 'nps' AND score <= 6 THEN 1 END)",
  csatResponses: "count(CASE WHEN type = 'response' AND survey = 'csat' THEN 1 END)",
  csatSatisfied: "count(CASE WHEN type = 'response' AND survey = 'csat' AND score >= 4 THEN 1 END)",
  cesResponses: "count(CASE WHEN type = 'response' AND survey = 'ces' THEN 1 END)",
  cesSum: "coalesce(SUM(CASE WHEN type = 'response' AND survey = 'ces' THEN score END), 0)",
  cesEasy: "count(CASE WHEN type = 'response' AND survey = 'ces' AND score >= 5 THEN 1 END)",
  cesSq: "coalesce(SUM(CASE WHEN type = 'response' AND survey = 'ces' THEN score * score END), 0)",
  intCount: "count(CASE WHEN type = 'interaction' THEN 1 END)",
  intSuccess: "count(CASE WHEN type = 'interaction' AND outcome = 'success' THEN 1 END)",
  intFailure: "count(CASE WHEN type = 'interaction' AND outcome = 'failure' THEN 1 END)",
  intAbandoned: "count(CASE WHEN type = 'interaction' AND outcome = 'abandoned' THEN 1 END)",
  intNegative: "count(CASE WHEN type = 'interaction' AND (outcome IN ('failure', 'abandoned') OR sentiment < 0) THEN 1 END)",
  sentSum: "coalesce(SUM(CASE WHEN type = 'interaction' THEN sentiment END), 0)",
  sentCount: "count(CASE WHEN type = 'interaction' THEN sentiment END)",
  valueCount: "count(CASE WHEN type = 'interaction' THEN value END)",
  valueSum: "coalesce(SUM(CASE WHEN type = 'interaction' THEN value END), 0)",
};
export const COUNTS: [column: string, expression: string][] = ADDITIVE_FIELDS.map((f): [string, string] => [ADDITIVE_COLUMNS[f], COUNT_OF[f]]);

// A daily_metrics row with no response, interaction, ticket, case or lifecycle figure: one the
// day's rollup would not write (every sub-count and sum is zero with its count). Moving a
// customer out of a segment, or the lifecycle pass clearing who was active, can leave one.
export const EMPTY_ROW = `int_count = 0 AND nps_promoters + nps_passives + nps_detractors = 0 AND csat_responses = 0
  AND ces_responses = 0 AND tk_received IS NULL AND loop_cases IS NULL
  AND cust_start IS NULL AND cust_end IS NULL AND cust_churned IS NULL AND cust_new IS NULL`;

// The dimensions whose key holds the customer's segment, and how each is keyed from a segment
// expression: the day's rollup, a segment move and an erasure must key them alike.
export const SEGMENT_DIMS = ['segment', 'seg_tp', 'seg_tp_emo'] as const;
export const segmentKeys = (seg: string): Record<(typeof SEGMENT_DIMS)[number], string> => ({
  segment: seg,
  seg_tp: `json_array(${seg}, k_touchpoint)`,
  seg_tp_emo: `json_array(${seg}, k_touchpoint, emotion)`,
});
/** SQL list of SEGMENT_DIMS, for `dim IN (…)`. */
export const SEGMENT_DIM_LIST = SEGMENT_DIMS.map((d) => `'${d}'`).join(', ');
