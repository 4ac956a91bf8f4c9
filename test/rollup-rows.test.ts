// The rollup writes only the rows that change: a day rolled up again keeps its distinct-customer
// rows, and the lifecycle pass its unchanged figures. Counts come from D1 (meta.rows_written).
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { storeRows, toRows } from '../src/ingest/store.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { rollupDay } from '../src/rollup/day.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { lifecyclePass } from '../src/rollup/lifecycle.ts';
import { markDaysStatement } from '../src/rollup/marks.ts';
import { newWorkspace } from './helpers.ts';

const T0 = Date.parse('2026-03-10T12:00:00Z');
const NOW = Date.parse('2026-03-11T12:00:00Z');
let n = 0;
const interaction = (customerId: string, ts: number) =>
  ({ type: 'interaction', messageId: `rr-${++n}`, customerId, touchpoint: 'checkout', outcome: 'success', timestamp: new Date(ts).toISOString() }) as const;
const identify = (customerId: string, ts: number, segment: string) =>
  ({ type: 'identify', messageId: `rr-${++n}`, customerId, segment, timestamp: new Date(ts).toISOString() }) as const;

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
    (await env.DB.prepare('SELECT customer_id, touches, segment FROM daily_customers WHERE workspace_id = ?1 AND day = ?2 ORDER BY 1').bind(ws, DAY).all()).results;

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
    expect(all.n).toBeGreaterThan(0); // the counter sees the batch (the day's `people` mark is written)
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
    await env.DB.batch([
      env.DB.prepare("DELETE FROM events WHERE workspace_id = ?1 AND customer_id = 'k2'").bind(ws),
      env.DB.prepare("DELETE FROM customer_days WHERE workspace_id = ?1 AND customer_id = 'k2'").bind(ws),
    ]);
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

    // A known customer at a second place: their one row is rewritten with both places, sorted.
    await storeRows(env.DB, ws, toRows([{ ...interaction('k4', T0 + 7200_000), touchpoint: 'app', channel: 'mobile' }] as never, 'UTC', NOW), NOW);
    written.n = 0;
    await rollupDay(d1, ws, 'UTC', DAY, null);
    expect(written.n).toBe(1);
    const twoPlaces = await customers(ws);
    expect(JSON.parse(String(twoPlaces.find((r) => r.customer_id === 'k4')!.touches))).toEqual([['app', 'mobile', ''], ['checkout', '', '']]);
    // A day in slices of 4 interactions (a customer in several): cleared, and merged to the same rows.
    // (Slices end at the day's batch rows: the merges write more rows than there are customers.)
    const merged = { n: 0 };
    await rollupDay(counting(guardD1(env.DB), 'json_each(daily_customers.touches)', merged), ws, 'UTC', DAY, null, 4);
    expect(merged.n).toBeGreaterThan(twoPlaces.length);
    expect(await customers(ws)).toEqual(twoPlaces);
  });
});

describe('a day rolled up again: daily_metrics', () => {
  const DAY = '2026-03-10';
  const at = (h: number) => new Date(T0 - 11 * 3600_000 + h * 3600_000).toISOString();
  const metrics = async (ws: string) =>
    (await env.DB.prepare('SELECT * FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2 ORDER BY dim, "key"').bind(ws, DAY).all()).results;
  // The day marked as a late event marks it, then drained: its rollup and the lifecycle pass.
  const reroll = async (d1: D1Database, ws: string) => {
    await markDaysStatement(env.DB, ws, [DAY]).run();
    await drainAll(d1, ws, 'UTC', NOW);
  };

  it('writes only the rows whose figures change, and leaves the rows a rollup from nothing gives', async () => {
    const { id: ws } = await newWorkspace();
    const e = (x: Record<string, unknown>) => ({ messageId: `rm-${++n}`, ...x });
    const events = [
      e({ type: 'identify', customerId: 'a', segment: 'vip', timestamp: at(1) }),
      e({ type: 'lifecycle', customerId: 'a', status: 'started', timestamp: at(1) }),
      ...[1, 2, 3].map((h) => e({ type: 'interaction', customerId: `c${h}`, touchpoint: 'checkout', outcome: 'failure', sentiment: -0.5, emotion: 'angry', value: 10, timestamp: at(h) })),
      e({ type: 'interaction', customerId: 'a', touchpoint: 'delivery', channel: 'email', outcome: 'success', emotion: 'happy', timestamp: at(4) }),
      e({ type: 'interaction', customerId: 'b', touchpoint: 'returns', timestamp: at(4) }),
      e({ type: 'response', customerId: 'a', survey: 'nps', score: 3, touchpoint: 'delivery', timestamp: at(5) }),
      e({ type: 'response', customerId: 'b', survey: 'ces', score: 6, touchpoint: 'returns', timestamp: at(5) }),
      e({ type: 'ticket', customerId: 'b', ticketId: 't1', status: 'opened', touchpoint: 'returns', timestamp: at(6) }),
      e({ type: 'ticket', customerId: 'b', ticketId: 't1', status: 'resolved', timestamp: at(7) }),
    ];
    await storeRows(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    const first = await metrics(ws);
    expect(first.length).toBeGreaterThan(10);
    expect(first.some((r) => r.dim === 'touchpoint' && r.key === 'returns' && r.tk_received === 1)).toBe(true);

    // Nothing changed: no row written.
    const written = { n: 0 };
    const d1 = counting(guardD1(env.DB), 'daily_metrics', written);
    await reroll(d1, ws);
    expect(written.n).toBe(0);
    expect(await metrics(ws)).toEqual(first);

    // One more failure at checkout moves only checkout's rows (and the day's totals); the
    // returns touchpoint loses every event (its interaction, answer and ticket, as an erasure
    // leaves it), so its rows go, and so do the ticket figures of the other dimensions.
    await storeRows(env.DB, ws, toRows([e({ type: 'interaction', customerId: 'c9', touchpoint: 'checkout', outcome: 'failure', emotion: 'angry', timestamp: at(8) })] as never, 'UTC', NOW), NOW);
    await env.DB.prepare("DELETE FROM events WHERE workspace_id = ?1 AND customer_id = 'b'").bind(ws).run();
    written.n = 0;
    await reroll(d1, ws);
    const incremental = await metrics(ws);
    expect(incremental.some((r) => String(r.key).includes('returns'))).toBe(false);
    expect(incremental.find((r) => r.dim === 'all')).toMatchObject({ int_count: 5, int_failure: 4, tk_received: 0, ces_responses: 0 });
    // Each row that changed or went is written (a row whose counts and ticket figures both moved,
    // twice); the unchanged ones are not: fewer than deleting and re-inserting the day's rows.
    const same = (r: Record<string, unknown>) => first.some((f) => JSON.stringify(f) === JSON.stringify(r));
    const changedOrGone = first.length - incremental.filter(same).length;
    expect(incremental.filter(same).length).toBeGreaterThan(0);
    expect(written.n).toBeGreaterThanOrEqual(changedOrGone);
    expect(written.n).toBeLessThan(first.length + incremental.length);

    await env.DB.prepare('DELETE FROM daily_metrics WHERE workspace_id = ?1 AND day = ?2').bind(ws, DAY).run();
    await reroll(guardD1(env.DB), ws);
    expect(await metrics(ws)).toEqual(incremental);
    // A day of more keys than a rollup reads back is deleted and inserted in the database: the same rows.
    await rollupDay(guardD1(env.DB), ws, 'UTC', DAY, null, undefined, 3);
    await lifecyclePass(guardD1(env.DB), ws, '2026-03-11');
    expect(await metrics(ws)).toEqual(incremental);
  });
});

describe('a day rolled up again: what customers say', () => {
  const DAY = '2026-03-10';
  const at = (h: number) => new Date(T0 - 11 * 3600_000 + h * 3600_000).toISOString();
  const voice = async (ws: string) => ({
    themes: (await env.DB.prepare('SELECT * FROM daily_themes WHERE workspace_id = ?1 ORDER BY theme, touchpoint, segment, nps_group').bind(ws).all()).results,
    quotes: (await env.DB.prepare('SELECT * FROM daily_theme_quotes WHERE workspace_id = ?1 ORDER BY theme, seq').bind(ws).all()).results,
    terms: (await env.DB.prepare('SELECT * FROM daily_terms WHERE workspace_id = ?1 ORDER BY term').bind(ws).all()).results,
  });
  const reroll = async (d1: D1Database, ws: string) => {
    await markDaysStatement(env.DB, ws, [DAY]).run();
    await drainAll(d1, ws, 'UTC', NOW);
  };

  it('writes only the theme, quote and term rows that change, and leaves the rows written from nothing', async () => {
    const { id: ws } = await newWorkspace();
    await env.DB.prepare(`INSERT INTO themes (workspace_id, "key", name, terms, polarity, updated_at) VALUES (?1, 'delivery', 'Delivery', '{"es": ["tarde"], "en": ["late", "courier"]}', 'negative', 0)`).bind(ws).run();
    const say = (customerId: string, h: number, comment: string, score = 3) =>
      ({ type: 'response', messageId: `rv-${++n}`, customerId, survey: 'nps', score, touchpoint: 'checkout', comment, timestamp: at(h) }) as const;
    const comments = [say('a', 1, 'The courier was late again'), say('b', 2, 'Late parcel, rude courier'), say('c', 3, 'Lovely packaging', 10), say('d', 4, 'Packaging torn, parcel late')];
    await storeRows(env.DB, ws, toRows(comments as never, 'UTC', NOW), NOW);
    await drainAll(guardD1(env.DB), ws, 'UTC', NOW);
    const first = await voice(ws);
    expect(first.themes.length).toBeGreaterThan(2);
    expect(first.quotes.length).toBeGreaterThan(2);
    expect(first.terms.length).toBeGreaterThan(2);

    const written = { n: 0 };
    const d1 = counting(guardD1(env.DB), 'daily_t', written);
    await reroll(d1, ws);
    expect(written.n).toBe(0);
    expect(await voice(ws)).toEqual(first);

    // A late comment and one gone (as an erasure leaves it): some rows change, the rest stay.
    await storeRows(env.DB, ws, toRows([say('e', 5, 'Courier lost my parcel', 1)] as never, 'UTC', NOW), NOW);
    await env.DB.prepare("DELETE FROM events WHERE workspace_id = ?1 AND customer_id = 'c'").bind(ws).run();
    await reroll(d1, ws);
    const incremental = await voice(ws);
    expect(incremental).not.toEqual(first);
    expect(written.n).toBeGreaterThan(0);
    const rows = (v: typeof first) => v.themes.length + v.quotes.length + v.terms.length;
    expect(written.n).toBeLessThan(rows(first) + rows(incremental));

    for (const t of ['daily_themes', 'daily_theme_quotes', 'daily_terms']) await env.DB.prepare(`DELETE FROM ${t} WHERE workspace_id = ?1`).bind(ws).run();
    await reroll(guardD1(env.DB), ws);
    expect(await voice(ws)).toEqual(incremental);
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
