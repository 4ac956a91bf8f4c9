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
