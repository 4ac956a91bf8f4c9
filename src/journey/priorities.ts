// Touchpoint priorities: how much of the workspace's NPS and churn each touchpoint puts at
// stake, counting only the part of its gap that survives a 95% confidence interval.
import { periodBounds } from '../platform/time.ts';
import { percent, round2 } from '../metrics/definitions.ts';
import { BAD, CHURN_GROUPS, churnExposure, PERIOD_DAYS } from './churn-exposure.ts';
import { rootCausesBy } from '../rollup/tickets.ts';
import { PeriodFacts } from '../reports/period-facts.ts';
import { reportEnvelope, type Range } from '../reports/reports.ts';
import { gapWithInterval, npsWithError, rateWithError } from '../metrics/significance.ts';

// Exposed to a touchpoint: a bad interaction there (failure, abandoned or negative
// sentiment) or an NPS answer about it, in the period [?2, ?3). The period's events are read
// once, through the days around it (a local day is within a day of the UTC date), and matched
// to the respondents by customer.
// Each respondent counts once, with their latest NPS answer of the period (?4..?5 as days).
const NPS_GROUPS = `WITH nps AS (
  SELECT customer_id, score FROM (
    SELECT customer_id, score, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY ts DESC, seq DESC) AS rn
    FROM events_by_day WHERE workspace_id = ?1 AND day BETWEEN ?4 AND ?5 AND type = 'response' AND survey = 'nps'
  ) WHERE rn = 1
)
SELECT x.touchpoint AS k, COUNT(*) AS n, SUM(x.score >= 9) AS p, SUM(x.score <= 6) AS d FROM (
  SELECT DISTINCT e.touchpoint, n.customer_id, n.score
  FROM events_by_day e JOIN nps n ON n.customer_id = e.customer_id
  WHERE e.workspace_id = ?1 AND ${PERIOD_DAYS('?2', '?3')} AND e.type IN ('interaction', 'response') AND e.ts >= ?2 AND e.ts < ?3
    AND ((${BAD}) OR (e.type = 'response' AND e.survey = 'nps' AND e.touchpoint IS NOT NULL))
) x GROUP BY x.touchpoint
UNION ALL SELECT NULL, COUNT(*), SUM(score >= 9), SUM(score <= 6) FROM nps`;

// Value per touchpoint, from the rollup's additive sums.
const VALUE_BY_TOUCHPOINT = `SELECT "key" AS k, SUM(value_count) AS vc, SUM(value_sum) AS vs FROM daily_metrics
WHERE workspace_id = ?1 AND dim = 'touchpoint' AND day BETWEEN ?2 AND ?3 GROUP BY k`;

export const PRIORITY_SQL = { NPS_GROUPS, CHURN_GROUPS };

type Group = { k: string | null; n?: number; p?: number; d?: number; s?: number; c?: number; vr?: number | null };

const TOP_ROOT_CAUSES = 3;

export type TouchpointInfo = { key: string; name: string; stage: string; owner: string };

const ci = (g: { low: number; high: number }) => [round2(g.low), round2(g.high)];

export async function prioritiesReport(d1: D1Database, ws: string, tz: string, range: Range, inventory: TouchpointInfo[], facts = new PeriodFacts(d1)) {
  const { start, end } = periodBounds(range.from, range.to, tz);
  const [npsRows, churnRows, valueRows, reach, everyone, cases] = await Promise.all([
    // Kept from one rebuild to the next: no lifecycle in it (churn groups are recomputed).
    facts.keep(`npsExposure/${ws}/${range.from}/${range.to}`, async () => (await d1.prepare(NPS_GROUPS).bind(ws, start, end, range.from, range.to).all<Group>()).results),
    churnExposure(d1, ws, facts, { start, end }),
    d1.prepare(VALUE_BY_TOUCHPOINT).bind(ws, range.from, range.to).all<{ k: string; vc: number; vs: number }>(),
    facts.reach(ws, range, 'touchpoint'),
    facts.reach(ws, range, 'all').then((m) => m.get('') ?? 0),
    facts.cases(ws, start, end),
  ]);
  // The outer loop: what the touchpoint's closed cases were caused by, to fix the cause.
  const causes = rootCausesBy(cases, 'touchpoint');
  const npsBy = new Map(npsRows.map((r) => [r.k, r]));
  const churnBy = new Map<string | null, Group>(churnRows.map((r) => [r.k, r]));
  const npsAll = npsBy.get(null) ?? { n: 0, p: 0, d: 0 };
  const churnAll = churnBy.get(null) ?? { s: 0, c: 0 };
  const info = new Map(inventory.map((t) => [t.key, t]));
  const valueBy = new Map(valueRows.results.map((r) => [r.k, r]));
  // Value figures only where interactions of the period carry a value.
  const valued = valueRows.results.some((r) => r.vc > 0);
  const keys = new Set<string>([...info.keys(), ...[...reach.keys(), ...npsBy.keys(), ...churnBy.keys()].filter((k): k is string => !!k)]);

  const rows = [...keys].map((key) => {
    const g = npsBy.get(key) ?? { n: 0, p: 0, d: 0 };
    const [n, p, d] = [g.n ?? 0, g.p ?? 0, g.d ?? 0];
    const exposedNps = npsWithError(p, d, n);
    const restNps = npsWithError((npsAll.p ?? 0) - p, (npsAll.d ?? 0) - d, (npsAll.n ?? 0) - n);
    const npsGap = gapWithInterval(restNps, exposedNps); // > 0: exposed customers score lower
    const npsStake = npsGap ? (n / (npsAll.n || 1)) * Math.max(0, npsGap.low) : 0;

    const h: Group = churnBy.get(key) ?? { k: key, s: 0, c: 0 };
    const [s, c] = [h.s ?? 0, h.c ?? 0];
    const exposedChurn = rateWithError(c, s);
    const restChurn = rateWithError((churnAll.c ?? 0) - c, (churnAll.s ?? 0) - s);
    const churnGap = gapWithInterval(exposedChurn, restChurn); // > 0: exposed customers churn more
    const churnStake = churnGap ? (s / (churnAll.s || 1)) * Math.max(0, churnGap.low) : 0;

    const t = info.get(key);
    const customers = reach.get(key) ?? 0;
    const v = valueBy.get(key);
    const value = valued && v && v.vc > 0 ? { total: round2(v.vs), perCustomer: customers ? round2(v.vs / customers) : null, byNpsGroup: null } : null;
    return {
      touchpoint: key,
      name: t?.name ?? null,
      stage: t?.stage ?? null,
      owner: t?.owner ?? null,
      configured: !!t,
      reach: { customers, share: percent(customers, everyone) },
      nps: {
        exposed: { responses: n, score: exposedNps.score === null ? null : round2(exposedNps.score) },
        rest: { responses: (npsAll.n ?? 0) - n, score: restNps.score === null ? null : round2(restNps.score) },
        gap: npsGap ? round2(npsGap.gap) : null,
        ci95: npsGap ? ci(npsGap) : null,
        pointsAtStake: round2(npsStake),
      },
      churn: {
        exposed: { customersAtStart: s, churned: c, rate: exposedChurn.score === null ? null : round2(exposedChurn.score) },
        rest: { customersAtStart: (churnAll.s ?? 0) - s, churned: (churnAll.c ?? 0) - c, rate: restChurn.score === null ? null : round2(restChurn.score) },
        gap: churnGap ? round2(churnGap.gap) : null,
        ci95: churnGap ? ci(churnGap) : null,
        pointsAtStake: round2(churnStake),
      },
      score: round2(npsStake + churnStake),
      value,
      valueAtRisk: valued ? round2(h.vr ?? 0) : null,
      topRootCauses: (causes.get(key) ?? []).slice(0, TOP_ROOT_CAUSES),
    };
  });
  rows.sort((a, b) => b.score - a.score || b.reach.customers - a.reach.customers || (a.touchpoint < b.touchpoint ? -1 : 1));
  return {
    ...reportEnvelope(range, tz),
    method: 'score = NPS points at stake + churn points at stake, each = exposed share × the lower 95% bound of the gap (0 if the interval reaches 0)',
    rows: rows.map((r, i) => ({ rank: i + 1, ...r })),
  };
}

export async function prioritiesFor(d1: D1Database, ws: string, tz: string, range: Range, facts = new PeriodFacts(d1)) {
  const { touchpoints } = await facts.inventory(ws);
  return prioritiesReport(d1, ws, tz, range, touchpoints, facts);
}
