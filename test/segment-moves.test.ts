// A segment change moves only that customer's contribution (src/rollup/segment-moves.ts): the
// days it reaches are not re-aggregated, and what it writes equals a rollup of every day anew.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { advanceMarks } from '../src/rollup/dirty-days.ts';
import { drainAll } from '../src/rollup/drain.ts';
import { breakdownReport } from '../src/reports/reports.ts';
import { configureInventory, newWorkspace, send, type TestWorkspace } from './helpers.ts';

const TZ = 'UTC';
const DAYS = ['2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13', '2026-11-14', '2026-11-15'];
const NOW = Date.parse('2026-11-16T12:00:00Z');
const TOUCHPOINTS = ['checkout', 'support-call', 'ads', 'unknown-kiosk'];
const d1 = () => guardD1(env.DB);
let n = 0;
const at = (d: number, h = 12) => `${DAYS[d]}T${String(h).padStart(2, '0')}:30:00Z`;
const event = (type: string, c: string, timestamp: string, extra: Record<string, unknown> = {}) => ({ type, messageId: `sm${++n}`, customerId: c, timestamp, ...extra });

async function post(ws: TestWorkspace, events: unknown[]) {
  const { status, body } = await send(ws, { batch: events });
  expect(status, JSON.stringify(body)).toBe(202);
}

async function drained(ws: TestWorkspace) {
  const r = await drainAll(d1(), ws.id, TZ, NOW);
  expect(r.pending).toBe(0);
  return r.rolledUp.sort();
}

/** The rolled-up rows, numbers to 6 decimals (moved sums differ from fresh ones in the last bits). */
async function snapshot(ws: string) {
  const norm = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e6) / 1e6 + 0 : v])));
  const q = (sql: string) => env.DB.prepare(sql).bind(ws).all<Record<string, unknown>>();
  return {
    metrics: norm((await q('SELECT * FROM daily_metrics WHERE workspace_id = ? ORDER BY day, dim, "key"')).results),
    customers: norm((await q('SELECT * FROM daily_customers WHERE workspace_id = ? ORDER BY day, customer_id')).results),
  };
}

/** Every rolled-up day rolled up again from its events: what a segment move must have written. */
async function rolledAnew(ws: TestWorkspace) {
  await env.DB.prepare(`INSERT INTO dirty_days (workspace_id, day, kind) SELECT DISTINCT ?1, day, 'full' FROM daily_metrics WHERE workspace_id = ?1
    ON CONFLICT DO UPDATE SET kind = 'full', version = version + 1`).bind(ws.id).run();
  await drained(ws);
  return snapshot(ws.id);
}

async function fullMarks(ws: string) {
  const { results } = await env.DB.prepare("SELECT day FROM dirty_days WHERE workspace_id = ? AND kind = 'full' ORDER BY day").bind(ws).all<{ day: string }>();
  return results.map((r) => r.day);
}

describe('a segment change moves only that customer', () => {
  it('re-aggregates no day of theirs but the days their tickets were received, and ends equal to a rollup anew', async () => {
    const ws = await newWorkspace(TZ);
    await configureInventory(ws);
    const history = DAYS.slice(0, 5).flatMap((_, d) => [
      event('interaction', 'x', at(d), { touchpoint: 'checkout', outcome: 'success', sentiment: 0.3, emotion: 'joy', value: 10.1 }),
      event('response', 'x', at(d, 13), { survey: 'nps', score: 9 - d, touchpoint: 'checkout' }),
      event('interaction', 'y', at(d), { touchpoint: 'checkout', outcome: 'failure', sentiment: -0.7, emotion: 'anger' }),
    ]);
    await post(ws, [
      event('identify', 'x', at(0, 1), { segment: 'retail' }),
      event('identify', 'y', at(0, 1), { segment: 'retail' }),
      event('lifecycle', 'x', at(0, 2), { status: 'started' }),
      event('ticket', 'x', at(2, 9), { ticketId: 'tx', status: 'opened', touchpoint: 'support-call' }),
      ...history,
    ]);
    await drained(ws);

    // Traits only: nothing beyond the identify's own day.
    await post(ws, [event('identify', 'x', at(5, 8), { traits: { plan: 'gold' } })]);
    await advanceMarks(d1(), ws.id, TZ, NOW);
    expect(await fullMarks(ws.id)).toEqual([DAYS[5]]);
    await drained(ws);

    await post(ws, [event('identify', 'x', at(5, 9), { segment: 'business' })]);
    await advanceMarks(d1(), ws.id, TZ, NOW);
    expect(await fullMarks(ws.id)).toEqual([DAYS[2], DAYS[5]]); // the ticket's day and the identify's own
    expect(await drained(ws)).toEqual([DAYS[2], DAYS[5]]);

    const seg = await breakdownReport(d1(), ws.id, TZ, { from: DAYS[0], to: DAYS[5] }, 'segment');
    const row = (k: string) => seg.rows.find((r) => r.key === k)!.metrics;
    expect(row('business').interactions).toMatchObject({ count: 5, customers: 1, success: 5, failure: 0 });
    expect(row('business').nps.responses).toBe(5);
    expect(row('business').resolution.received).toBe(1);
    expect(row('retail').interactions).toMatchObject({ count: 5, customers: 1, failure: 5 });
    expect(row('retail').nps.responses).toBe(0);
    expect(row('retail').resolution.received).toBe(0);

    const moved = await snapshot(ws.id);
    expect(moved.metrics.some((r) => r.dim === 'seg_tp_emo' && r.key === JSON.stringify(['business', 'checkout', 'joy']))).toBe(true);
    expect(await rolledAnew(ws)).toEqual(moved);
  });

  it('any sequence of identifies, drains and late events ends where a rollup of every day anew does', async () => {
    const customer = fc.constantFrom('a', 'b', 'c', 'd');
    const segment = fc.option(fc.constantFrom('retail', 'business', 'vip'), { nil: undefined });
    const fact = fc.record({
      c: customer,
      d: fc.integer({ min: 0, max: 5 }),
      h: fc.integer({ min: 0, max: 23 }),
      kind: fc.constantFrom('interaction', 'response', 'lifecycle', 'ticket'),
      tp: fc.constantFrom(...TOUCHPOINTS),
      score: fc.integer({ min: 1, max: 5 }),
      outcome: fc.constantFrom('success', 'failure', 'abandoned'),
      sentiment: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: undefined }),
      emotion: fc.option(fc.constantFrom('joy', 'anger'), { nil: undefined }),
      value: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
      churn: fc.boolean(),
    });
    const identify = fc.record({ c: customer, d: fc.integer({ min: 0, max: 5 }), h: fc.integer({ min: 0, max: 23 }), seg: segment });
    const round = fc.record({ identifies: fc.array(identify, { maxLength: 4 }), late: fc.array(fact, { maxLength: 3 }), drain: fc.boolean() });
    type Fact = typeof fact extends fc.Arbitrary<infer T> ? T : never;
    const toEvent = (f: Fact) => {
      const ts = at(f.d, f.h);
      if (f.kind === 'interaction') return event('interaction', f.c, ts, { touchpoint: f.tp, outcome: f.outcome, sentiment: f.sentiment, emotion: f.emotion, value: f.value });
      if (f.kind === 'response') return event('response', f.c, ts, { survey: f.score % 2 ? 'nps' : 'csat', score: f.score, touchpoint: f.tp });
      if (f.kind === 'lifecycle') return event('lifecycle', f.c, ts, { status: f.churn ? 'churned' : 'started' });
      return event('ticket', f.c, ts, { ticketId: `t-${f.c}-${f.d}`, status: 'opened', touchpoint: f.tp });
    };
    const toIdentify = (i: { c: string; d: number; h: number; seg?: string }) => event('identify', i.c, at(i.d, i.h), i.seg ? { segment: i.seg } : { traits: { k: 1 } });

    await fc.assert(
      fc.asyncProperty(fc.array(fact, { minLength: 4, maxLength: 20 }), fc.array(identify, { maxLength: 4 }), fc.array(round, { minLength: 1, maxLength: 3 }), async (facts, first, rounds) => {
        const ws = await newWorkspace(TZ);
        await configureInventory(ws);
        await post(ws, [...first.map(toIdentify), ...facts.map(toEvent)]);
        await drained(ws);
        for (const r of rounds) {
          const events = [...r.identifies.map(toIdentify), ...r.late.map(toEvent)];
          if (events.length) await post(ws, events);
          if (r.drain) await drained(ws);
        }
        await drained(ws);
        const moved = await snapshot(ws.id);
        expect(await rolledAnew(ws)).toEqual(moved);
      }),
      { numRuns: 12 },
    );
  });
});
