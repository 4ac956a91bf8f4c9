// Customers and tickets are not additive across days, so their metrics are computed for
// the exact period [start, end) from the raw events, through partial indexes.
import { median, type Lifecycle, type Loop, type Tickets } from './metrics';

export type Dim = 'all' | 'touchpoint' | 'channel' | 'stage' | 'segment';

// Each lifecycle event with the time of the customer's next one (ties in time go by arrival):
// the event is the customer's latest before instant t exactly when ts < t <= next_ts (or it
// has no next). One ordered pass (the events_lifecycle index covers it) then answers "active
// at t" for any number of instants. Binds ?1 workspace and, in `until`, the last instant.
const lifecycleSpans = (until: string) => `lc AS (
  SELECT customer_id, status, ts, LEAD(ts) OVER (PARTITION BY customer_id ORDER BY ts, seq) AS next_ts
  FROM events WHERE workspace_id = ?1 AND type = 'lifecycle' AND ts < ${until}
)`;
const activeAt = (t: string) => `status = 'started' AND ts < ${t} AND (next_ts IS NULL OR next_ts >= ${t})`;

// Per customer: active at start (latest lifecycle event before start is `started`), active
// at end, and whether a `churned` event falls inside the period.
// Binds ?1 workspace, ?2 period start, ?3 period end (ms).
export const LIFECYCLE_CTES = `${lifecycleSpans('?3')}, per AS (
  SELECT customer_id, MAX(${activeAt('?2')}) AS a0, MAX(next_ts IS NULL AND status = 'started') AS a1,
    MAX(ts >= ?2 AND status = 'churned') AS ch
  FROM lc GROUP BY customer_id
)`;

// The same for several periods in one pass: ?2 the latest end, then each period's start and end.
function lifecycleSql(periods: number) {
  const cols = Array.from({ length: periods }, (_, i) => {
    const [s, e] = [`?${3 + 2 * i}`, `?${4 + 2 * i}`];
    return `MAX(${activeAt(s)}) AS a0_${i}, MAX(${activeAt(e)}) AS a1_${i}, MAX(status = 'churned' AND ts >= ${s} AND ts < ${e}) AS ch_${i}`;
  });
  const sums = Array.from({ length: periods }, (_, i) => `SUM(a0_${i}) AS s_${i}, SUM(a1_${i}) AS e_${i}, SUM(a0_${i} AND ch_${i}) AS c_${i}, SUM(a1_${i} AND NOT a0_${i}) AS n_${i}`);
  return `WITH ${lifecycleSpans('?2')}, per AS (SELECT customer_id, ${cols.join(', ')} FROM lc GROUP BY customer_id)
SELECT coalesce(c.segment, '') AS seg, ${sums.join(', ')}
FROM per LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = per.customer_id
GROUP BY seg`;
}

// 2 + 2 per period bound parameters: D1 takes at most 100.
const PERIODS_PER_STATEMENT = 20;
export type Span = { start: number; end: number };

/** Lifecycle counts per segment key ('' = no segment) of each period [start, end), in order. */
export async function lifecycleByPeriods(d1: D1Database, ws: string, periods: Span[]): Promise<Map<string, Lifecycle>[]> {
  const out: Map<string, Lifecycle>[] = [];
  for (let at = 0; at < periods.length; at += PERIODS_PER_STATEMENT) {
    const part = periods.slice(at, at + PERIODS_PER_STATEMENT);
    const until = Math.max(...part.map((p) => p.end));
    const { results } = await d1
      .prepare(lifecycleSql(part.length))
      .bind(ws, until, ...part.flatMap((p) => [p.start, p.end]))
      .all<Record<string, number> & { seg: string }>();
    part.forEach((_, i) => {
      const bySeg = new Map<string, Lifecycle>();
      for (const r of results) bySeg.set(r.seg, { start: r[`s_${i}`], end: r[`e_${i}`], churned: r[`c_${i}`], new: r[`n_${i}`] });
      out.push(bySeg);
    });
  }
  return out;
}

export async function lifecycleBySegment(d1: D1Database, ws: string, start: number, end: number): Promise<Map<string, Lifecycle>> {
  return (await lifecycleByPeriods(d1, ws, [{ start, end }]))[0];
}

export function sumLifecycle(parts: Iterable<Lifecycle>): Lifecycle {
  const total = { start: 0, end: 0, churned: 0, new: 0 };
  for (const p of parts) {
    total.start += p.start;
    total.end += p.end;
    total.churned += p.churned;
    total.new += p.new;
  }
  return total;
}

// Received = tickets whose first `opened` falls in the period; resolved = latest status
// before the period's end is `resolved`; first response = first `responded` after opening,
// before the period's end. A ticket's dimensions are those of its first `opened` event.
const TICKETS = `
WITH rec AS (
  SELECT e.ticket_id, e.ts AS opened_ts, e.customer_id, e.touchpoint, e.channel
  FROM events e
  WHERE e.workspace_id = ?1 AND e.type = 'ticket' AND e.status = 'opened' AND e.ts >= ?2 AND e.ts < ?3
    AND NOT EXISTS (
      SELECT 1 FROM events p
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
      AND s.ts >= rec.opened_ts AND s.ts < ?3) - rec.opened_ts) / 60000.0 AS frt
FROM rec
LEFT JOIN touchpoints tp ON tp.workspace_id = ?1 AND tp.key = rec.touchpoint
LEFT JOIN customers c ON c.workspace_id = ?1 AND c.customer_id = rec.customer_id`;

export type TicketRow = { touchpoint: string; channel: string; stage: string; segment: string; resolved: number; frt: number | null };

export async function ticketsInPeriod(d1: D1Database, ws: string, start: number, end: number): Promise<TicketRow[]> {
  return (await d1.prepare(TICKETS).bind(ws, start, end).all<TicketRow>()).results;
}

type DimRow = { touchpoint: string; channel: string; stage: string; segment: string };

/** Groups rows by one dimension's key ('' = none; dim `all` → key ''). */
function groupBy<R extends DimRow>(rows: R[], dim: Dim): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  for (const r of rows) {
    const key = dim === 'all' ? '' : r[dim];
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return groups;
}

const values = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);

/** Resolution figures per dimension key. */
export function aggregateTickets(rows: TicketRow[], dim: Dim): Map<string, Tickets> {
  return new Map(
    [...groupBy(rows, dim)].map(([k, g]) => [
      k,
      { received: g.length, resolved: g.filter((r) => r.resolved).length, medianFirstResponseMinutes: median(values(g.map((r) => r.frt))) },
    ]),
  );
}

// Cases opened in the period (at their event's time); closed = resolved before its end.
const CASES = `
SELECT coalesce(c.touchpoint, '') AS touchpoint, coalesce(e.channel, tp.channel, '') AS channel,
  coalesce(tp.stage, '') AS stage, coalesce(cu.segment, '') AS segment,
  CASE WHEN c.resolved_at < ?3 THEN (c.resolved_at - c.opened_at) / 3600000.0 END AS hours
FROM cases c
LEFT JOIN events e ON e.workspace_id = ?1 AND e.message_id = c.message_id
LEFT JOIN touchpoints tp ON tp.workspace_id = ?1 AND tp.key = c.touchpoint
LEFT JOIN customers cu ON cu.workspace_id = ?1 AND cu.customer_id = c.customer_id
WHERE c.workspace_id = ?1 AND c.opened_at >= ?2 AND c.opened_at < ?3`;

export type CaseRow = DimRow & { hours: number | null };

export async function casesInPeriod(d1: D1Database, ws: string, start: number, end: number): Promise<CaseRow[]> {
  return (await d1.prepare(CASES).bind(ws, start, end).all<CaseRow>()).results;
}

export function aggregateLoop(rows: CaseRow[], dim: Dim): Map<string, Loop> {
  return new Map(
    [...groupBy(rows, dim)].map(([k, g]) => {
      const hours = values(g.map((r) => r.hours));
      return [k, { cases: g.length, closed: hours.length, medianHoursToClose: median(hours) }];
    }),
  );
}

export const noTickets = (): Tickets => ({ received: 0, resolved: 0, medianFirstResponseMinutes: null });
