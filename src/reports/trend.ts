// GET /v1/reports/trend: one point per week or month, each computed exactly for its own days
// like a summary of that interval (additive counts summed, churn from lifecycle at the
// interval's instants, resolution from the tickets it received), with its 95% interval and
// whether it differs significantly from the point before.
import { periodBounds, type Range } from '../platform/time.ts';
import { ADDITIVE_FIELDS, buildMetrics, noLifecycle, noTickets, round2, zeroAdditive, type Additive, type Tickets } from '../metrics/definitions.ts';
import { changesBetween, LOW_SAMPLE, type PeriodFigures } from '../metrics/changes.ts';
import { npsVariance, sampleVariance, wilson, Z_95_TWO_SIDED, type Interval } from '../metrics/significance.ts';
import { lifecycleByPeriods, sumLifecycle } from '../rollup/lifecycle.ts';
import { ticketFigures, ticketsInPeriod } from '../rollup/tickets.ts';
import { intervalsOf, type Bucket, type IntervalKind } from './intervals.ts';
import { PLAIN, reportEnvelope } from './reports.ts';

export const TREND_METRICS = ['nps', 'csat', 'ces', 'churn', 'resolution'] as const;
export type TrendMetric = (typeof TREND_METRICS)[number];


/** Additive sums per bucket, from the days of dimension `all`. */
async function sumsPerBucket(d1: D1Database, ws: string, range: Range, buckets: Bucket[]): Promise<Additive[]> {
  const { results } = await d1
    .prepare(`SELECT day, ${PLAIN} FROM daily_metrics WHERE workspace_id = ?1 AND dim = 'all' AND "key" = '' AND day BETWEEN ?2 AND ?3`)
    .bind(ws, range.from, range.to)
    .all<Additive & { day: string }>();
  const sums = buckets.map(() => zeroAdditive());
  for (const row of results) {
    const i = buckets.findIndex((b) => row.day >= b.from && row.day <= b.to);
    if (i < 0) continue;
    for (const f of ADDITIVE_FIELDS) sums[i][f] += row[f] ?? 0;
  }
  return sums;
}

async function figuresPerBucket(d1: D1Database, ws: string, tz: string, range: Range, buckets: Bucket[], metric: TrendMetric): Promise<PeriodFigures[]> {
  const spans = buckets.map((b) => periodBounds(b.from, b.to, tz));
  const needsSums = metric === 'nps' || metric === 'csat' || metric === 'ces';
  const [sums, life, tickets] = await Promise.all([
    needsSums ? sumsPerBucket(d1, ws, range, buckets) : buckets.map(() => zeroAdditive()),
    metric === 'churn' ? lifecycleByPeriods(d1, ws, spans).then((all) => all.map((bySeg) => sumLifecycle(bySeg.values()))) : buckets.map(noLifecycle),
    metric === 'resolution'
      ? Promise.all(spans.map((s) => ticketsInPeriod(d1, ws, s.start, s.end).then(ticketFigures)))
      : buckets.map((): Tickets => noTickets()),
  ]);
  return buckets.map((_, i) => ({ sums: sums[i], metrics: buildMetrics(sums[i], 0, life[i], tickets[i]) }));
}

const scaled = (w: { low: number; high: number } | null): Interval | null => w && { low: round2(100 * w.low), high: round2(100 * w.high) };
/** score ± 1.96 √variance, kept within the scale the score can take (NPS −100…100, CES 1…7). */
function around(score: number, variance: number | null, [min, max]: [number, number]): Interval | null {
  if (variance === null) return null;
  const half = Z_95_TWO_SIDED * Math.sqrt(variance);
  return { low: round2(Math.max(min, score - half)), high: round2(Math.min(max, score + half)) };
}

/** A point's score, its n and its own 95% interval (the same methods as the summary's changes). */
export function pointOf(metric: TrendMetric, f: PeriodFigures): { score: number | null; n: number; interval: Interval | null } {
  const m = f.metrics;
  switch (metric) {
    case 'nps': {
      const n = m.nps.responses;
      const v = npsVariance(m.nps.promoters, m.nps.detractors, n);
      return { score: m.nps.score, n, interval: n ? around((100 * (m.nps.promoters - m.nps.detractors)) / n, v, [-100, 100]) : null };
    }
    case 'csat':
      return { score: m.csat.score, n: m.csat.responses, interval: scaled(wilson(m.csat.satisfied, m.csat.responses)) };
    case 'ces': {
      const { cesResponses: n, cesSum: sum, cesSq: sumSq } = f.sums;
      const v = sampleVariance(n, sum, sumSq);
      return { score: m.ces.score, n, interval: n && v !== null ? around(sum / n, v / n, [1, 7]) : null };
    }
    case 'churn':
      return { score: m.churn!.rate, n: m.churn!.customersAtStart, interval: scaled(wilson(m.churn!.churned, m.churn!.customersAtStart)) };
    case 'resolution':
      return { score: m.resolution.rate, n: m.resolution.received, interval: scaled(wilson(m.resolution.resolved, m.resolution.received)) };
  }
}

export async function trendReport(d1: D1Database, ws: string, tz: string, range: Range, interval: IntervalKind, metric: TrendMetric) {
  const buckets = intervalsOf(range, interval);
  const figures = await figuresPerBucket(d1, ws, tz, range, buckets, metric);
  const points = buckets.map((b, i) => {
    const p = pointOf(metric, figures[i]);
    const c = i > 0 ? changesBetween(figures[i], figures[i - 1])[metric] : null;
    return {
      ...b,
      ...p,
      lowSample: p.n < LOW_SAMPLE,
      vsPrevious: c && { change: c.change, interval: c.interval, significant: c.significant, lowSample: c.lowSample },
    };
  });
  return { ...reportEnvelope(range, tz), interval, metric, points };
}
