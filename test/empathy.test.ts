import { describe, expect, it } from 'vitest';
import { empathyReport } from '../src/journey/empathy.ts';
import type { EmpathyCell, EmpathyReport } from '../src/reports/voice-types.ts';
import { apiJson } from './helpers.ts';
import { d1, shop, VOICE_RANGE } from './voice.ts';

const ALL = { segment: null, stage: null };
const cellOf = (r: EmpathyReport, segment: string | null, stage: string | null): EmpathyCell => {
  const cell = r.cells.find((c) => c.segment === segment && c.stage === stage);
  if (!cell) throw new Error(`no cell ${segment} × ${stage}`);
  return cell;
};

describe('empathy map, worked by hand (test/voice.ts)', () => {
  it('has one cell per segment × stage that saw an event, stages in inventory order, no stage last', async () => {
    const ws = await shop();
    const r = (await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, ALL)) as EmpathyReport;
    expect(r.cells.map((c) => [c.segment, c.stage, c.stageName])).toEqual([
      ['bronze', 'awareness', 'Awareness'],
      ['silver', 'awareness', 'Awareness'],
      ['gold', 'purchase', 'Purchase'],
      ['silver', 'after-sales', 'After-sales'],
      ['gold', null, null],
    ]);
  });

  it('gold at purchase: says, does, feels, frustrations, and an empty motivations quadrant that says why', async () => {
    const ws = await shop();
    const gold = cellOf((await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, ALL)) as EmpathyReport, 'gold', 'purchase');
    // c1, c2 (checkout) and c9 (store-till) commented; c7 did not and c8's comment is blank.
    expect(gold.says).toEqual({
      empty: false,
      comments: 3,
      themes: [
        { key: 'price', name: 'Precio', polarity: 'negative', mentions: 2 },
        { key: 'delivery', name: 'Entrega', polarity: 'neutral', mentions: 1 },
      ],
      quotes: [
        { text: 'Nadie en caja', survey: 'ces', score: 3, touchpoint: 'store-till', day: '2026-11-10' },
        { text: 'Too expensive and the delivery was slow. Mail me: [email]', survey: 'nps', score: 5, touchpoint: 'checkout', day: '2026-11-10' },
        { text: 'El PRECIO es muy caro, llamadme al [phone]', survey: 'nps', score: 2, touchpoint: 'checkout', day: '2026-11-10' },
      ],
    });
    expect(gold.does).toEqual({ empty: false, interactions: { count: 1, success: 0, failure: 1, abandoned: 0 }, responses: { nps: 4, csat: 0, ces: 1 } });
    expect(gold.feels).toEqual({ empty: false, emotions: [{ emotion: 'frustrated', count: 1 }], meanSentiment: -0.8 });
    expect(gold.frustrations).toEqual({
      empty: false,
      themes: [{ key: 'price', name: 'Precio', polarity: 'negative', mentions: 2 }],
      failureRate: 100,
      abandonmentRate: 0,
    });
    expect(gold.motivations).toEqual({ empty: true, note: 'No promoter left a comment in this cell.', themes: [], promoterComments: 0 });
  });

  it('silver at awareness: motivations are positive themes counted among promoters', async () => {
    const ws = await shop();
    const silver = cellOf((await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, ALL)) as EmpathyReport, 'silver', 'awareness');
    expect(silver.says.themes.map((t) => [t.key, t.mentions])).toEqual([['staff', 2], ['price', 1]]);
    expect(silver.motivations).toEqual({ empty: false, themes: [{ key: 'staff', name: 'Personal', polarity: 'positive', mentions: 2 }], promoterComments: 2 });
    expect(silver.frustrations).toMatchObject({ empty: false, failureRate: 0, abandonmentRate: 50 });
    expect(silver.feels).toEqual({ empty: false, emotions: [{ emotion: 'bored', count: 1 }, { emotion: 'happy', count: 1 }], meanSentiment: 0.2 });
  });

  it('empty quadrants say so', async () => {
    const ws = await shop();
    const r = (await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, ALL)) as EmpathyReport;
    const bronze = cellOf(r, 'bronze', 'awareness');
    expect(bronze.says).toEqual({ empty: true, note: 'No survey comment in this cell over the period.', comments: 0, themes: [], quotes: [] });
    expect(bronze.feels).toEqual({ empty: true, note: 'No interaction here carried an emotion or a sentiment.', emotions: [], meanSentiment: null });
    expect(bronze.frustrations).toEqual({ empty: true, note: 'No negative theme mentioned and no failed or abandoned interaction.', themes: [], failureRate: 0, abandonmentRate: 0 });
    const noStage = cellOf(r, 'gold', null);
    expect(noStage.does).toEqual({ empty: false, interactions: { count: 0, success: 0, failure: 0, abandoned: 0 }, responses: { nps: 0, csat: 1, ces: 0 } });
    expect(noStage.frustrations).toMatchObject({ empty: false, failureRate: null, abandonmentRate: null });
    const afterSales = cellOf(r, 'silver', 'after-sales');
    expect(afterSales.says).toMatchObject({ empty: false, comments: 1, themes: [] });
    expect(afterSales.motivations).toMatchObject({ empty: true, note: 'No promoter left a comment in this cell.' });
    // A range without events has no cells at all.
    const none = (await empathyReport(d1(), ws.id, 'UTC', { from: '2026-10-01', to: '2026-10-05' }, ALL)) as EmpathyReport;
    expect(none.cells).toEqual([]);
  });

  it('filters by segment and by stage, over HTTP too', async () => {
    const ws = await shop();
    const q = `from=${VOICE_RANGE.from}&to=${VOICE_RANGE.to}`;
    const silver = await apiJson<EmpathyReport>(`/v1/reports/empathy?${q}&segment=silver`, { key: ws.keys.read });
    expect(silver.status).toBe(200);
    expect(silver.body.cells.map((c) => [c.segment, c.stage])).toEqual([['silver', 'awareness'], ['silver', 'after-sales']]);
    expect(silver.body).toMatchObject({ segment: 'silver', stage: null, complete: true, pendingDays: 0 });
    const awareness = await apiJson<EmpathyReport>(`/v1/reports/empathy?${q}&stage=awareness`, { key: ws.keys.read });
    expect(awareness.body.cells.map((c) => c.segment)).toEqual(['bronze', 'silver']);
    const both = await apiJson<EmpathyReport>(`/v1/reports/empathy?${q}&stage=purchase&segment=gold`, { key: ws.keys.read });
    const whole = (await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, ALL)) as EmpathyReport;
    expect(both.body.cells).toEqual([cellOf(whole, 'gold', 'purchase')]);
    const unknown = await apiJson<EmpathyReport>(`/v1/reports/empathy?${q}&segment=platinum`, { key: ws.keys.read });
    expect(unknown.body.cells).toEqual([]);
  });
});
