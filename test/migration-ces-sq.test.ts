import { describe, expect, it } from 'vitest';
import { migratedBefore } from './helpers.ts';

describe('migration 0012: ces_sq', () => {
  it('marks every day with CES answers rolled up before ces_sq for a full rollup, and no other day', async () => {
    const { db, apply } = await migratedBefore('0012_insights_stats');
    const row = (day: string, ces: number) =>
      db.prepare(`INSERT INTO daily_metrics (workspace_id, day, dim, "key", ces_responses, ces_sum) VALUES ('w', ?1, 'all', '', ?2, ?2)`).bind(day, ces);
    await db.batch([
      row('2026-01-01', 3),
      row('2026-01-02', 0),
      row('2026-01-03', 2),
      db.prepare(`INSERT INTO dirty_days (workspace_id, day, kind, version) VALUES ('w', '2026-01-03', 'people', 4)`),
    ]);
    await apply();
    const { results } = await db.prepare(`SELECT day, kind, version FROM dirty_days WHERE workspace_id = 'w' ORDER BY day`).all();
    expect(results).toEqual([
      { day: '2026-01-01', kind: 'full', version: 1 },
      { day: '2026-01-03', kind: 'full', version: 5 },
    ]);
  });
});
