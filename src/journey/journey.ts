// The journey map: stages in order, each with its touchpoints measured over the period
// (optionally for one segment), the channels its customers used, and critical moments.
import { buildMetrics, percent, zeroAdditive, type Additive, noTickets } from '../metrics/definitions.ts';
import { PeriodFacts } from '../reports/period-facts.ts';
import type { InventoryStage, InventoryTouchpoint } from '../workspace/inventory.ts';
import { ADDITIVE_SUMS, reportEnvelope, type Range } from '../reports/reports.ts';
import { standsOut, Z_95 } from '../metrics/significance.ts';

/** Critical-moment rules; returned with every journey so a reader sees how flags were raised. */
export const THRESHOLDS = {
  minSample: 20,
  minGapPoints: 10,
  zOneSided: Z_95,
  critical: { npsBelow: 0, csatBelow: 70, cesBelow: 4, negativeRateAbove: 25 },
} as const;

type Row = Additive & { k: string };

async function sumsBy(d1: D1Database, ws: string, dim: string, range: Range, segment: string | null, parts: number) {
  // Keys are JSON arrays led by the segment: group by the rest, optionally filtered to one segment.
  const rest = Array.from({ length: parts }, (_, i) => `json_extract("key", '$[${i + 1}]')`).join(` || char(31) || `);
  const { results } = await d1
    .prepare(
      `SELECT ${rest} AS k, ${ADDITIVE_SUMS} FROM daily_metrics
       WHERE workspace_id = ?1 AND dim = ?2 AND day BETWEEN ?3 AND ?4 AND (?5 IS NULL OR json_extract("key", '$[0]') = ?5)
       GROUP BY k`,
    )
    .bind(ws, dim, range.from, range.to, segment)
    .all<Row>();
  return results;
}

async function baseline(d1: D1Database, ws: string, range: Range, segment: string | null): Promise<Additive> {
  const row = await d1
    .prepare(`SELECT ${ADDITIVE_SUMS} FROM daily_metrics WHERE workspace_id = ?1 AND dim = ?2 AND "key" = ?3 AND day BETWEEN ?4 AND ?5`)
    .bind(ws, segment === null ? 'all' : 'segment', segment ?? '', range.from, range.to)
    .first<Additive>();
  return { ...zeroAdditive(), ...Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, v ?? 0])) };
}

type Reason = { code: string; detail: string };

/** Why a touchpoint is a critical moment, judged against the rest of the workspace (or segment). */
export function criticalReasons(tp: Additive, all: Additive, configuredCritical: boolean): Reason[] {
  const reasons: Reason[] = [];
  const t = THRESHOLDS;
  const npsN = tp.npsPromoters + tp.npsPassives + tp.npsDetractors;
  const restNpsN = all.npsPromoters + all.npsPassives + all.npsDetractors - npsN;
  const m = buildMetrics(tp, 0, null, noTickets());
  if (configuredCritical) {
    const bad: string[] = [];
    if (npsN >= t.minSample && m.nps.score! < t.critical.npsBelow) bad.push(`NPS ${m.nps.score}`);
    if (tp.csatResponses >= t.minSample && m.csat.score! < t.critical.csatBelow) bad.push(`CSAT ${m.csat.score}`);
    if (tp.cesResponses >= t.minSample && m.ces.score! < t.critical.cesBelow) bad.push(`CES ${m.ces.score}`);
    if (tp.intCount >= t.minSample && m.interactions.negativeRate! > t.critical.negativeRateAbove) {
      bad.push(`negative rate ${m.interactions.negativeRate}%`);
    }
    if (bad.length) reasons.push({ code: 'critical-underperforming', detail: `configured as critical and ${bad.join(', ')}` });
  }
  const checks: [string, string, number, number, number, number][] = [
    ['detractor-share', 'detractor share', tp.npsDetractors, npsN, all.npsDetractors - tp.npsDetractors, restNpsN],
    ['negative-rate', 'negative rate', tp.intNegative, tp.intCount, all.intNegative - tp.intNegative, all.intCount - tp.intCount],
    ['failure-rate', 'failure rate', tp.intFailure, tp.intCount, all.intFailure - tp.intFailure, all.intCount - tp.intCount],
  ];
  for (const [code, label, x, n, xr, nr] of checks) {
    const verdict = standsOut(x, n, xr, nr, t.minSample, t.minGapPoints, t.zOneSided);
    if (verdict) reasons.push({ code: `${code}-high`, detail: `${label} ${verdict.rate}% against ${verdict.restRate}% elsewhere (n=${n})` });
  }
  return reasons;
}


export async function journeyReport(
  d1: D1Database,
  ws: string,
  tz: string,
  range: Range,
  segment: string | null,
  inventory: { stages: InventoryStage[]; touchpoints: InventoryTouchpoint[] },
  facts = new PeriodFacts(d1),
) {
  const seg = segment;
  const [tpSums, tpCustomers, emoRows, stageCustomers, channelCustomers, all] = await Promise.all([
    sumsBy(d1, ws, 'seg_tp', range, seg, 1),
    facts.reach(ws, range, 'touchpoint', seg),
    sumsBy(d1, ws, 'seg_tp_emo', range, seg, 2),
    facts.reach(ws, range, 'stage', seg),
    facts.reach(ws, range, 'stageChannel', seg),
    baseline(d1, ws, range, seg),
  ]);
  const sums = new Map(tpSums.map((r) => [r.k, r]));
  const emotions = new Map<string, { emotion: string; count: number }[]>();
  for (const r of emoRows) {
    const [tp, emotion] = r.k.split('\u001f');
    emotions.set(tp, [...(emotions.get(tp) ?? []), { emotion, count: r.intCount }]);
  }
  const describe = (key: string, critical: boolean) => {
    const a = sums.get(key) ?? zeroAdditive();
    const m = buildMetrics(a, tpCustomers.get(key) ?? 0, null, noTickets());
    const reasons = criticalReasons(a, all, critical);
    return {
      volume: { interactions: a.intCount, customers: m.interactions.customers },
      nps: m.nps,
      csat: m.csat,
      ces: m.ces,
      meanSentiment: m.interactions.meanSentiment,
      negativeRate: m.interactions.negativeRate,
      failureRate: percent(a.intFailure, a.intCount),
      emotions: (emotions.get(key) ?? []).sort((x, y) => y.count - x.count || (x.emotion < y.emotion ? -1 : 1)),
      criticalMoment: reasons.length > 0,
      reasons,
    };
  };
  const configured = new Set(inventory.touchpoints.map((t) => t.key));
  const stages = [...inventory.stages]
    .sort((a, b) => a.position - b.position || (a.key < b.key ? -1 : 1))
    .map((st) => {
      const customers = stageCustomers.get(st.key) ?? 0;
      const channels = [...channelCustomers]
        .filter(([k]) => k.split('\u001f')[0] === st.key)
        .map(([k, n]) => ({ channel: k.split('\u001f')[1] || null, customers: n, share: percent(n, customers) }))
        .sort((a, b) => b.customers - a.customers);
      const touchpoints = inventory.touchpoints
        .filter((t) => t.stage === st.key)
        .map((t) => ({ key: t.key, name: t.name, channel: t.channel, owner: t.owner, intentional: t.intentional, critical: t.critical, ...describe(t.key, t.critical) }));
      return { key: st.key, name: st.name, position: st.position, customers, channels, touchpoints };
    });
  const unconfigured = [...sums.keys()]
    .filter((k) => k !== '' && !configured.has(k))
    .sort()
    .map((k) => ({ key: k, ...describe(k, false) }));
  return {
    ...reportEnvelope(range, tz),
    segment: seg,
    thresholds: THRESHOLDS,
    stages,
    unconfigured,
  };
}

export async function journeyFor(d1: D1Database, ws: string, tz: string, range: Range, segment: string | null, facts = new PeriodFacts(d1)) {
  return journeyReport(d1, ws, tz, range, segment, await facts.inventory(ws), facts);
}
