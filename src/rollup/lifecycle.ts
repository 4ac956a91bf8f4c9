// Who was active when is not additive across days, so churn and retention are computed for
// the exact period [start, end) from the raw lifecycle events, through a covering index.
import type { Lifecycle } from '../metrics/definitions.ts';

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
