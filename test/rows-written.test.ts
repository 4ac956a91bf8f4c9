// D1 bills every row a statement writes (each index entry too), so ingest and the marks must not
// rewrite rows that would not change. Counts come from D1 itself (meta.rows_written).
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INGEST_SQL, storeRows, toRows } from '../src/ingest/store.ts';
import { boundParameterStats, guardD1 } from '../src/platform/d1.ts';
import { rollupDay } from '../src/rollup/day.ts';
import { claimMarks, markDaysStatement } from '../src/rollup/dirty-days.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { lifecyclePass } from '../src/rollup/lifecycle.ts';
import { newWorkspace } from './helpers.ts';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const NOW = Date.parse('2026-03-11T12:00:00Z');
let n = 0;
const interaction = (customerId: string, ts: number) =>
  ({ type: 'interaction', messageId: `rw-${++n}`, customerId, touchpoint: 'checkout', outcome: 'success', timestamp: new Date(ts).toISOString() }) as const;
const identify = (customerId: string, ts: number, segment: string) =>
  ({ type: 'identify', messageId: `rw-${++n}`, customerId, segment, traits: { plan: segment }, timestamp: new Date(ts).toISOString() }) as const;

/** The ingest statements of one batch, run as storeRows runs them, with D1's rows written for each. */
async function ingestWrites(ws: string, events: unknown[]) {
  const json = JSON.stringify(toRows(events as never, 'UTC', NOW));
  const names = ['INSERT_EVENTS', 'UPSERT_CUSTOMERS', 'MARK_DIRTY', 'NOTE_LATE'] as const;
  const results = await env.DB.batch(names.map((k) => env.DB.prepare(INGEST_SQL[k]).bind(...(k === 'INSERT_EVENTS' ? [ws, json, NOW] : [ws, json]))));
  return Object.fromEntries(names.map((k, i) => [k, results[i].meta.rows_written]));
}

const customer = (ws: string, id: string) =>
  env.DB.prepare('SELECT segment, traits, identified_at, first_seen_at FROM customers WHERE workspace_id = ?1 AND customer_id = ?2').bind(ws, id).first();

describe('customers at ingest', () => {
  it('a known customer whose row would not change is not written: 0 rows', async () => {
    const { id: ws } = await newWorkspace();
    const first = await ingestWrites(ws, [identify('c1', T0, 'vip')]);
    expect(first.UPSERT_CUSTOMERS).toBeGreaterThan(0);
    const before = await customer(ws, 'c1');
    const again = await ingestWrites(ws, [interaction('c1', T0 + 3600_000), interaction('c1', T0 + 7200_000)]);
    expect(again.UPSERT_CUSTOMERS).toBe(0);
    expect(await customer(ws, 'c1')).toEqual(before);
    // An older identify keeps what the newer one set but moves first_seen_at: written once.
    expect((await ingestWrites(ws, [identify('c1', T0 - 3600_000, 'basic')])).UPSERT_CUSTOMERS).toBe(1);
    expect(await customer(ws, 'c1')).toEqual({ ...before, first_seen_at: T0 - 3600_000 });
    expect((await ingestWrites(ws, [interaction('c1', T0 - 1000)])).UPSERT_CUSTOMERS).toBe(0);
  });

  it('an earlier event or a newer identify still rewrites the row, once', async () => {
    const { id: ws } = await newWorkspace();
    await ingestWrites(ws, [interaction('c2', T0)]);
    expect((await ingestWrites(ws, [interaction('c2', T0 - 60_000)])).UPSERT_CUSTOMERS).toBe(1);
    expect((await customer(ws, 'c2'))!.first_seen_at).toBe(T0 - 60_000);
    expect((await ingestWrites(ws, [identify('c2', T0 + 60_000, 'vip')])).UPSERT_CUSTOMERS).toBe(1);
    expect(await customer(ws, 'c2')).toMatchObject({ segment: 'vip', identified_at: T0 + 60_000 });
  });

  // The WHERE only decides whether a row is rewritten: the rows equal those of the same upsert
  // without it (which rewrote every known customer), for any order of events and identifies.
  it('gives the same customers as an upsert that rewrites every row', async () => {
    const always = INGEST_SQL.UPSERT_CUSTOMERS.replace(/\nWHERE \([\s\S]*$/, '');
    expect(always).not.toBe(INGEST_SQL.UPSERT_CUSTOMERS);
    const event = fc.record({
      customer: fc.constantFrom('a', 'b', 'c'),
      minutes: fc.integer({ min: -600, max: 600 }),
      segment: fc.option(fc.constantFrom('vip', 'basic'), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(event, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 }), async (batches) => {
        const [{ id: a }, { id: b }] = [await newWorkspace(), await newWorkspace()];
        for (const batch of batches) {
          const events = batch.map((e) => (e.segment ? identify(e.customer, T0 + e.minutes * 60_000, e.segment) : interaction(e.customer, T0 + e.minutes * 60_000)));
          const json = JSON.stringify(toRows(events as never, 'UTC', NOW));
          for (const [ws, upsert] of [[a, INGEST_SQL.UPSERT_CUSTOMERS], [b, always]]) {
            await env.DB.batch([env.DB.prepare(INGEST_SQL.INSERT_EVENTS).bind(ws, json, NOW), env.DB.prepare(upsert).bind(ws, json)]);
          }
        }
        const rows = async (ws: string) =>
          (await env.DB.prepare('SELECT customer_id, segment, traits, identified_at, first_seen_at FROM customers WHERE workspace_id = ?1 ORDER BY customer_id').bind(ws).all()).results;
        expect(await rows(a)).toEqual(await rows(b));
      }),
      { numRuns: 15 },
    );
  });
});

describe('ingest rows per event', () => {
  // The floor: the row, its three index entries (events_message, events_day, events_customer)
  // and AUTOINCREMENT's sqlite_sequence row (once per statement). Nothing else for a known
  // customer on a day already marked.
  it('a known customer’s interaction on a marked day writes 5 rows, all in the events insert', async () => {
    const { id: ws } = await newWorkspace();
    await ingestWrites(ws, [interaction('c3', NOW - 60_000)]);
    expect(await ingestWrites(ws, [interaction('c3', NOW - 30_000)])).toEqual({ INSERT_EVENTS: 5, UPSERT_CUSTOMERS: 0, MARK_DIRTY: 0, NOTE_LATE: 0 });
    // A batch of 100 such events: 4 rows each, and sqlite_sequence once.
    const batch = Array.from({ length: 100 }, (_, i) => interaction('c3', NOW - 20_000 + i));
    expect(await ingestWrites(ws, batch)).toEqual({ INSERT_EVENTS: 401, UPSERT_CUSTOMERS: 0, MARK_DIRTY: 0, NOTE_LATE: 0 });
  });
});

describe('dirty-day marks', () => {
  const mark = async (ws: string, days: string[], kind: 'full' | 'people' = 'full') => (await markDaysStatement(env.DB, ws, days, kind).run()).meta.rows_written;
  const marks = async (ws: string) =>
    (await env.DB.prepare('SELECT day, kind, version FROM dirty_days WHERE workspace_id = ?1 ORDER BY day').bind(ws).all()).results;

  it('a day is written once per batch, and a mark already there the same way writes nothing', async () => {
    const { id: ws } = await newWorkspace();
    const events = [interaction('c4', T0), interaction('c5', T0 + 1000), interaction('c4', T0 + 86_400_000)];
    // Two days: each inserted once (its row and its primary-key entry), whatever its events.
    expect((await ingestWrites(ws, events)).MARK_DIRTY).toBe(4);
    const before = await marks(ws);
    expect((await ingestWrites(ws, events.map((e) => ({ ...e, messageId: `${e.messageId}-again` })))).MARK_DIRTY).toBe(0);
    expect(await mark(ws, ['2026-03-10', '2026-03-10', '2026-03-11'])).toBe(0);
    expect(await mark(ws, ['2026-03-10'], 'people')).toBe(0); // a full mark covers the lifecycle pass
    expect(await marks(ws)).toEqual(before);
  });

  it('a claimed day (a rollup read it) or a change of kind moves the version, so the reader clears nothing', async () => {
    const { id: ws } = await newWorkspace();
    await mark(ws, ['2026-03-10'], 'people');
    expect(await mark(ws, ['2026-03-10'], 'full')).toBe(1);
    const claimed = await claimMarks(env.DB, ws, 'true');
    expect(claimed.get('2026-03-10')! % 2).toBe(1);
    expect((await claimMarks(env.DB, ws, 'true')).get('2026-03-10')).toBe(claimed.get('2026-03-10'));
    expect(await mark(ws, ['2026-03-10'], 'people')).toBe(1);
    const [after] = (await marks(ws)) as { kind: string; version: number }[];
    expect(after).toEqual({ day: '2026-03-10', kind: 'full', version: claimed.get('2026-03-10')! + 1 });
    expect(await mark(ws, ['2026-03-10'], 'full')).toBe(0);
  });
});

describe('D1 limits', () => {
  it('ingest of 500 events and a claim of 500 days bind at most 100 parameters (guardD1)', async () => {
    const { id: ws } = await newWorkspace();
    const d1 = guardD1(env.DB);
    boundParameterStats.max = 0;
    const days = Array.from({ length: 500 }, (_, i) => new Date(T0 - i * 86_400_000).toISOString().slice(0, 10));
    const rows = toRows(days.map((d) => interaction('c6', Date.parse(`${d}T10:00:00Z`))) as never, 'UTC', NOW);
    expect((await storeRows(d1, ws, rows, NOW)).accepted).toBe(500);
    expect((await claimMarks(d1, ws, 'day IN (SELECT value FROM json_each(?2))', JSON.stringify(days))).size).toBe(500);
    expect(boundParameterStats.max).toBeGreaterThan(0);
    expect(boundParameterStats.max).toBeLessThanOrEqual(100);
  });
});

/** D1 that adds up the rows each statement writes into `written` (by a word of its SQL). */
function counting(db: D1Database, table: string, written: { n: number }): D1Database {
  const add = (sql: string, meta?: { rows_written?: number }) => {
    if (sql.includes(table)) written.n += meta?.rows_written ?? 0;
  };
  const sqlOf = new WeakMap<object, string>();
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          const stmt = target.prepare(sql);
          const wrap = (st: D1PreparedStatement): D1PreparedStatement => {
            const proxy: D1PreparedStatement = new Proxy(st, {
              get(t, p) {
                if (p === 'bind') return (...a: unknown[]) => wrap(t.bind(...a));
                if (p === 'run' || p === 'all') return async () => { const r = await t[p](); add(sql, r.meta); return r; };
                const v = Reflect.get(t, p);
                return typeof v === 'function' ? v.bind(t) : v;
              },
            });
            sqlOf.set(proxy, sql);
            return proxy;
          };
          return wrap(stmt);
        };
      }
      if (prop === 'batch') {
        return async (list: D1PreparedStatement[]) => {
          const results = await target.batch(list);
          list.forEach((st, i) => add(sqlOf.get(st) ?? '', results[i].meta));
          return results;
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('a day rolled up again', () => {
  const DAY = '2026-03-10';
  const customers = async (ws: string) =>
    (await env.DB.prepare('SELECT touchpoint, channel, customer_id, stage, segment FROM daily_customers WHERE workspace_id = ?1 AND day = ?2 ORDER BY 1, 2, 3').bind(ws, DAY).all()).results;

  it('writes only the daily_customers rows that change, and leaves the rows a full rebuild gives', async () => {
    const { id: ws } = await newWorkspace();
    const events = Array.from({ length: 30 }, (_, i) => interaction(`k${i % 10}`, T0 + i * 60_000));
    await storeRows(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    const first = await customers(ws);
    expect(first).toHaveLength(10);
    const written = { n: 0 };
    const d1 = counting(guardD1(env.DB), 'daily_customers', written);

    // Nothing changed: nothing written, the same rows (running twice gives the same rows).
    const all = { n: 0 };
    await rollupDay(counting(guardD1(env.DB), 'INSERT', all), ws, 'UTC', DAY, null);
    expect(all.n).toBeGreaterThan(0); // the counter sees the batch: daily_metrics rows are rewritten
    await rollupDay(d1, ws, 'UTC', DAY, null);
    expect(written.n).toBe(0);
    expect(await customers(ws)).toEqual(first);

    // A late interaction of a new customer and one of a known customer: one new row.
    await storeRows(env.DB, ws, toRows([interaction('k1', T0 + 3600_000), interaction('new', T0 + 3600_000)] as never, 'UTC', NOW), NOW);
    await rollupDay(d1, ws, 'UTC', DAY, null);
    expect(written.n).toBe(1);
    expect(await customers(ws)).toHaveLength(11);

    // A customer's interactions gone (as an erasure leaves them) and a segment the rolled days
    // now count another customer under: the stale key is deleted, the moved row rewritten, and
    // the rows equal a rebuild from nothing.
    await env.DB.prepare("DELETE FROM events WHERE workspace_id = ?1 AND customer_id = 'k2'").bind(ws).run();
    await env.DB.prepare("UPDATE customers SET segment = 'vip', rolled_segment = 'vip' WHERE workspace_id = ?1 AND customer_id = 'k3'").bind(ws).run();
    written.n = 0;
    await rollupDay(d1, ws, 'UTC', DAY, null);
    expect(written.n).toBe(2);
    const incremental = await customers(ws);
    expect(incremental.map((r) => r.customer_id)).not.toContain('k2');
    expect(incremental.find((r) => r.customer_id === 'k3')).toMatchObject({ segment: 'vip' });
    await env.DB.prepare('DELETE FROM daily_customers WHERE workspace_id = ?1 AND day = ?2').bind(ws, DAY).run();
    await rollupDay(guardD1(env.DB), ws, 'UTC', DAY, null);
    expect(await customers(ws)).toEqual(incremental);
  });
});

describe('the lifecycle pass', () => {
  it('rewrites no daily_metrics row whose churn and retention figures stay the same', async () => {
    const { id: ws } = await newWorkspace();
    const life = (customerId: string, status: string, ts: number) => ({ type: 'lifecycle', messageId: `rw-${++n}`, customerId, status, timestamp: new Date(ts).toISOString() });
    const events = [life('p1', 'started', T0 - 2 * 86_400_000), life('p2', 'started', T0 - 86_400_000), life('p2', 'churned', T0), identify('p1', T0 - 3 * 86_400_000, 'vip')];
    await storeRows(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    const figures = async () =>
      (await env.DB.prepare("SELECT day, dim, key, cust_start, cust_end, cust_churned, cust_new FROM daily_metrics WHERE workspace_id = ?1 AND dim IN ('all', 'segment') ORDER BY 1, 2, 3").bind(ws).all()).results;
    const before = await figures();
    expect(before.some((r) => r.cust_churned === 1)).toBe(true);
    const days = [...new Set(before.map((r) => r.day as string))];
    await markDaysStatement(env.DB, ws, days, 'people').run();
    const written = { n: 0 };
    expect(await lifecyclePass(counting(guardD1(env.DB), 'daily_metrics', written), ws, '2026-03-11')).toBe(days.length);
    expect(written.n).toBe(0);
    expect(await figures()).toEqual(before);
    // A customer who moves segment moves figures (the drain re-rolls the identify's day and
    // passes over every later one).
    await storeRows(env.DB, ws, toRows([identify('p1', T0 - 2 * 86_400_000 + 1000, 'basic')] as never, 'UTC', NOW), NOW);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    const moved = await figures();
    expect(moved).not.toEqual(before);
    // The same figures as a pass over days whose old figures were wiped first.
    await env.DB.prepare('UPDATE daily_metrics SET cust_start = NULL, cust_end = NULL, cust_churned = NULL, cust_new = NULL WHERE workspace_id = ?1').bind(ws).run();
    await markDaysStatement(env.DB, ws, days, 'people').run();
    await lifecyclePass(guardD1(env.DB), ws, '2026-03-11');
    expect(await figures()).toEqual(moved);
  });
});
