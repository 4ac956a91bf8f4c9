// What the summary's `previous` says per rate: the change against the previous period, its
// 95% interval, whether the interval excludes 0, and whether either period has too few answers
// for the figure to be read with confidence. Pure: computed from the two periods' counts.
import type { Additive, Metrics } from './definitions.ts';
import { round2 } from './definitions.ts';
import { meanChange, npsChange, proportionChange, type Interval } from './significance.ts';

/** Fewer answers than this in either period make a rate `lowSample`. */
export const LOW_SAMPLE = 30;

export type Change = {
  /** now − before, in the rate's own units (points; CES: score units); null when either side has no data. */
  change: number | null;
  interval: Interval | null;
  significant: boolean;
  lowSample: boolean;
  n: number;
  previousN: number;
};

export const CHANGE_RATES = ['nps', 'csat', 'ces', 'cesEasyRate', 'churn', 'retention', 'resolution', 'negativeRate'] as const;
export type ChangeRate = (typeof CHANGE_RATES)[number];

/** One period's figures: its metrics and the additive sums they came from. */
export type PeriodFigures = { metrics: Metrics; sums: Additive };

function change(now: number | null, before: number | null, interval: Interval | null, n: number, previousN: number): Change {
  const known = now !== null && before !== null;
  const i = known ? interval : null;
  return {
    change: known ? round2(now - before) : null,
    interval: i,
    significant: i !== null && (i.low > 0 || i.high < 0),
    lowSample: n < LOW_SAMPLE || previousN < LOW_SAMPLE,
    n,
    previousN,
  };
}

/** x of n as an exact rate (0…100), or null. */
const rate = (x: number, n: number) => (n > 0 ? (100 * x) / n : null);

function proportion(x1: number, n1: number, x2: number, n2: number): Change {
  return change(rate(x1, n1), rate(x2, n2), proportionChange(x1, n1, x2, n2), n1, n2);
}

/** The change of every rate of `now` against `before` (the previous period). */
export function changesBetween(now: PeriodFigures, before: PeriodFigures): Record<ChangeRate, Change> {
  const [a, b] = [now.metrics, before.metrics];
  const [sa, sb] = [now.sums, before.sums];
  const npsOf = (m: Metrics) => ({ promoters: m.nps.promoters, detractors: m.nps.detractors, n: m.nps.responses });
  const cesOf = (s: Additive) => ({ n: s.cesResponses, sum: s.cesSum, sumSq: s.cesSq });
  const nps = (m: Metrics) => rate(m.nps.promoters - m.nps.detractors, m.nps.responses);
  const cesMean = (s: Additive) => (s.cesResponses > 0 ? s.cesSum / s.cesResponses : null);
  const life = (m: Metrics) => ({
    start: m.churn?.customersAtStart ?? 0,
    churned: m.churn?.churned ?? 0,
    stayed: m.retention ? m.retention.customersAtEnd - m.retention.newCustomers : 0,
  });
  const [la, lb] = [life(a), life(b)];
  return {
    nps: change(nps(a), nps(b), npsChange(npsOf(a), npsOf(b)), a.nps.responses, b.nps.responses),
    csat: proportion(a.csat.satisfied, a.csat.responses, b.csat.satisfied, b.csat.responses),
    ces: change(cesMean(sa), cesMean(sb), meanChange(cesOf(sa), cesOf(sb)), sa.cesResponses, sb.cesResponses),
    cesEasyRate: proportion(sa.cesEasy, sa.cesResponses, sb.cesEasy, sb.cesResponses),
    churn: proportion(la.churned, la.start, lb.churned, lb.start),
    retention: proportion(la.stayed, la.start, lb.stayed, lb.start),
    resolution: proportion(a.resolution.resolved, a.resolution.received, b.resolution.resolved, b.resolution.received),
    negativeRate: proportion(sa.intNegative, sa.intCount, sb.intNegative, sb.intCount),
  };
}
