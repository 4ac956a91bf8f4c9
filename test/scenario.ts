import { expect } from 'vitest';
import { configureInventory, newWorkspace, send, type TestWorkspace } from './helpers.ts';

// A hand-worked scenario in Europe/Madrid around the 25-hour day of 2026-10-25.
export const TZ = 'Europe/Madrid';
// The 25-hour day of 2026 in Madrid (clocks go back at 03:00 CEST on 2026-10-25).
export const D1 = '2026-10-24';
export const D2 = '2026-10-25';
export const D3 = '2026-10-26';
export const NOW = Date.parse('2026-10-27T09:00:00+01:00');

let n = 0;
export const ev = (type: string, customerId: string, timestamp: string, extra: Record<string, unknown> = {}) => ({
  type,
  messageId: `m${++n}`,
  customerId,
  timestamp,
  ...extra,
});

/** A hand-worked scenario whose every figure is derived in the comments. */
export function scenario() {
  return [
    // Before the period: c1, c2, c4 become active; ticket t3 opens.
    ev('lifecycle', 'c1', '2026-10-01T10:00:00+02:00', { status: 'started' }),
    ev('lifecycle', 'c2', '2026-10-01T10:00:00+02:00', { status: 'started' }),
    ev('lifecycle', 'c4', '2026-10-02T10:00:00+02:00', { status: 'started' }),
    ev('ticket', 'c1', '2026-10-20T10:00:00+02:00', { ticketId: 't3', status: 'opened' }),
    // D1: NPS 10, 9, 8, 3 → 2 promoters, 1 passive, 1 detractor → NPS 25.
    ev('response', 'c1', '2026-10-24T09:00:00+02:00', { survey: 'nps', score: 10, touchpoint: 'checkout' }),
    ev('response', 'c2', '2026-10-24T10:00:00+02:00', { survey: 'nps', score: 9, touchpoint: 'checkout' }),
    ev('response', 'c3', '2026-10-24T11:00:00+02:00', { survey: 'nps', score: 8, touchpoint: 'support-call' }),
    // 23:59:59 local is still D1.
    ev('response', 'c4', '2026-10-24T23:59:59+02:00', { survey: 'nps', score: 3, touchpoint: 'support-call' }),
    // 00:00:00 local is D2: CSAT 5, 4, 2 → 2 of 3 satisfied.
    ev('response', 'c1', '2026-10-25T00:00:00+02:00', { survey: 'csat', score: 5 }),
    ev('response', 'c2', '2026-10-25T02:30:00+01:00', { survey: 'csat', score: 4 }), // after clocks went back
    ev('response', 'c3', '2026-10-25T23:30:00+01:00', { survey: 'csat', score: 2 }), // hour 25 of the day
    // D3: CES 7, 5, 2 → mean 4.67, easy 2 of 3.
    ev('response', 'c1', '2026-10-26T09:00:00+01:00', { survey: 'ces', score: 7 }),
    ev('response', 'c2', '2026-10-26T09:00:00+01:00', { survey: 'ces', score: 5 }),
    ev('response', 'c3', '2026-10-26T09:00:00+01:00', { survey: 'ces', score: 2 }),
    // Interactions: negative = failure, abandoned, sentiment −0.2 → 3 of 4; sentiment mean (0.5 − 0.5 − 0.2)/3.
    ev('interaction', 'c1', '2026-10-24T12:00:00+02:00', { touchpoint: 'checkout', outcome: 'success', sentiment: 0.5 }),
    ev('interaction', 'c1', '2026-10-25T12:00:00+01:00', { touchpoint: 'checkout', outcome: 'failure', sentiment: -0.5 }),
    ev('interaction', 'c2', '2026-10-25T12:00:00+01:00', { touchpoint: 'store-till', outcome: 'abandoned', emotion: 'frustrated' }),
    ev('interaction', 'c3', '2026-10-26T12:00:00+01:00', { touchpoint: 'ghost-kiosk', channel: 'mobile', outcome: 'success', sentiment: -0.2 }),
    // Lifecycle in the period: c3 new on D1; c2 churns on D2; c4 churns on D1 and comes back on D3.
    ev('lifecycle', 'c3', '2026-10-24T08:00:00+02:00', { status: 'started' }),
    ev('lifecycle', 'c2', '2026-10-25T08:00:00+01:00', { status: 'churned' }),
    ev('lifecycle', 'c4', '2026-10-24T18:00:00+02:00', { status: 'churned' }),
    ev('lifecycle', 'c4', '2026-10-26T18:00:00+01:00', { status: 'started' }),
    // Tickets: t1 resolved, reopened, resolved again; t2 answered after 120 min, never resolved;
    // t3 opened before the period (not received) and resolved in it.
    ev('ticket', 'c1', '2026-10-24T10:00:00+02:00', { ticketId: 't1', status: 'opened', touchpoint: 'support-call' }),
    ev('ticket', 'c1', '2026-10-24T10:30:00+02:00', { ticketId: 't1', status: 'responded' }),
    ev('ticket', 'c1', '2026-10-24T11:00:00+02:00', { ticketId: 't1', status: 'resolved' }),
    ev('ticket', 'c1', '2026-10-25T09:00:00+01:00', { ticketId: 't1', status: 'reopened' }),
    ev('ticket', 'c1', '2026-10-25T12:00:00+01:00', { ticketId: 't1', status: 'resolved' }),
    ev('ticket', 'c2', '2026-10-24T12:00:00+02:00', { ticketId: 't2', status: 'opened', channel: 'chat' }),
    ev('ticket', 'c2', '2026-10-24T14:00:00+02:00', { ticketId: 't2', status: 'responded' }),
    ev('ticket', 'c1', '2026-10-24T09:00:00+02:00', { ticketId: 't3', status: 'resolved' }),
    ev('identify', 'c1', '2026-10-01T09:00:00+02:00', { segment: 'premium' }),
    ev('identify', 'c2', '2026-10-01T09:00:00+02:00', { segment: 'retail' }),
  ];
}

export async function loaded(): Promise<TestWorkspace> {
  const ws = await newWorkspace(TZ);
  await configureInventory(ws);
  const r = await send(ws, { batch: scenario() });
  expect(r.status).toBe(202);
  return ws;
}

