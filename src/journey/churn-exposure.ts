// Churn exposure per touchpoint, for the priorities report: of the customers active at a period's
// start who had a bad interaction at the touchpoint in it, how many churned in it, and what those
// were worth. Who was active comes from one ordered pass over every lifecycle event, the costliest
// part of a rebuild after a late lifecycle event, so a rebuild reads every standard period's
// exposure in one pass (`churnExposureByPeriods`) instead of one pass per period.
import { inPeriodChunks, lifecyclePerCustomer, type Span } from '../rollup/lifecycle.ts';
import type { PeriodFacts } from '../reports/period-facts.ts';

// Bad: a failure, an abandon or a negative sentiment (as for NPS exposure in priorities.ts).
export const BAD = `e.type = 'interaction' AND (e.outcome IN ('failure', 'abandoned') OR e.sentiment < 0)`;

// The local days that may hold events of [start, end): a local day is within a day of the UTC date.
export const PERIOD_DAYS = (start: string, end: string) =>
  `e.day BETWEEN date(${start} / 1000, 'unixepoch', '-2 days') AND date(${end} / 1000, 'unixepoch', '+2 days')`;

type ChurnGroup = { k: string | null; s: number; c: number; vr: number | null };

// Binds ?1 workspace, ?2 the latest end, ?3 the earliest start, then each period's start and end.
// The interactions of the whole span are read once (through the days around it) and matched to the
// customers active at a period's start (x_i: exposed in period i); vr_i sums a churned one's
// interactions of period i. The last row (k NULL) holds every period's totals: customers active
// at its start, and those who churned.
function churnExposureSql(periods: number) {
  const idx = Array.from({ length: periods }, (_, i) => i);
  const [s, e] = [(i: number) => `?${4 + 2 * i}`, (i: number) => `?${5 + 2 * i}`];
  return `WITH ${lifecyclePerCustomer(periods, '?2', s, e)}, pev AS (
  SELECT e.customer_id, e.touchpoint, e.ts, e.value, ${BAD} AS bad
  FROM events_by_day e
  WHERE e.workspace_id = ?1 AND ${PERIOD_DAYS('?3', '?2')} AND e.type = 'interaction' AND e.ts >= ?3 AND e.ts < ?2
), x AS (
  SELECT e.touchpoint, p.customer_id, ${idx.map((i) => `MAX(p.a0_${i} AND e.ts >= ${s(i)} AND e.ts < ${e(i)}) AS x_${i}, MAX(p.ch_${i}) AS ch_${i}`).join(', ')}
  FROM pev e JOIN per p ON p.customer_id = e.customer_id
  WHERE (${idx.map((i) => `p.a0_${i}`).join(' OR ')}) AND e.bad
  GROUP BY e.touchpoint, p.customer_id
), vals AS (
  SELECT customer_id, ${idx.map((i) => `SUM(CASE WHEN ts >= ${s(i)} AND ts < ${e(i)} THEN value END) AS v_${i}`).join(', ')}
  FROM pev WHERE customer_id IN (SELECT customer_id FROM x) GROUP BY customer_id
)
SELECT x.touchpoint AS k, ${idx.map((i) => `SUM(x_${i}) AS s_${i}, SUM(x_${i} AND ch_${i}) AS c_${i}, SUM(CASE WHEN x_${i} AND ch_${i} THEN v.v_${i} END) AS vr_${i}`).join(',\n  ')}
FROM x LEFT JOIN vals v ON v.customer_id = x.customer_id GROUP BY x.touchpoint
UNION ALL SELECT NULL, ${idx.map((i) => `SUM(a0_${i}), SUM(a0_${i} AND ch_${i}), NULL`).join(', ')} FROM per`;
}

/** The one-period statement (for query-plan tests). */
export const CHURN_GROUPS = churnExposureSql(1);

/** Churn exposure rows of each period (touchpoints with exposed customers, then the totals row). */
function churnExposureByPeriods(d1: D1Database, ws: string, periods: Span[]): Promise<ChurnGroup[][]> {
  return inPeriodChunks(periods, async (part) => {
    const { results } = await d1
      .prepare(churnExposureSql(part.length))
      .bind(ws, Math.max(...part.map((p) => p.end)), Math.min(...part.map((p) => p.start)), ...part.flatMap((p) => [p.start, p.end]))
      .all<Record<string, number | null> & { k: string | null }>();
    return part.map((_, i) => {
      const rows = results.map((r) => ({ k: r.k, s: r[`s_${i}`] ?? 0, c: r[`c_${i}`] ?? 0, vr: r[`vr_${i}`] }));
      // A touchpoint counts in a period only with a customer exposed in that period.
      return rows.filter((r) => r.k === null || r.s > 0);
    });
  });
}

const churnKey = (ws: string, p: Span) => `churnExposure/${ws}/${p.start}/${p.end}`;

/** One period's churn exposure, read once per rebuild (or from what `prefetchChurnExposure` read). */
export function churnExposure(d1: D1Database, ws: string, facts: PeriodFacts, period: Span): Promise<ChurnGroup[]> {
  return facts.share(churnKey(ws, period), async () => (await churnExposureByPeriods(d1, ws, [period]))[0]);
}

/** Every period's churn exposure in one pass, for the priorities reports that will ask. */
export function prefetchChurnExposure(d1: D1Database, ws: string, facts: PeriodFacts, periods: Span[]): Promise<void> {
  return facts.prefetch(periods.map((p) => churnKey(ws, p)), (fresh) => churnExposureByPeriods(d1, ws, fresh.map((i) => periods[i])));
}
