import { describe, expect, it } from 'vitest';
import { dayStart, localDay, periodBounds } from '../src/platform/time.ts';
import { buildMetrics, median, percent, round2, zeroAdditive } from '../src/metrics/definitions.ts';

const noTickets = { received: 0, resolved: 0, medianFirstResponseMinutes: null, p90FirstResponseMinutes: null, awaitingFirstResponse: 0 };

describe('metric definitions', () => {
  it('NPS is null with no responses and 0 when all are passives', () => {
    expect(buildMetrics(zeroAdditive(), 0, null, noTickets).nps.score).toBeNull();
    const passives = { ...zeroAdditive(), npsPassives: 7 };
    expect(buildMetrics(passives, 0, null, noTickets).nps).toEqual({ score: 0, responses: 7, promoters: 0, passives: 7, detractors: 0 });
  });

  it('NPS = 100 × (promoters − detractors) / responses, rounded half away from zero', () => {
    const a = { ...zeroAdditive(), npsPromoters: 15, npsPassives: 15, npsDetractors: 10 };
    expect(buildMetrics(a, 0, null, noTickets).nps.score).toBe(12.5);
    // 1 promoter, 7 detractors of 8: −75 exactly; 1 of 3 promoters, 2 detractors: −33.33…
    expect(percent(1 - 7, 8)).toBe(-75);
    expect(percent(1 - 2, 3)).toBe(-33.33);
    expect(percent(2, 3)).toBe(66.67);
    expect(percent(1, 8)).toBe(12.5);
    expect(percent(1, 800)).toBe(0.13); // 0.125 → 0.13
    expect(percent(-1, 800)).toBe(-0.13);
  });

  it('CSAT, CES and interactions follow the SPEC example figures', () => {
    const a = {
      ...zeroAdditive(),
      csatResponses: 20, csatSatisfied: 16,
      cesResponses: 10, cesSum: 52, cesEasy: 7,
      intCount: 900, intSuccess: 700, intFailure: 100, intAbandoned: 50, intNegative: 164, sentSum: 180, sentCount: 900,
    };
    const m = buildMetrics(a, 200, { start: 120, end: 130, churned: 3, new: 13 }, {
      received: 30,
      resolved: 27,
      medianFirstResponseMinutes: 42,
      p90FirstResponseMinutes: 300,
      awaitingFirstResponse: 2,
    });
    expect(m.csat).toEqual({ score: 80, responses: 20, satisfied: 16 });
    expect(m.ces).toEqual({ score: 5.2, responses: 10, easyRate: 70 });
    expect(m.churn).toEqual({ rate: 2.5, churned: 3, customersAtStart: 120 });
    expect(m.retention).toEqual({ rate: 97.5, customersAtStart: 120, customersAtEnd: 130, newCustomers: 13 });
    expect(m.resolution).toEqual({
      rate: 90,
      received: 30,
      resolved: 27,
      medianFirstResponseMinutes: 42,
      p90FirstResponseMinutes: 300,
      awaitingFirstResponse: 2,
    });
    expect(m.interactions).toEqual({ count: 900, customers: 200, success: 700, failure: 100, abandoned: 50, meanSentiment: 0.2, negativeRate: 18.22 });
  });

  it('rates are null, not 0, when there is nothing to measure', () => {
    const m = buildMetrics(zeroAdditive(), 0, { start: 0, end: 5, churned: 0, new: 5 }, noTickets);
    expect([m.csat.score, m.ces.score, m.ces.easyRate, m.churn!.rate, m.retention!.rate, m.resolution.rate, m.interactions.meanSentiment, m.interactions.negativeRate]).toEqual(
      Array(8).fill(null),
    );
  });

  it('medians and rounding', () => {
    expect(median([])).toBeNull();
    expect(median([120, 30])).toBe(75);
    expect(median([5, 1, 3])).toBe(3);
    expect(round2(-0.0666666)).toBe(-0.07);
    expect(round2(1.005)).toBe(1.01);
  });
});

describe('local days', () => {
  it('23:59:59 local belongs to the day, 00:00:00 to the next', () => {
    expect(localDay(Date.parse('2026-10-24T23:59:59+02:00'), 'Europe/Madrid')).toBe('2026-10-24');
    expect(localDay(Date.parse('2026-10-25T00:00:00+02:00'), 'Europe/Madrid')).toBe('2026-10-25');
    expect(localDay(Date.parse('2026-10-24T23:59:59+02:00'), 'UTC')).toBe('2026-10-24');
    expect(localDay(Date.parse('2026-10-24T22:00:00Z'), 'UTC')).toBe('2026-10-24');
  });

  it('DST days last 23 and 25 hours', () => {
    const hours = (day: string, tz: string) => {
      const { start, end } = periodBounds(day, day, tz);
      return (end - start) / 3_600_000;
    };
    expect(hours('2026-03-29', 'Europe/Madrid')).toBe(23);
    expect(hours('2026-10-25', 'Europe/Madrid')).toBe(25);
    expect(hours('2026-11-01', 'America/New_York')).toBe(25);
    expect(hours('2026-06-01', 'Europe/Madrid')).toBe(24);
    expect(dayStart('2026-10-25', 'Europe/Madrid')).toBe(Date.parse('2026-10-25T00:00:00+02:00'));
    expect(dayStart('2026-10-26', 'Europe/Madrid')).toBe(Date.parse('2026-10-26T00:00:00+01:00'));
    expect(dayStart('2026-03-01', 'Asia/Kolkata')).toBe(Date.parse('2026-03-01T00:00:00+05:30'));
  });
});
