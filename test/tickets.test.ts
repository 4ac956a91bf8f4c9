// First response per the SPEC: a property of the ticket, counted in the period that received it
// whenever the answer came; median and p90 (nearest rank) over answered tickets; awaiting = the
// received tickets with no answer yet. Checked against a JavaScript evaluation of the definition.
import { env } from 'cloudflare:workers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentile } from '../src/metrics/definitions.ts';
import { guardD1 } from '../src/platform/d1.ts';
import { ticketFigures, ticketsInPeriod } from '../src/rollup/tickets.ts';
import { newWorkspace, send } from './helpers.ts';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const MIN = 60_000;
type Ev = { ticket: number; minute: number; status: 'opened' | 'responded' | 'resolved' | 'reopened' };

function reference(events: (Ev & { seq: number })[], start: number, end: number) {
  const at = (e: Ev) => T0 + e.minute * MIN;
  const byTicket = new Map<number, (Ev & { seq: number })[]>();
  for (const e of events) byTicket.set(e.ticket, [...(byTicket.get(e.ticket) ?? []), e]);
  const received: { resolved: boolean; frt: number | null }[] = [];
  for (const list of byTicket.values()) {
    const ordered = [...list].sort((a, b) => at(a) - at(b) || a.seq - b.seq);
    const opened = ordered.find((e) => e.status === 'opened');
    if (!opened || at(opened) < start || at(opened) >= end) continue;
    const latest = ordered.filter((e) => at(e) < end).at(-1);
    const answer = ordered.find((e) => e.status === 'responded' && at(e) >= at(opened));
    received.push({ resolved: latest?.status === 'resolved', frt: answer ? (at(answer) - at(opened)) / MIN : null });
  }
  const answered = received.map((r) => r.frt).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const mid = answered.length >> 1;
  const median = !answered.length ? null : answered.length % 2 ? answered[mid] : (answered[mid - 1] + answered[mid]) / 2;
  return {
    received: received.length,
    resolved: received.filter((r) => r.resolved).length,
    medianFirstResponseMinutes: median === null ? null : Math.round(median * 100) / 100,
    p90FirstResponseMinutes: answered.length ? answered[Math.ceil(0.9 * answered.length) - 1] : null,
    awaitingFirstResponse: received.length - answered.length,
  };
}

describe('first response figures', () => {
  it('nearest-rank p90 is the smallest value with at least 90% at or below it', () => {
    expect(percentile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 90)).toBe(90);
    expect(percentile([5, 1, 300], 90)).toBe(300);
    expect(percentile([42], 90)).toBe(42);
    expect(percentile([], 90)).toBeNull();
  });

  it('equal the SPEC evaluated in JavaScript for generated ticket histories, answers after the period included', async () => {
    let run = 0;
    const events = fc.array(
      fc.record({
        ticket: fc.integer({ min: 0, max: 8 }),
        minute: fc.integer({ min: 0, max: 3000 }),
        status: fc.constantFrom('opened', 'opened', 'responded', 'resolved', 'reopened'),
      }),
      { minLength: 1, maxLength: 60 },
    );
    const period = fc.tuple(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 1, max: 1500 }));
    await fc.assert(
      fc.asyncProperty(events, period, async (evs, [from, len]) => {
        const ws = await newWorkspace();
        const batch = evs.map((e, i) => ({
          type: 'ticket',
          messageId: `t${run}-${i}`,
          customerId: 'c1',
          ticketId: `T${e.ticket}`,
          status: e.status,
          timestamp: new Date(T0 + e.minute * MIN).toISOString(),
        }));
        run++;
        expect((await send(ws, { batch })).status).toBe(202);
        const [start, end] = [T0 + from * MIN, T0 + (from + len) * MIN];
        const rows = await ticketsInPeriod(guardD1(env.DB), ws.id, start, end);
        // Sequence numbers follow the batch order: ties in time go by arrival.
        const want = reference(evs.map((e, seq) => ({ ...e, seq })), start, end);
        expect(ticketFigures(rows)).toEqual(want);
      }),
      { numRuns: 40 },
    );
  });
});
