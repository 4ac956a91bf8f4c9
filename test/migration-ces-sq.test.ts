import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

describe('migration 0012: ces_sq', () => {
  it('marks every day with CES answers rolled up before ces_sq for a full rollup, and no other day', async () => {
    const db = env.MIGRATION_DB;
    const at = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith('0012_insights_stats'));
    expect(at).toBeGreaterThan(0);
    await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, at));
    const row = (day: string, ces: number) =>
      db.prepare(`INSERT INTO daily_metrics (workspace_id, day, dim, "key", ces_responses, ces_sum) VALUES ('w', ?1, 'all', '', ?2, ?2)`).bind(day, ces);
    await db.batch([
      row('2026-01-01', 3),
      row('2026-01-02', 0),
      row('2026-01-03', 2),
      db.prepare(`INSERT INTO dirty_days (workspace_id, day, kind, version) VALUES ('w', '2026-01-03', 'people', 4)`),
    ]);
    await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, at + 1));
    const { results } = await db.prepare(`SELECT day, kind, version FROM dirty_days WHERE workspace_id = 'w' ORDER BY day`).all();
    expect(results).toEqual([
      { day: '2026-01-01', kind: 'full', version: 1 },
      { day: '2026-01-03', kind: 'full', version: 5 },
    ]);
  });
});
