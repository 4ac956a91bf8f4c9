import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guardD1 } from '../src/platform/d1.ts';
import { lifecycleByDays, lifecycleByPeriods, lifecycleBySegment, type Span } from '../src/rollup/lifecycle.ts';
import { addDays, dayStart } from '../src/platform/time.ts';
import { newWorkspace, send } from './helpers.ts';

// The SPEC's definitions, evaluated in JavaScript on the stored rows: a customer is active at t
// when its latest lifecycle event before t (ties in time by arrival) is `started`.
type Row = { customer_id: string; status: string; ts: number; seq: number };
function reference(rows: Row[], segments: Map<string, string>, { start, end }: Span) {
  const byCustomer = new Map<string, Row[]>();
  for (const r of rows) byCustomer.set(r.customer_id, [...(byCustomer.get(r.customer_id) ?? []), r]);
  const out = new Map<string, { start: number; end: number; churned: number; new: number }>();
  for (const [c, list] of byCustomer) {
    const ordered = list.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
    const activeAt = (t: number) => ordered.filter((r) => r.ts < t).at(-1)?.status === 'started';
    const [a0, a1] = [activeAt(start), activeAt(end)];
    const churned = a0 && ordered.some((r) => r.status === 'churned' && r.ts >= start && r.ts < end);
    const seg = segments.get(c) ?? '';
    const l = out.get(seg) ?? { start: 0, end: 0, churned: 0, new: 0 };
    out.set(seg, { start: l.start + +a0, end: l.end + +a1, churned: l.churned + +churned, new: l.new + +(a1 && !a0) });
  }
  return out;
}

const nonZero = (m: Map<string, { start: number; end: number; churned: number; new: number }>) =>
  Object.fromEntries([...m].filter(([, l]) => l.start || l.end || l.churned || l.new).sort(([a], [b]) => (a < b ? -1 : 1)));

const T0 = Date.parse('2026-06-01T00:00:00Z');
const HOUR = 3_600_000;
// Few customers and few distinct hours, so that histories interleave and instants tie.
const history = fc.array(
  fc.record({ customer: fc.integer({ min: 0, max: 5 }), hour: fc.integer({ min: 0, max: 30 }), status: fc.constantFrom('started', 'churned') }),
  { minLength: 1, maxLength: 40 },
);
const span = fc.tuple(fc.integer({ min: -2, max: 33 }), fc.integer({ min: 0, max: 20 })).map(([h, len]): Span => ({ start: T0 + h * HOUR, end: T0 + (h + len) * HOUR }));

describe('lifecycle counts (churn, retention) for several periods in one pass', () => {
  it('equal the definitions for generated histories, with ties in time, for every period at once and one at a time', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(history, fc.array(span, { minLength: 1, maxLength: 25 }), fc.array(fc.constantFrom('a', 'b'), { minLength: 6, maxLength: 6 }), async (events, spans, segs) => {
        const ws = await newWorkspace();
        const batch = [
          ...events.map((e, i) => ({ type: 'lifecycle', messageId: `l${run}-${i}`, customerId: `c${e.customer}`, status: e.status, timestamp: new Date(T0 + e.hour * HOUR).toISOString() })),
          ...segs.map((segment, c) => ({ type: 'identify', messageId: `i${run}-${c}`, customerId: `c${c}`, segment, timestamp: new Date(T0).toISOString() })),
        ];
        run++;
        expect((await send(ws, { batch })).status).toBe(202);
        const { results: rows } = await env.DB.prepare("SELECT customer_id, status, ts, seq FROM events WHERE workspace_id = ?1 AND type = 'lifecycle'").bind(ws.id).all<Row>();
        const segments = new Map(segs.map((s, c) => [`c${c}`, s]));
        // More periods than one statement takes (20), so the split is exercised too.
        const many = await lifecycleByPeriods(guardD1(env.DB), ws.id, spans);
        for (const [i, p] of spans.entries()) {
          const want = nonZero(reference(rows, segments, p));
          expect(nonZero(many[i])).toEqual(want);
          expect(nonZero(await lifecycleBySegment(guardD1(env.DB), ws.id, p.start, p.end))).toEqual(want);
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('lifecycle figures per day from one ordered pass (the drain’s lifecycle pass)', () => {
  // Hours over about a week, in a timezone with a DST change inside it, so days are 23–25 h.
  const week = fc.array(
    fc.record({ customer: fc.integer({ min: 0, max: 5 }), hour: fc.integer({ min: -30, max: 150 }), status: fc.constantFrom('started', 'churned') }),
    { minLength: 1, maxLength: 50 },
  );
  const TZ = 'Europe/Madrid';
  const W0 = Date.parse('2026-10-22T00:00:00Z');

  it('equal the definitions evaluated for each day alone, ties and days without events included', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(week, fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 6, maxLength: 6 }), async (events, segs) => {
        const ws = await newWorkspace(TZ);
        const batch = [
          ...events.map((e, i) => ({ type: 'lifecycle', messageId: `w${run}-${i}`, customerId: `c${e.customer}`, status: e.status, timestamp: new Date(W0 + e.hour * HOUR).toISOString() })),
          ...segs.map((segment, c) => ({ type: 'identify', messageId: `s${run}-${c}`, customerId: `c${c}`, segment, timestamp: new Date(W0).toISOString() })),
        ];
        run++;
        expect((await send(ws, { batch })).status).toBe(202);
        const { results: rows } = await env.DB.prepare("SELECT customer_id, status, ts, seq FROM events WHERE workspace_id = ?1 AND type = 'lifecycle'").bind(ws.id).all<Row>();
        const segments = new Map(segs.map((s, c) => [`c${c}`, s]));
        const days = Array.from({ length: 10 }, (_, i) => addDays('2026-10-20', i));
        const byDay = await lifecycleByDays(guardD1(env.DB), ws.id, days);
        for (const day of days) {
          const want = nonZero(reference(rows, segments, { start: dayStart(day, TZ), end: dayStart(addDays(day, 1), TZ) }));
          expect(nonZero(byDay.get(day)!), day).toEqual(want);
        }
      }),
      { numRuns: 25 },
    );
  });
});
