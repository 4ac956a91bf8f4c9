import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMetrics, noTickets, zeroAdditive, type Additive } from '../src/metrics/definitions.ts';
import { changesBetween } from '../src/metrics/changes.ts';
import { meanChange, npsChange, npsVariance, proportionChange, sampleVariance, wilson } from '../src/metrics/significance.ts';

describe('intervals for changes, against hand-worked values', () => {
  it('Wilson: 50/100 → centre 0.5, half 1.96/1.038416 × √(0.0025 + 0.00009604) = 0.09617', () => {
    const w = wilson(50, 100)!;
    expect(w.low).toBeCloseTo(0.40383, 5);
    expect(w.high).toBeCloseTo(0.59617, 5);
    // x = n: the lower end is n / (n + z²) = 40 / 43.8416 = 0.912375, the upper end 1.
    expect(wilson(40, 40)!.low).toBeCloseTo(0.912375, 6);
    expect(wilson(40, 40)!.high).toBe(1);
    expect(wilson(0, 0)).toBeNull();
  });

  it("Newcombe's hybrid score: his worked example 56/70 − 48/80 = 0.2 in (0.0524, 0.3339)", () => {
    // Wilson 56/70 = (0.69183, 0.87695), 48/80 = (0.49045, 0.70038);
    // low = 0.2 − √((0.8 − 0.69183)² + (0.70038 − 0.6)²) = 0.2 − 0.14757 = 0.05243,
    // high = 0.2 + √((0.87695 − 0.8)² + (0.6 − 0.49045)²) = 0.2 + 0.13387 = 0.33387.
    expect(proportionChange(56, 70, 48, 80)).toEqual({ low: 5.24, high: 33.39 });
    // 40/40 − 0/40: low = 1 − √(0.087625² + 0.087625²) = 1 − 0.123920 = 0.87608; high = 1.
    expect(proportionChange(40, 40, 0, 40)).toEqual({ low: 87.61, high: 100 });
    expect(proportionChange(1, 0, 1, 2)).toBeNull();
  });

  it('NPS: variance 100² × (p + d − (p − d)²) / n per period, variances of independent periods add', () => {
    // 50 P, 20 D of 100: (0.5 + 0.2 − 0.3²) / 100 × 10⁴ = 61. 40 P, 30 D of 100: (0.7 − 0.1²) / 100 × 10⁴ = 69.
    expect(npsVariance(50, 20, 100)).toBeCloseTo(61, 9);
    expect(npsVariance(40, 30, 100)).toBeCloseTo(69, 9);
    // NPS 30 − 10 = 20 ± 1.96 × √130 = 20 ± 22.3474 → (−2.35, 42.35): not significant.
    expect(npsChange({ promoters: 50, detractors: 20, n: 100 }, { promoters: 40, detractors: 30, n: 100 })).toEqual({ low: -2.35, high: 42.35 });
    expect(npsChange({ promoters: 1, detractors: 0, n: 1 }, { promoters: 0, detractors: 0, n: 0 })).toBeNull();
  });

  it('CES: a difference of means with s² = (Σx² − (Σx)²/n) / (n − 1)', () => {
    // 2, 4, 4, 6: Σ 16, Σx² 72, s² = (72 − 64)/3 = 8/3. 3, 3, 6: Σ 12, Σx² 54, s² = (54 − 48)/2 = 3.
    expect(sampleVariance(4, 16, 72)).toBeCloseTo(8 / 3, 12);
    // 4 − 4 = 0 ± 1.96 × √(8/3/4 + 3/3) = ± 1.96 × 1.290994 = ± 2.530349.
    expect(meanChange({ n: 4, sum: 16, sumSq: 72 }, { n: 3, sum: 12, sumSq: 54 })).toEqual({ low: -2.53, high: 2.53 });
    expect(meanChange({ n: 1, sum: 5, sumSq: 25 }, { n: 3, sum: 12, sumSq: 54 })).toBeNull();
    // A sum of squares no scores can give (days rolled up before ces_sq): no interval, not a zero-width one.
    expect(sampleVariance(3, 12, 0)).toBeNull();
    expect(sampleVariance(3, 12, 48)).toBe(0); // 4, 4, 4
  });
});

const period = (a: Partial<Additive>) => {
  const sums = { ...zeroAdditive(), ...a };
  return { sums, metrics: buildMetrics(sums, 0, { start: 0, end: 0, churned: 0, new: 0 }, noTickets()) };
};

describe('summary changes per rate', () => {
  it('marks significant only when the interval excludes 0, and lowSample under 30 answers', () => {
    const c = changesBetween(period({ csatResponses: 40, csatSatisfied: 40 }), period({ csatResponses: 40, csatSatisfied: 0 }));
    expect(c.csat).toEqual({ change: 100, interval: { low: 87.61, high: 100 }, significant: true, lowSample: false, n: 40, previousN: 40 });
    const nps = changesBetween(period({ npsPromoters: 50, npsDetractors: 20, npsPassives: 30 }), period({ npsPromoters: 40, npsDetractors: 30, npsPassives: 30 }));
    expect(nps.nps).toEqual({ change: 20, interval: { low: -2.35, high: 42.35 }, significant: false, lowSample: false, n: 100, previousN: 100 });
    const ces = changesBetween(period({ cesResponses: 4, cesSum: 16, cesSq: 72, cesEasy: 1 }), period({ cesResponses: 3, cesSum: 12, cesSq: 54, cesEasy: 1 }));
    expect(ces.ces).toEqual({ change: 0, interval: { low: -2.53, high: 2.53 }, significant: false, lowSample: true, n: 4, previousN: 3 });
    // No data before: no change, no interval, never significant.
    expect(ces.churn).toEqual({ change: null, interval: null, significant: false, lowSample: true, n: 0, previousN: 0 });
  });

  it('every interval contains its change, and significance is exactly "the interval excludes 0" (property)', () => {
    const side = fc.tuple(fc.nat(60), fc.nat(60), fc.nat(60)).map(([p, s, d]) => period({ npsPromoters: p, npsPassives: s, npsDetractors: d, csatResponses: p + s, csatSatisfied: p, intCount: p + d, intNegative: d, cesResponses: s, cesSum: 4 * s, cesSq: 17 * s, cesEasy: Math.floor(s / 2) }));
    fc.assert(
      fc.property(side, side, (a, b) => {
        for (const c of Object.values(changesBetween(a, b))) {
          if (c.interval === null) expect(c.significant).toBe(false);
          else {
            expect(c.interval.low).toBeLessThanOrEqual(c.change! + 0.01);
            expect(c.interval.high).toBeGreaterThanOrEqual(c.change! - 0.01);
            expect(c.significant).toBe(c.interval.low > 0 || c.interval.high < 0);
          }
          expect(c.lowSample).toBe(c.n < 30 || c.previousN < 30);
        }
      }),
    );
  });
});
