// "Nice" axis ticks: round steps of 1, 2 or 5 × 10^n, never outside what the metric can be
// (0–100 for a percentage, −100…100 for NPS, ≥ 0 for a count).

export type Bounds = readonly [min: number, max: number];

const MAX_INTERVALS = 5;

/** Drops the float noise of k × step (0.30000000000000004 → 0.3). */
const clean = (x: number, step: number) => {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  return Number(x.toFixed(decimals)) + 0; // + 0 turns −0 into 0
};

/**
 * Ticks from the lowest to the highest, evenly spaced by a round step, covering [lo, hi]
 * clamped to `bounds`; between 3 and 6 of them.
 */
export function niceTicks(lo: number, hi: number, bounds: Bounds = [-Infinity, Infinity]): number[] {
  const [bMin, bMax] = bounds;
  let a = Math.max(bMin, Math.min(lo, hi));
  let b = Math.min(bMax, Math.max(lo, hi));
  if (!Number.isFinite(a) || !Number.isFinite(b) || a > b) [a, b] = [Math.max(bMin, 0), Math.min(bMax, 1)];
  if (a === b) {
    // One value (or a flat line): a small range around it, inside the bounds.
    const pad = Math.max(1, Math.abs(a) * 0.1);
    a = Math.max(bMin, a - pad);
    b = Math.min(bMax, b + pad);
    if (a === b) b = a + 1;
  }
  const range = b - a;
  let exponent = Math.floor(Math.log10(range / MAX_INTERVALS));
  for (;;) {
    for (const m of [1, 2, 5]) {
      const step = m * 10 ** exponent;
      // Steps of 1, 2, 5 × 10^n divide 100 (n ≤ 1) or are multiples of it, so clamping to the
      // bounds keeps the ends on the step grid for the bounds the dashboard uses.
      const first = Math.max(bMin, Math.floor(a / step + 1e-9) * step);
      const last = Math.min(bMax, Math.ceil(b / step - 1e-9) * step);
      const intervals = Math.round((last - first) / step);
      if (intervals <= MAX_INTERVALS) {
        const ticks = Array.from({ length: intervals + 1 }, (_, i) => clean(first + i * step, step));
        return ticks.length >= 2 ? ticks : [clean(first, step), clean(first + step, step)];
      }
    }
    exponent++;
  }
}
