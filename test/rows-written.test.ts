// D1 bills every row a statement writes (each index entry too), so ingest and the marks must not
// rewrite rows that would not change. Counts come from D1 itself (meta.rows_written).
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUMP_SEQ } from '../src/db/seq.ts';
import { eventValues, INGEST_SQL, ingestStatements, storeRows, toRows } from '../src/ingest/store.ts';
import { boundParameterStats, guardD1 } from '../src/platform/d1.ts';
import { claimMarks, markDaysStatement } from '../src/rollup/marks.ts';
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
  const stmts = ingestStatements(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);
  const names = (['INSERT_EVENTS', 'NOTE_EVENT_DAYS', 'NOTE_CUSTOMER_DAYS', 'BUMP_SEQ', 'UPSERT_CUSTOMERS', 'MARK_DIRTY', 'NOTE_LATE'] as const).filter((k) => stmts[k]);
  const results = await env.DB.batch(names.map((k) => stmts[k]!));
  // A statement left out of the batch (no days to mark, no late event) writes nothing.
  const written = new Map(names.map((k, i) => [k, results[i].meta.rows_written]));
  return { INSERT_EVENTS: 0, NOTE_EVENT_DAYS: 0, NOTE_CUSTOMER_DAYS: 0, BUMP_SEQ: 0, UPSERT_CUSTOMERS: 0, MARK_DIRTY: 0, NOTE_LATE: 0, ...Object.fromEntries(written) };
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
          const rows = toRows(events as never, 'UTC', NOW);
          const [json, ids] = [eventValues(rows), JSON.stringify(rows.map((r) => r.m))];
          for (const [ws, upsert] of [[a, INGEST_SQL.UPSERT_CUSTOMERS], [b, always]]) {
            await env.DB.batch([env.DB.prepare(INGEST_SQL.INSERT_EVENTS).bind(ws, json, NOW), env.DB.prepare(BUMP_SEQ).bind(rows.length), env.DB.prepare(upsert).bind(ws, ids)]);
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
  // The floor: the row (events is WITHOUT ROWID, keyed by workspace and messageId: the key is the
  // dedupe, and no other index covers an interaction), then once per batch its day row
  // (event_days) and the seq counter. Nothing else for a known customer on a day already marked
  // and already noted among the customer's days.
  it('a known customer’s interaction on a marked day writes 1 row, and its batch 2 more', async () => {
    const { id: ws } = await newWorkspace();
    await ingestWrites(ws, [interaction('c3', NOW - 60_000)]);
    const none = { UPSERT_CUSTOMERS: 0, NOTE_CUSTOMER_DAYS: 0, MARK_DIRTY: 0, NOTE_LATE: 0 };
    expect(await ingestWrites(ws, [interaction('c3', NOW - 30_000)])).toEqual({ INSERT_EVENTS: 1, NOTE_EVENT_DAYS: 1, BUMP_SEQ: 1, ...none });
    const batch = Array.from({ length: 100 }, (_, i) => interaction('c3', NOW - 20_000 + i));
    expect(await ingestWrites(ws, batch)).toEqual({ INSERT_EVENTS: 100, NOTE_EVENT_DAYS: 1, BUMP_SEQ: 1, ...none });
    // A new customer's day is noted once, whatever their events of it.
    const fresh = await ingestWrites(ws, [interaction('c9', NOW - 10_000), interaction('c9', NOW - 9_000)]);
    expect(fresh).toMatchObject({ INSERT_EVENTS: 2, NOTE_EVENT_DAYS: 1, NOTE_CUSTOMER_DAYS: 1 });
  });
});

describe('case statements', () => {
  // They look up the request's events only in a workspace with an alert rule, and only those that
  // could meet one (answers, failed or abandoned interactions).
  it('walk none of the request without an alert rule or a candidate, and every candidate with one', async () => {
    const read = async (ws: string, outcome: string) => {
      const events = Array.from({ length: 50 }, (_, i) => ({ ...interaction('c7', NOW - 50_000 + i), outcome }));
      const stmts = ingestStatements(env.DB, ws, toRows(events as never, 'UTC', NOW), NOW);
      const results = await env.DB.batch([stmts.INSERT_EVENTS, stmts.NOTE_EVENT_DAYS, stmts.BUMP_SEQ, ...stmts.cases]);
      return results.slice(3).reduce((sum, r) => sum + r.meta.rows_read, 0);
    };
    const { id: bare } = await newWorkspace();
    expect(await read(bare, 'failure')).toBeLessThan(20); // the rule checks and the seq counter, not the 50 events
    const { id: ruled } = await newWorkspace();
    await env.DB.prepare(`INSERT INTO alert_rules (workspace_id, "key", outcome, critical_only, updated_at) VALUES (?1, 'fails', 'failure', 0, 0)`).bind(ruled).run();
    expect(await read(ruled, 'success')).toBeLessThan(20);
    expect(await read(ruled, 'failure')).toBeGreaterThan(100);
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM cases WHERE workspace_id = ?1').bind(ruled).first('n')).toBe(50);
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
