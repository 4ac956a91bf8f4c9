import { describe, expect, it } from 'vitest';
import { addDays, localDay } from '../src/platform/time.ts';
import { apiJson, ev, newWorkspace, send } from './helpers.ts';
import { rollupRange } from './drain.ts';

describe('summary: change of each rate against the previous period, over HTTP', () => {
  it('CES from the rolled-up sum of squares, NPS and CSAT with their hand-worked intervals', async () => {
    const ws = await newWorkspace('UTC');
    const day = addDays(localDay(Date.now(), 'UTC'), -1);
    const before = addDays(day, -1);
    const at = (d: string) => `${d}T12:00:00Z`;
    const answers = (d: string, survey: string, scores: number[]) => scores.map((score) => ev.response({ survey, score, timestamp: at(d) }));
    const sent = await send(ws, { batch: [
      // CES now 2, 4, 4, 6 and before 3, 3, 6: change 0 ± 2.53 (test/significance.test.ts works it out).
      ...answers(day, 'ces', [2, 4, 4, 6]),
      ...answers(before, 'ces', [3, 3, 6]),
      // NPS now 10, 10, 0: 33.33; before 9, 7: 50. Variances 10⁴ × (1 − 1/9)/3 = 2962.96 and
      // 10⁴ × (0.5 − 0.25)/2 = 1250: −16.67 ± 1.96 × √4212.96 = −16.67 ± 127.22 → (−143.89, 110.55).
      ...answers(day, 'nps', [10, 10, 0]),
      ...answers(before, 'nps', [9, 7]),
      // CSAT 40/40 satisfied now, 0/40 before: +100 in (87.61, 100), significant with enough answers.
      ...answers(day, 'csat', Array(40).fill(5)),
      ...answers(before, 'csat', Array(40).fill(1)),
    ] });
    expect(sent.status).toBe(202);
    await rollupRange(ws, before, day);
    const r = await apiJson(`/v1/reports/summary?from=${day}&to=${day}`, { key: ws.keys.read });
    expect(r.status).toBe(200);
    const ch = r.body.previous.changes;
    expect(ch.ces).toEqual({ change: 0, interval: { low: -2.53, high: 2.53 }, significant: false, lowSample: true, n: 4, previousN: 3 });
    expect(ch.nps).toEqual({ change: -16.67, interval: { low: -143.89, high: 110.55 }, significant: false, lowSample: true, n: 3, previousN: 2 });
    expect(ch.csat).toEqual({ change: 100, interval: { low: 87.61, high: 100 }, significant: true, lowSample: false, n: 40, previousN: 40 });
    // No tickets in either period: nothing to compare.
    expect(ch.resolution).toMatchObject({ change: null, interval: null, significant: false, lowSample: true });
    expect(Object.keys(ch).sort()).toEqual(['ces', 'cesEasyRate', 'churn', 'csat', 'negativeRate', 'nps', 'resolution', 'retention']);
  });
});
