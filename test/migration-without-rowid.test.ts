import { describe, expect, it } from 'vitest';
import { migratedBefore } from './helpers.ts';

// 0017 rebuilds customers and daily_metrics WITHOUT ROWID: every row and value is kept, and a new
// row then costs D1 one row written instead of two (the table and its primary-key index).
describe('migration 0017: customers and daily_metrics without rowid', () => {
  it('keeps every row, and a new row writes one row', async () => {
    const { db, apply } = await migratedBefore('0017_customers_metrics_without_rowid');
    await db.batch([
      db.prepare(`INSERT INTO customers (workspace_id, customer_id, segment, traits, identified_at, first_seen_at, rolled_segment)
        VALUES ('w', 'c1', 'vip', '{"plan":"gold"}', 5, 3, 'basic'), ('w', 'c2', NULL, NULL, NULL, 7, NULL)`),
      db.prepare(`INSERT INTO daily_metrics (workspace_id, day, dim, "key", nps_promoters, sent_sum, cust_start, tk_first_response_p90, loop_sla_decided, value_sum)
        VALUES ('w', '2026-01-01', 'all', '', 3, -0.5, 10, 12.5, 2, 99.95), ('w', '2026-01-01', 'touchpoint', 'checkout', 1, 0, NULL, NULL, NULL, 0)`),
    ]);
    const rows = async (table: string) => (await db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all()).results;
    const before = { customers: await rows('customers'), daily_metrics: await rows('daily_metrics') };
    const written = async () => (await db.prepare(`INSERT INTO customers (workspace_id, customer_id, first_seen_at) VALUES ('w', ?1, 1)`).bind(`n${Math.random()}`).run()).meta.rows_written;
    expect(await written()).toBe(2);
    await apply();
    const keep = (r: Record<string, unknown>[]) => r.filter((x) => !String(x.customer_id ?? '').startsWith('n'));
    expect({ customers: keep(await rows('customers')), daily_metrics: await rows('daily_metrics') }).toEqual(before);
    expect(await written()).toBe(1);
    const ddl = await db.prepare(`SELECT name, sql FROM sqlite_master WHERE name IN ('customers', 'daily_metrics') ORDER BY name`).all<{ name: string; sql: string }>();
    expect(ddl.results.map((r) => [r.name, /WITHOUT ROWID\s*$/.test(r.sql)])).toEqual([['customers', true], ['daily_metrics', true]]);
  });
});
