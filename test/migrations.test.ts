import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { loaded, NOW, TZ } from './scenario.ts';

// Rows of these tables are copied as they are: their schema is the same before and after 0008.
const COPIED = ['workspaces', 'touchpoints', 'stages', 'customers', 'events'];

async function copyRows(from: D1Database, to: D1Database, table: string, ws: string) {
  const { results } = await from.prepare(`SELECT * FROM ${table} WHERE ${table === 'workspaces' ? 'id' : 'workspace_id'} = ?1`).bind(ws).all();
  if (!results.length) return;
  // Columns added by later migrations do not exist yet in the older database.
  const known = new Set((await to.prepare(`SELECT name FROM pragma_table_info('${table}')`).all<{ name: string }>()).results.map((c) => c.name));
  const cols = Object.keys(results[0]).filter((c) => known.has(c));
  const insert = `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((_, i) => `?${i + 1}`).join(', ')})`;
  await to.batch(results.map((r) => to.prepare(insert).bind(...cols.map((c) => r[c]))));
}

const rowsOf = async (d1: D1Database, ws: string) =>
  (await d1.prepare('SELECT * FROM daily_customers WHERE workspace_id = ?1 ORDER BY day, customer_id').bind(ws).all()).results;

// 0008 rebuilt the rows per (day, touchpoint, channel, customer) from the events; 0021 folds them
// into one row per (day, customer): together they must give what the rollup now writes.
describe('migrations 0008 and 0021: daily_customers rebuilt, then one row per customer and day', () => {
  it('rebuilds, for the days that were rolled up, exactly the rows the rollup now writes', async () => {
    const ws = await loaded();
    for (let i = 0; i < 5 && (await drainAll(guardD1(env.DB), ws.id, TZ, NOW)).pending > 0; i++);
    const expected = await rowsOf(env.DB, ws.id);
    expect(new Set(expected.map((r) => r.day)).size).toBeGreaterThan(1);

    // A database as it stood before 0008, holding the same workspace rolled up the old way
    // (the migration reads only which days had rows, from dimension `all`).
    const db = env.MIGRATION_DB;
    const at = env.TEST_MIGRATIONS.findIndex((m) => m.name.startsWith('0008'));
    expect(at).toBeGreaterThan(0);
    await applyD1Migrations(db, env.TEST_MIGRATIONS.slice(0, at));
    for (const t of COPIED) await copyRows(env.DB, db, t, ws.id);
    const days = [...new Set(expected.map((r) => r.day as string))];
    await db.batch(
      days.map((d) => db.prepare(`INSERT INTO daily_customers (workspace_id, day, dim, "key", customer_id) VALUES (?1, ?2, 'all', '', 'x')`).bind(ws.id, d)),
    );

    await applyD1Migrations(db, env.TEST_MIGRATIONS);
    expect(await rowsOf(db, ws.id)).toEqual(expected);
  });
});
