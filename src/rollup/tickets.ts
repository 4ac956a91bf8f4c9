// Tickets and cases are not additive across days either: their figures are computed for the
// exact period [start, end) from the raw events, through partial indexes.
import { median, percentile, type Dim, type Loop, type Tickets } from '../metrics/definitions.ts';

// Received = tickets whose first `opened` falls in the period; resolved = latest status
// before the period's end is `resolved`; first response = first `responded` after opening,
// whenever it came (cutting it at the period's end hid the slow answers). A ticket's dimensions
// are those of its first `opened` event.
const TICKETS = `
WITH rec AS (
  SELECT e.ticket_id, e.ts AS opened_ts, e.customer_id, e.touchpoint, e.channel
  FROM events e
  WHERE e.workspace_id = ?1 AND e.type = 'ticket' AND e.status = 'opened' AND e.ts >= ?2 AND e.ts < ?3
    AND NOT EXISTS (
      SELECT 1 FROM events p INDEXED BY events_ticket
      WHERE p.workspace_id = ?1 AND p.type = 'ticket' AND p.ticket_id = e.ticket_id AND p.status = 'opened'
        AND (p.ts < e.ts OR (p.ts = e.ts AND p.seq < e.seq)))
)
SELECT
  coalesce(rec.touchpoint, '') AS touchpoint,
  coalesce(rec.channel, tp.channel, '') AS channel,
  coalesce(tp.stage, '') AS stage,
  coalesce(c.segment, '') AS segment,
  (SELECT s.status FROM events s
    WHERE s.workspace_id = ?1 AND s.type = 'ticket' AND s.ticket_id = rec.ticket_id AND s.ts < ?3
    ORDER BY s.ts DESC, s.seq DESC LIMIT 1) = 'resolved' AS resolved,
  ((SELECT MIN(s.ts) FROM events s
    WHERE s.workspace_id = ?1 AND s.type = 'ticket' AND s.ticket_id = rec.ticket_id AND s.status = 'responded'
      AND s.ts >= rec.opened_ts) - rec.opened_ts) / 60000.0 AS frt
FROM rec
LEFT JOIN touchpoints tp ON tp.workspace_id = ?1 AND tp.key = rec.touchpoint
LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = rec.customer_id`;

export type TicketRow = { touchpoint: string; channel: string; stage: string; segment: string; resolved: number; frt: number | null };

export async function ticketsInPeriod(d1: D1Database, ws: string, start: number, end: number): Promise<TicketRow[]> {
  return (await d1.prepare(TICKETS).bind(ws, start, end).all<TicketRow>()).results;
}

type DimRow = { touchpoint: string; channel: string; stage: string; segment: string };

/** Groups rows by a key, in order of first appearance. */
function groupBy<R>(rows: R[], keyOf: (r: R) => string): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const key = keyOf(r);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

/** One dimension's key of a row ('' = none; dim `all` → key ''). */
const byDim = (dim: Dim) => (r: DimRow) => (dim === 'all' ? '' : r[dim]);

const values = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);

/** Resolution figures of a group of received tickets. */
export function ticketFigures(g: Pick<TicketRow, 'resolved' | 'frt'>[]): Tickets {
  const answered = values(g.map((r) => r.frt));
  return {
    received: g.length,
    resolved: g.filter((r) => r.resolved).length,
    medianFirstResponseMinutes: median(answered),
    p90FirstResponseMinutes: percentile(answered, 90),
    awaitingFirstResponse: g.length - answered.length,
  };
}

/** Resolution figures per dimension key. */
export function aggregateTickets(rows: TicketRow[], dim: Dim): Map<string, Tickets> {
  return new Map([...groupBy(rows, byDim(dim))].map(([k, g]) => [k, ticketFigures(g)]));
}

// Cases opened in the period (at their event's time); closed = resolved before its end, with
// the root cause it was closed with. overdue: had an SLA, past due and still open at the end.
// slaMet: 1 closed by its due time, 0 due before the end and not closed by then, null undecided.
const CASES = `
SELECT coalesce(c.touchpoint, '') AS touchpoint, coalesce(e.channel, tp.channel, '') AS channel,
  coalesce(tp.stage, '') AS stage, coalesce(cu.segment, '') AS segment, c.owner AS owner, c.rule AS rule,
  CASE WHEN c.resolved_at < ?3 THEN (c.resolved_at - c.opened_at) / 3600000.0 END AS hours,
  CASE WHEN c.resolved_at < ?3 THEN c.root_cause END AS rootCause,
  (c.due_at < ?3 AND coalesce(c.resolved_at >= ?3, 1)) AS overdue,
  CASE WHEN c.resolved_at < ?3 AND c.resolved_at <= c.due_at THEN 1 WHEN c.due_at < ?3 THEN 0 END AS slaMet
FROM cases c
LEFT JOIN events e ON e.workspace_id = ?1 AND e.message_id = c.message_id
LEFT JOIN touchpoints tp ON tp.workspace_id = ?1 AND tp.key = c.touchpoint
LEFT JOIN customers cu ON cu.workspace_id = ?1 AND cu.customer_id = c.customer_id
WHERE c.workspace_id = ?1 AND c.opened_at >= ?2 AND c.opened_at < ?3`;

export type CaseRow = DimRow & { owner: string; rule: string; hours: number | null; rootCause: string | null; overdue: number | null; slaMet: number | null };

/** Root causes of the closed cases among rows, most frequent first (then by key). */
export function rootCauseCounts(rows: Pick<CaseRow, 'rootCause'>[]): { key: string; cases: number }[] {
  const counts = new Map<string, number>();
  for (const r of rows) if (r.rootCause !== null) counts.set(r.rootCause, (counts.get(r.rootCause) ?? 0) + 1);
  return [...counts].map(([key, cases]) => ({ key, cases })).sort((a, b) => b.cases - a.cases || (a.key < b.key ? -1 : 1));
}

/** Root-cause counts per dimension key. */
export function rootCausesBy(rows: CaseRow[], dim: Dim): Map<string, { key: string; cases: number }[]> {
  return new Map([...groupBy(rows, byDim(dim))].map(([k, g]) => [k, rootCauseCounts(g)]));
}

export async function casesInPeriod(d1: D1Database, ws: string, start: number, end: number): Promise<CaseRow[]> {
  return (await d1.prepare(CASES).bind(ws, start, end).all<CaseRow>()).results;
}

/** Loop figures of a group of cases. */
export function loopFigures(g: CaseRow[]): Loop {
  const hours = values(g.map((r) => r.hours));
  const decided = values(g.map((r) => r.slaMet));
  return {
    cases: g.length, closed: hours.length, medianHoursToClose: median(hours),
    overdue: g.filter((r) => r.overdue).length, slaMet: decided.filter((x) => x === 1).length, slaDecided: decided.length,
  };
}

export function aggregateLoop(rows: CaseRow[], dim: Dim): Map<string, Loop> {
  return new Map([...groupBy(rows, byDim(dim))].map(([k, g]) => [k, loopFigures(g)]));
}

/** Cases grouped by who owns them now, or by the rule (metric:<key> for a metric alert) that opened them. */
export function groupCasesBy(rows: CaseRow[], by: 'owner' | 'rule'): Map<string, CaseRow[]> {
  return groupBy(rows, (r) => r[by]);
}

