// Theme counts and quotes carry the customer's segment: a segment change re-rolls the days of
// the customer's comments (they cannot be moved by difference), and an erasure drops a segment
// name only the erased customer had from them at once.
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { empathyReport } from '../src/journey/empathy.ts';
import type { EmpathyReport } from '../src/reports/voice-types.ts';
import { api, send } from './helpers.ts';
import { d1, rollUp, shop, VOICE_RANGE } from './voice.ts';

const voiceRows = async (ws: string) => {
  const q = (sql: string) => env.DB.prepare(sql).bind(ws).all().then((r) => r.results);
  return {
    themes: await q('SELECT * FROM daily_themes WHERE workspace_id = ? ORDER BY day, theme, touchpoint, segment, nps_group'),
    quotes: await q('SELECT * FROM daily_theme_quotes WHERE workspace_id = ? ORDER BY day, theme, seq'),
    terms: await q('SELECT * FROM daily_terms WHERE workspace_id = ? ORDER BY day, term'),
  };
};

describe('voice rows and segments', () => {
  it("a segment change re-rolls the customer's comment days: the rows equal every day rolled anew, and the empathy cell moves", async () => {
    const ws = await shop();
    // s4 (silver) said "Friendly staff, good price" at ads on 11-11 with NPS 9; now s4 is gold.
    expect((await send(ws, { type: 'identify', messageId: 'move-1', customerId: 's4', segment: 'gold', timestamp: '2026-11-12T09:00:00Z' })).status).toBe(202);
    await rollUp(ws);
    const moved = await voiceRows(ws.id);
    const map = (await empathyReport(d1(), ws.id, 'UTC', VOICE_RANGE, { segment: null, stage: null })) as EmpathyReport;
    const cell = (segment: string) => map.cells.find((c) => c.segment === segment && c.stage === 'awareness')!;
    expect(cell('gold').says).toMatchObject({ comments: 1, quotes: [{ text: 'Friendly staff, good price' }] });
    expect(cell('gold').motivations.themes).toEqual([{ key: 'staff', name: 'Personal', polarity: 'positive', mentions: 1 }]);
    expect(cell('silver').says).toMatchObject({ comments: 1, quotes: [{ text: 'Personal muy amable, ¡gracias!' }] });
    // Does and says agree on where s4 stands: the interaction moved with the comment.
    expect(cell('gold').does.interactions.abandoned).toBe(1);
    await env.DB.prepare(`INSERT INTO dirty_days (workspace_id, day, kind) SELECT DISTINCT ?1, day, 'full' FROM daily_metrics WHERE workspace_id = ?1
      ON CONFLICT DO UPDATE SET kind = 'full', version = version + 1`).bind(ws.id).run();
    await rollUp(ws);
    expect(moved).toEqual(await voiceRows(ws.id));
  });

  it('an erasure drops at once the theme rows of a segment name only the erased customer had', async () => {
    const ws = await shop();
    const lone = 'Zed Lone Segment 4711';
    expect((await send(ws, { batch: [
      { type: 'identify', messageId: 'z1', customerId: 'zed', segment: lone, timestamp: '2026-11-01T08:00:00Z' },
      { type: 'response', messageId: 'z2', customerId: 'zed', survey: 'nps', score: 3, comment: 'demasiado caro', touchpoint: 'ads', timestamp: '2026-11-11T08:00:00Z' },
    ] })).status).toBe(202);
    await rollUp(ws);
    const named = async () => (await env.DB.prepare('SELECT COUNT(*) AS n FROM daily_themes WHERE workspace_id = ?1 AND segment = ?2').bind(ws.id, lone).first<{ n: number }>())!.n;
    expect(await named()).toBeGreaterThan(0);
    expect((await api('/v1/customers/zed', { method: 'DELETE', key: ws.keys.admin })).status).toBe(202);
    expect(await named()).toBe(0);
    const quotes = await env.DB.prepare('SELECT text FROM daily_theme_quotes WHERE workspace_id = ?1').bind(ws.id).all<{ text: string }>();
    expect(quotes.results.map((q) => q.text)).not.toContain('demasiado caro');
  });
});
