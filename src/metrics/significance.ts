// Small-sample honesty: a rate only "stands out" or "matters" when its difference from the
// rest is larger than chance would make it, at 95% confidence.
import { round2 } from './definitions.ts';

/** One-sided 95% (critical moments). */
export const Z_95 = 1.645;
/** Two-sided 95% (confidence intervals). */
export const Z_95_TWO_SIDED = 1.96;

/**
 * Whether a rate x/n exceeds the rest's xr/nr by at least `minGap` points with a one-sided
 * two-proportion z-test at `z`, on at least `minSample` observations.
 */
export function standsOut(x: number, n: number, xr: number, nr: number, minSample: number, minGap: number, z: number) {
  if (n < minSample || nr < 1) return null;
  const p = x / n;
  const pr = xr / nr;
  const gap = (p - pr) * 100;
  if (gap < minGap) return null;
  const pooled = (x + xr) / (n + nr);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / nr));
  if (se === 0 || (p - pr) / se < z) return null;
  return { rate: round2(p * 100), restRate: round2(pr * 100) };
}

// Standard errors use pseudo-counts (one answer of each kind; Agresti–Caffo for rates) so
// that a tiny, unanimous sample gets a wide interval instead of a zero-width one.

/** NPS (−100…100) and its standard error: Var = (p + d − (p − d)²) / n. */
export function npsWithError(promoters: number, detractors: number, n: number) {
  if (n === 0) return { score: null, se: null };
  const p = (promoters + 1) / (n + 3);
  const d = (detractors + 1) / (n + 3);
  return { score: (100 * (promoters - detractors)) / n, se: 100 * Math.sqrt(Math.max(0, p + d - (p - d) ** 2) / (n + 3)) };
}

/** A proportion (0…100) and its standard error. */
export function rateWithError(x: number, n: number) {
  if (n === 0) return { score: null, se: null };
  const p = (x + 1) / (n + 2);
  return { score: (100 * x) / n, se: 100 * Math.sqrt((p * (1 - p)) / (n + 2)) };
}

/** Difference a − b with a two-sided 95% interval; null when either side has no data. */
export function gapWithInterval(a: { score: number | null; se: number | null }, b: { score: number | null; se: number | null }) {
  if (a.score === null || b.score === null) return null;
  const gap = a.score - b.score;
  const half = Z_95_TWO_SIDED * Math.sqrt(a.se! ** 2 + b.se! ** 2);
  return { gap, low: gap - half, high: gap + half };
}

// ---- Changes between two independent periods (summary `previous`, trend points) ----

/** An interval for a change, in the metric's own units, rounded to 2 decimals. */
export type Interval = { low: number; high: number };

/** Wilson score interval of a proportion x/n (0…1); null when n is 0. */
export function wilson(x: number, n: number, z = Z_95_TWO_SIDED): { low: number; high: number } | null {
  if (n <= 0 || x < 0 || x > n) return null;
  const p = x / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval (1998, method 10) for p1 − p2 = x1/n1 − x2/n2, in points
 * (×100): each side's distance comes from the Wilson intervals of the two proportions.
 */
export function proportionChange(x1: number, n1: number, x2: number, n2: number): Interval | null {
  const a = wilson(x1, n1);
  const b = wilson(x2, n2);
  if (!a || !b) return null;
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const d = p1 - p2;
  const low = d - Math.sqrt((p1 - a.low) ** 2 + (b.high - p2) ** 2);
  const high = d + Math.sqrt((a.high - p1) ** 2 + (p2 - b.low) ** 2);
  return { low: round2(100 * low), high: round2(100 * high) };
}

/** Variance of one period's NPS (in points²): 100² × (p + d − (p − d)²) / n. */
export function npsVariance(promoters: number, detractors: number, n: number): number | null {
  if (n <= 0) return null;
  const p = promoters / n;
  const d = detractors / n;
  return (10000 * (p + d - (p - d) ** 2)) / n;
}

/** NPS change of two independent periods with a normal 95% interval (variances add). */
export function npsChange(now: { promoters: number; detractors: number; n: number }, before: { promoters: number; detractors: number; n: number }): Interval | null {
  const v1 = npsVariance(now.promoters, now.detractors, now.n);
  const v2 = npsVariance(before.promoters, before.detractors, before.n);
  if (v1 === null || v2 === null) return null;
  const change = (100 * (now.promoters - now.detractors)) / now.n - (100 * (before.promoters - before.detractors)) / before.n;
  const half = Z_95_TWO_SIDED * Math.sqrt(v1 + v2);
  return { low: round2(change - half), high: round2(change + half) };
}

/**
 * Sample variance of scores from their count, sum and sum of squares; null under 2 scores, and
 * null when Σx² < (Σx)²/n, which no scores can give (days rolled up before ces_sq existed).
 */
export function sampleVariance(n: number, sum: number, sumSq: number): number | null {
  if (n < 2 || sumSq * n < sum * sum) return null;
  return (sumSq - (sum * sum) / n) / (n - 1);
}

/** Change of a mean (CES) between two independent periods: normal interval, s₁²/n₁ + s₂²/n₂. */
export function meanChange(now: { n: number; sum: number; sumSq: number }, before: { n: number; sum: number; sumSq: number }): Interval | null {
  const v1 = sampleVariance(now.n, now.sum, now.sumSq);
  const v2 = sampleVariance(before.n, before.sum, before.sumSq);
  if (v1 === null || v2 === null) return null;
  const change = now.sum / now.n - before.sum / before.n;
  const half = Z_95_TWO_SIDED * Math.sqrt(v1 / now.n + v2 / before.n);
  return { low: round2(change - half), high: round2(change + half) };
}
